#include "netsim/netns/netlink.h"

#include <arpa/inet.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link/veth.h>
#include <netlink/socket.h>

#include <cstring>

#include "netsim/netns/nl_util.h"

namespace netsim::netns {

using common::ErrorCode;
using common::makeError;

namespace nl {

AddrPtr ipv4Addr(common::Ipv4Address a, int prefix_len) {
  uint32_t be = htonl(a.value());
  AddrPtr p(nl_addr_build(AF_INET, &be, sizeof(be)));
  if (p) nl_addr_set_prefixlen(p.get(), prefix_len);
  return p;
}

AddrPtr macAddr(const uint8_t* mac) { return AddrPtr(nl_addr_build(AF_LLC, mac, 6)); }

std::optional<common::Ipv4Address> toIpv4(const nl_addr* a) {
  if (a == nullptr || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != 4) {
    return std::nullopt;
  }
  uint32_t be = 0;
  std::memcpy(&be, nl_addr_get_binary_addr(a), 4);
  return common::Ipv4Address(ntohl(be));
}

std::string macString(const nl_addr* a) {
  if (a == nullptr || nl_addr_get_len(a) != 6) return "";
  const auto* b = static_cast<const uint8_t*>(nl_addr_get_binary_addr(a));
  char buf[18];
  std::snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4],
                b[5]);
  return buf;
}

}  // namespace nl

void Netlink::SockDeleter::operator()(nl_sock* s) const { nl_socket_free(s); }

Netlink::Netlink(Netlink&&) noexcept = default;
Netlink& Netlink::operator=(Netlink&&) noexcept = default;
Netlink::~Netlink() = default;

Result<Netlink> Netlink::open(const Namespace& ns) {
  auto scope = NetnsScope::enter(ns);
  if (!scope) return scope.error();
  std::unique_ptr<nl_sock, SockDeleter> sock(nl_socket_alloc());
  if (!sock) return makeError(ErrorCode::kSystem, "netns '" + ns.name() + "': nl_socket_alloc");
  if (int err = nl_connect(sock.get(), NETLINK_ROUTE); err < 0) {
    return makeError(ErrorCode::kSystem, "netns '" + ns.name() +
                                             "': connect rtnetlink: " + nl_geterror(err));
  }
  return Netlink(ns.name(), std::move(sock));
}

Error Netlink::nlError(const std::string& what, int err) const {
  ErrorCode code = ErrorCode::kSystem;
  if (err == -NLE_EXIST) code = ErrorCode::kAlreadyExists;
  if (err == -NLE_OBJ_NOTFOUND || err == -NLE_NODEV) code = ErrorCode::kNotFound;
  if (err == -NLE_INVAL || err == -NLE_RANGE) code = ErrorCode::kInvalidArgument;
  return makeError(code, "netns '" + ns_name_ + "': " + what + ": " + nl_geterror(err));
}

Result<int> Netlink::ifindex(const std::string& ifname) {
  rtnl_link* raw = nullptr;
  if (int err = rtnl_link_get_kernel(sock_.get(), 0, ifname.c_str(), &raw); err < 0) {
    return nlError("interface '" + ifname + "'", err);
  }
  nl::LinkPtr link(raw);
  return rtnl_link_get_ifindex(link.get());
}

