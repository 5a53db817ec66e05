// Read-only queries of a Netlink handle (for `netsim status` and tests).
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>

#include <map>

#include "netsim/netns/netlink.h"
#include "netsim/netns/nl_util.h"

namespace netsim::netns {

namespace {
template <typename T, typename F>
void forEach(nl_cache* cache, F&& fn) {
  for (nl_object* o = nl_cache_get_first(cache); o != nullptr; o = nl_cache_get_next(o)) {
    fn(reinterpret_cast<T*>(o));
  }
}

RouteType fromRtn(uint8_t t) {
  switch (t) {
    case RTN_BLACKHOLE: return RouteType::kBlackhole;
    case RTN_UNREACHABLE: return RouteType::kUnreachable;
    case RTN_PROHIBIT: return RouteType::kProhibit;
    default: return RouteType::kUnicast;
  }
}
}  // namespace

Result<std::vector<LinkInfo>> Netlink::listLinks() {
  nl_cache* raw = nullptr;
  if (int err = rtnl_link_alloc_cache(sock_.get(), AF_UNSPEC, &raw); err < 0) {
    return nlError("list links", err);
  }
  nl::CachePtr links(raw);
  raw = nullptr;
  if (int err = rtnl_addr_alloc_cache(sock_.get(), &raw); err < 0) {
    return nlError("list addresses", err);
  }
  nl::CachePtr addrs(raw);

  std::map<int, std::vector<common::Cidr>> by_index;
  forEach<rtnl_addr>(addrs.get(), [&](rtnl_addr* a) {
    if (rtnl_addr_get_family(a) != AF_INET) return;
    if (auto ip = nl::toIpv4(rtnl_addr_get_local(a))) {
      by_index[rtnl_addr_get_ifindex(a)].emplace_back(*ip, rtnl_addr_get_prefixlen(a));
    }
  });
  std::map<int, std::string> names;
  forEach<rtnl_link>(links.get(), [&](rtnl_link* l) {
    names[rtnl_link_get_ifindex(l)] = rtnl_link_get_name(l);
  });

  std::vector<LinkInfo> out;
  forEach<rtnl_link>(links.get(), [&](rtnl_link* l) {
    LinkInfo info;
    info.name = rtnl_link_get_name(l);
    info.ifindex = rtnl_link_get_ifindex(l);
    if (const char* kind = rtnl_link_get_type(l)) info.kind = kind;
    info.mac = nl::macString(rtnl_link_get_addr(l));
    char buf[32];
    info.operstate = rtnl_link_operstate2str(rtnl_link_get_operstate(l), buf, sizeof(buf));
    info.admin_up = (rtnl_link_get_flags(l) & IFF_UP) != 0;
    info.mtu = rtnl_link_get_mtu(l);
    if (int m = rtnl_link_get_master(l); m > 0 && names.count(m)) info.master = names[m];
    if (auto it = by_index.find(info.ifindex); it != by_index.end()) info.addresses = it->second;
    info.stats.rx_packets = rtnl_link_get_stat(l, RTNL_LINK_RX_PACKETS);
    info.stats.tx_packets = rtnl_link_get_stat(l, RTNL_LINK_TX_PACKETS);
    info.stats.rx_bytes = rtnl_link_get_stat(l, RTNL_LINK_RX_BYTES);
    info.stats.tx_bytes = rtnl_link_get_stat(l, RTNL_LINK_TX_BYTES);
    info.stats.rx_dropped = rtnl_link_get_stat(l, RTNL_LINK_RX_DROPPED);
    info.stats.tx_dropped = rtnl_link_get_stat(l, RTNL_LINK_TX_DROPPED);
    out.push_back(std::move(info));
  });
  return out;
}

Result<std::vector<RouteInfo>> Netlink::listRoutes() {
  nl_cache* raw = nullptr;
  if (int err = rtnl_route_alloc_cache(sock_.get(), AF_INET, 0, &raw); err < 0) {
    return nlError("list routes", err);
  }
  nl::CachePtr routes(raw);
  raw = nullptr;
  if (int err = rtnl_link_alloc_cache(sock_.get(), AF_UNSPEC, &raw); err < 0) {
    return nlError("list links", err);
  }
  nl::CachePtr links(raw);
  std::vector<RouteInfo> out;
  forEach<rtnl_route>(routes.get(), [&](rtnl_route* r) {
    RouteInfo info;
    info.table = rtnl_route_get_table(r);
    nl_addr* dst = rtnl_route_get_dst(r);
    if (auto ip = nl::toIpv4(dst)) {
      info.destination = common::Cidr(*ip, nl_addr_get_prefixlen(dst));
    }
    info.metric = rtnl_route_get_priority(r);
    info.type = fromRtn(rtnl_route_get_type(r));
    if (rtnl_route_get_nnexthops(r) > 0) {
      rtnl_nexthop* nh = rtnl_route_nexthop_n(r, 0);
      if (auto gw = nl::toIpv4(rtnl_route_nh_get_gateway(nh))) info.gateway = *gw;
      char buf[IFNAMSIZ] = {};
      if (rtnl_link_i2name(links.get(), rtnl_route_nh_get_ifindex(nh), buf, sizeof(buf))) {
        info.dev = buf;
      }
    }
    out.push_back(std::move(info));
  });
  return out;
}

Result<std::vector<NeighbourInfo>> Netlink::listNeighbours() {
  nl_cache* raw = nullptr;
  if (int err = rtnl_neigh_alloc_cache(sock_.get(), &raw); err < 0) {
    return nlError("list neighbours", err);
  }
  nl::CachePtr neighs(raw);
  raw = nullptr;
  if (int err = rtnl_link_alloc_cache(sock_.get(), AF_UNSPEC, &raw); err < 0) {
    return nlError("list links", err);
  }
  nl::CachePtr links(raw);
  std::vector<NeighbourInfo> out;
  forEach<rtnl_neigh>(neighs.get(), [&](rtnl_neigh* n) {
    auto ip = nl::toIpv4(rtnl_neigh_get_dst(n));
    if (!ip) return;
    NeighbourInfo info;
    info.address = *ip;
    info.mac = nl::macString(rtnl_neigh_get_lladdr(n));
    char buf[64] = {};
    info.state = rtnl_neigh_state2str(rtnl_neigh_get_state(n), buf, sizeof(buf));
    char name[IFNAMSIZ] = {};
    if (rtnl_link_i2name(links.get(), rtnl_neigh_get_ifindex(n), name, sizeof(name))) {
      info.dev = name;
    }
    out.push_back(std::move(info));
  });
  return out;
}

}  // namespace netsim::netns
