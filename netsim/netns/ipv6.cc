// IPv6 addresses and routes over the same rtnetlink handle (netlink.h): what a dual-stack lab
// adds to the IPv4 wiring.
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <sys/socket.h>

#include "netsim/netns/netlink.h"
#include "netsim/netns/nl_util.h"

namespace netsim::netns {

using common::ErrorCode;
using common::makeError;

namespace nl {
AddrPtr ipv6Addr(const common::Ipv6Address& a, int prefix_len) {
  AddrPtr p(nl_addr_build(AF_INET6, a.bytes().data(), a.bytes().size()));
  if (p) nl_addr_set_prefixlen(p.get(), prefix_len);
  return p;
}
}  // namespace nl

namespace {
uint8_t rtnType6(RouteType t) {
  switch (t) {
    case RouteType::kUnicast:
      return RTN_UNICAST;
    case RouteType::kBlackhole:
      return RTN_BLACKHOLE;
    case RouteType::kUnreachable:
      return RTN_UNREACHABLE;
    case RouteType::kProhibit:
      return RTN_PROHIBIT;
  }
  return RTN_UNICAST;
}
}  // namespace

Status Netlink::addAddress6(const std::string& ifname, const common::Ipv6Cidr& address) {
  const std::string what = "add address " + address.str() + " to " + ifname;
  auto idx = ifindex(ifname);
  if (!idx) return idx.error();
  nl::RtAddrPtr a(rtnl_addr_alloc());
  auto local = nl::ipv6Addr(address.address(), address.prefixLength());
  if (!a || !local) return nlError(what, -NLE_NOMEM);
  rtnl_addr_set_ifindex(a.get(), *idx);
  rtnl_addr_set_family(a.get(), AF_INET6);
  rtnl_addr_set_local(a.get(), local.get());
  rtnl_addr_set_prefixlen(a.get(), address.prefixLength());
  rtnl_addr_set_scope(a.get(), RT_SCOPE_UNIVERSE);
  rtnl_addr_set_flags(a.get(), IFA_F_NODAD);
  if (int err = rtnl_addr_add(sock_.get(), a.get(), NLM_F_EXCL); err < 0) return nlError(what, err);
  return common::Ok{};
}

Status Netlink::addRoute6(const Route6Spec& spec) {
  std::string what = "add route " + spec.destination.str();
  if (spec.gateway) what += " via " + spec.gateway->str();
  if (spec.dev) what += " dev " + *spec.dev;
  what += " table " + std::to_string(spec.table);
  nl::RoutePtr r(rtnl_route_alloc());
  auto dst = nl::ipv6Addr(spec.destination.network(), spec.destination.prefixLength());
  if (!r || !dst) return nlError(what, -NLE_NOMEM);
  rtnl_route_set_family(r.get(), AF_INET6);
  rtnl_route_set_table(r.get(), spec.table);
  rtnl_route_set_dst(r.get(), dst.get());
  rtnl_route_set_type(r.get(), rtnType6(spec.type));
  rtnl_route_set_protocol(r.get(), RTPROT_STATIC);
  rtnl_route_set_priority(r.get(), spec.metric);
  rtnl_route_set_scope(r.get(), RT_SCOPE_UNIVERSE);
  if (spec.type == RouteType::kUnicast) {
    if (!spec.gateway && !spec.dev) {
      return makeError(ErrorCode::kInvalidArgument,
                       "netns '" + ns_name_ + "': " + what + ": needs a gateway or a device");
    }
    rtnl_nexthop* nh = rtnl_route_nh_alloc();
    if (nh == nullptr) return nlError(what, -NLE_NOMEM);
    rtnl_route_add_nexthop(r.get(), nh);  // the route owns nh from here
    if (spec.dev) {
      auto idx = ifindex(*spec.dev);
      if (!idx) return idx.error();
      rtnl_route_nh_set_ifindex(nh, *idx);
    }
    if (spec.gateway) {
      auto gw = nl::ipv6Addr(*spec.gateway, 128);
      if (!gw) return nlError(what, -NLE_NOMEM);
      rtnl_route_nh_set_gateway(nh, gw.get());
    }
  }
  if (int err = rtnl_route_add(sock_.get(), r.get(), NLM_F_EXCL); err < 0)
    return nlError(what, err);
  return common::Ok{};
}

}  // namespace netsim::netns