Status Netlink::createVeth(const std::string& name, const Mac& mac, const std::string& peer_name,
                           const Mac& peer_mac, int peer_ns_fd) {
  const std::string what = "create veth " + name + " (peer " + peer_name + ")";
  nl::VethPtr link(rtnl_link_veth_alloc());
  if (!link) return nlError(what, -NLE_NOMEM);
  rtnl_link_set_name(link.get(), name.c_str());
  auto addr = nl::macAddr(mac.data());
  rtnl_link_set_addr(link.get(), addr.get());
  {
    nl::LinkPtr peer(rtnl_link_veth_get_peer(link.get()));  // takes a reference
    rtnl_link_set_name(peer.get(), peer_name.c_str());
    auto peer_addr = nl::macAddr(peer_mac.data());
    rtnl_link_set_addr(peer.get(), peer_addr.get());
    rtnl_link_set_ns_fd(peer.get(), peer_ns_fd);
  }
  if (int err = rtnl_link_add(sock_.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
    return nlError(what, err);
  }
  return common::Ok{};
}

Status Netlink::createBridge(const std::string& name, const Mac& mac) {
  // libnl 3.7 has no setters for IFLA_BR_*, so the request is built by hand.
  const std::string what = "create bridge " + name;
  nl::MsgPtr msg(nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL));
  if (!msg) return nlError(what, -NLE_NOMEM);
  ifinfomsg ifi{};
  ifi.ifi_family = AF_UNSPEC;
  nl_msg* m = msg.get();
  if (nlmsg_append(m, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
      nla_put_string(m, IFLA_IFNAME, name.c_str()) < 0 ||
      nla_put(m, IFLA_ADDRESS, 6, mac.data()) < 0) {
    return nlError(what, -NLE_NOMEM);
  }
  nlattr* info = nla_nest_start(m, IFLA_LINKINFO);
  if (info == nullptr || nla_put_string(m, IFLA_INFO_KIND, "bridge") < 0) {
    return nlError(what, -NLE_NOMEM);
  }
  nlattr* data = nla_nest_start(m, IFLA_INFO_DATA);
  if (data == nullptr || nla_put_u32(m, IFLA_BR_STP_STATE, 0) < 0 ||
      nla_put_u32(m, IFLA_BR_FORWARD_DELAY, 0) < 0) {
    return nlError(what, -NLE_NOMEM);
  }
  nla_nest_end(m, data);
  nla_nest_end(m, info);
  // nl_send_sync frees the message whatever happens.
  if (int err = nl_send_sync(sock_.get(), msg.release()); err < 0) return nlError(what, err);
  return common::Ok{};
}

namespace {
// A change request keyed by ifindex only (no lookup by name, no full link parse).
nl::LinkPtr linkByIndex(int index) {
  nl::LinkPtr l(rtnl_link_alloc());
  if (l) rtnl_link_set_ifindex(l.get(), index);
  return l;
}
}  // namespace

Status Netlink::setFlags(const std::string& ifname, bool up) {
  const std::string what = std::string(up ? "set up " : "set down ") + ifname;
  auto idx = ifindex(ifname);
  if (!idx) return idx.error();
  auto orig = linkByIndex(*idx);
  nl::LinkPtr change(rtnl_link_alloc());
  if (!orig || !change) return nlError(what, -NLE_NOMEM);
  if (up) {
    rtnl_link_set_flags(change.get(), IFF_UP);
  } else {
    rtnl_link_unset_flags(change.get(), IFF_UP);
  }
  if (int err = rtnl_link_change(sock_.get(), orig.get(), change.get(), 0); err < 0) {
    return nlError(what, err);
  }
  return common::Ok{};
}

Status Netlink::setUp(const std::string& ifname) { return setFlags(ifname, true); }
Status Netlink::setDown(const std::string& ifname) { return setFlags(ifname, false); }

Status Netlink::setMaster(const std::string& ifname, const std::string& bridge) {
  const std::string what = "attach " + ifname + " to bridge " + bridge;
  auto idx = ifindex(ifname);
  if (!idx) return idx.error();
  auto master = ifindex(bridge);
  if (!master) return master.error();
  auto orig = linkByIndex(*idx);
  nl::LinkPtr change(rtnl_link_alloc());
  if (!orig || !change) return nlError(what, -NLE_NOMEM);
  rtnl_link_set_master(change.get(), *master);
  if (int err = rtnl_link_change(sock_.get(), orig.get(), change.get(), 0); err < 0) {
    return nlError(what, err);
  }
  return common::Ok{};
}

Status Netlink::setMtu(const std::string& ifname, uint32_t mtu) {
  const std::string what = "set mtu " + std::to_string(mtu) + " on " + ifname;
  auto idx = ifindex(ifname);
  if (!idx) return idx.error();
  auto orig = linkByIndex(*idx);
  nl::LinkPtr change(rtnl_link_alloc());
  if (!orig || !change) return nlError(what, -NLE_NOMEM);
  rtnl_link_set_mtu(change.get(), mtu);
  if (int err = rtnl_link_change(sock_.get(), orig.get(), change.get(), 0); err < 0) {
    return nlError(what, err);
  }
  return common::Ok{};
}

Status Netlink::setMac(const std::string& ifname, const Mac& mac) {
  const std::string what = "set mac on " + ifname;
  auto idx = ifindex(ifname);
  if (!idx) return idx.error();
  auto orig = linkByIndex(*idx);
  nl::LinkPtr change(rtnl_link_alloc());
  auto addr = nl::macAddr(mac.data());
  if (!orig || !change || !addr) return nlError(what, -NLE_NOMEM);
  rtnl_link_set_addr(change.get(), addr.get());
  if (int err = rtnl_link_change(sock_.get(), orig.get(), change.get(), 0); err < 0) {
    return nlError(what, err);
  }
  return common::Ok{};
}

Status Netlink::deleteLink(const std::string& ifname) {
  const std::string what = "delete link " + ifname;
  nl::LinkPtr l(rtnl_link_alloc());
  if (!l) return nlError(what, -NLE_NOMEM);
  rtnl_link_set_name(l.get(), ifname.c_str());
  if (int err = rtnl_link_delete(sock_.get(), l.get()); err < 0) return nlError(what, err);
  return common::Ok{};
}

Status Netlink::addAddress(const std::string& ifname, const common::Cidr& address) {
  const std::string what = "add address " + address.str() + " to " + ifname;
  if (address.prefixLength() < 0 || address.prefixLength() > 32) {
    return makeError(ErrorCode::kInvalidArgument, "netns '" + ns_name_ + "': " + what +
                                                      ": bad prefix length");
  }
  auto idx = ifindex(ifname);
  if (!idx) return idx.error();
  nl::RtAddrPtr a(rtnl_addr_alloc());
  auto local = nl::ipv4Addr(address.address(), address.prefixLength());
  if (!a || !local) return nlError(what, -NLE_NOMEM);
  rtnl_addr_set_ifindex(a.get(), *idx);
  rtnl_addr_set_family(a.get(), AF_INET);
  rtnl_addr_set_local(a.get(), local.get());
  rtnl_addr_set_prefixlen(a.get(), address.prefixLength());
  rtnl_addr_set_scope(a.get(), RT_SCOPE_UNIVERSE);
  nl::AddrPtr bcast;
  if (address.prefixLength() <= 30) {  // /31 and /32 have no broadcast address
    bcast = nl::ipv4Addr(address.broadcast(), 32);
    if (!bcast) return nlError(what, -NLE_NOMEM);
    rtnl_addr_set_broadcast(a.get(), bcast.get());
  }
  if (int err = rtnl_addr_add(sock_.get(), a.get(), NLM_F_EXCL); err < 0) {
    return nlError(what, err);
  }
  return common::Ok{};
}

namespace {
uint8_t rtnType(RouteType t) {
  switch (t) {
    case RouteType::kUnicast: return RTN_UNICAST;
    case RouteType::kBlackhole: return RTN_BLACKHOLE;
    case RouteType::kUnreachable: return RTN_UNREACHABLE;
    case RouteType::kProhibit: return RTN_PROHIBIT;
  }
  return RTN_UNICAST;
}

std::string describe(const RouteSpec& r) {
  std::string s = r.destination.str();
  if (r.gateway) s += " via " + r.gateway->str();
  if (r.dev) s += " dev " + *r.dev;
  s += " table " + std::to_string(r.table);
  return s;
}
}  // namespace

Status Netlink::routeOp(const RouteSpec& spec, bool add) {
  const std::string what = std::string(add ? "add route " : "delete route ") + describe(spec);
  nl::RoutePtr r(rtnl_route_alloc());
  auto dst = nl::ipv4Addr(spec.destination.network(), spec.destination.prefixLength());
  if (!r || !dst) return nlError(what, -NLE_NOMEM);
  rtnl_route_set_family(r.get(), AF_INET);
  rtnl_route_set_table(r.get(), spec.table);
  rtnl_route_set_dst(r.get(), dst.get());
  rtnl_route_set_type(r.get(), rtnType(spec.type));
  rtnl_route_set_protocol(r.get(), RTPROT_STATIC);
  rtnl_route_set_priority(r.get(), spec.metric);
  const bool link_scope = spec.type == RouteType::kUnicast && !spec.gateway;
  rtnl_route_set_scope(r.get(), link_scope ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE);
  if (spec.type == RouteType::kUnicast && (spec.gateway || spec.dev)) {
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    if (nh == nullptr) return nlError(what, -NLE_NOMEM);
    rtnl_route_add_nexthop(r.get(), nh);  // the route owns nh from here
    if (spec.dev) {
      auto idx = ifindex(*spec.dev);
      if (!idx) return idx.error();
      rtnl_route_nh_set_ifindex(nh, *idx);
    }
    if (spec.gateway) {
      auto gw = nl::ipv4Addr(*spec.gateway, 32);
      if (!gw) return nlError(what, -NLE_NOMEM);
      rtnl_route_nh_set_gateway(nh, gw.get());
    }
  } else if (spec.type == RouteType::kUnicast) {
    return makeError(ErrorCode::kInvalidArgument,
                     "netns '" + ns_name_ + "': " + what + ": needs a gateway or a device");
  }
  int err = add ? rtnl_route_add(sock_.get(), r.get(), NLM_F_EXCL)
                : rtnl_route_delete(sock_.get(), r.get(), 0);
  if (err < 0) return nlError(what, err);
  return common::Ok{};
}

Status Netlink::addRoute(const RouteSpec& route) { return routeOp(route, true); }
Status Netlink::deleteRoute(const RouteSpec& route) { return routeOp(route, false); }

Status Netlink::ruleOp(const RuleSpec& spec, bool add) {
  std::string what = std::string(add ? "add rule " : "delete rule ") + "pref " +
                     std::to_string(spec.priority);
  if (spec.iif) what += " iif " + *spec.iif;
  if (spec.from) what += " from " + spec.from->str();
  if (spec.fwmark) what += " fwmark " + std::to_string(*spec.fwmark);
  what += " table " + std::to_string(spec.table);
  nl::RulePtr r(rtnl_rule_alloc());
  if (!r) return nlError(what, -NLE_NOMEM);
  if (spec.ipv6 && spec.from) {
    return makeError(ErrorCode::kInvalidArgument, "netns '" + ns_name_ + "': " + what + ": IPv6 rules take no source");
  }
  if (spec.ipv6) what = "-6 " + what;
  rtnl_rule_set_family(r.get(), spec.ipv6 ? AF_INET6 : AF_INET);
  rtnl_rule_set_prio(r.get(), spec.priority);
  rtnl_rule_set_table(r.get(), spec.table);
  rtnl_rule_set_action(r.get(), FR_ACT_TO_TBL);
  if (spec.iif) {
    if (int err = rtnl_rule_set_iif(r.get(), spec.iif->c_str()); err < 0) {
      return nlError(what, err);
    }
  }
  if (spec.fwmark) rtnl_rule_set_mark(r.get(), *spec.fwmark);
  nl::AddrPtr src;
  if (spec.from) {
    src = nl::ipv4Addr(spec.from->network(), spec.from->prefixLength());
    if (!src) return nlError(what, -NLE_NOMEM);
    if (int err = rtnl_rule_set_src(r.get(), src.get()); err < 0) return nlError(what, err);
  }
  int err = add ? rtnl_rule_add(sock_.get(), r.get(), NLM_F_EXCL)
                : rtnl_rule_delete(sock_.get(), r.get(), 0);
  if (err < 0) return nlError(what, err);
  return common::Ok{};
}

Status Netlink::addRule(const RuleSpec& rule) { return ruleOp(rule, true); }
Status Netlink::deleteRule(const RuleSpec& rule) { return ruleOp(rule, false); }

}  // namespace netsim::netns
