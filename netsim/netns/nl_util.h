#pragma once
// Internal to netsim_netns: RAII owners for libnl objects and address conversions.
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include <memory>
#include <optional>
#include <string>

#include "netsim/common/ipv4.h"
#include "netsim/common/ipv6.h"

namespace netsim::netns::nl {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const {
    if (p != nullptr) Free(p);
  }
};

using LinkPtr = std::unique_ptr<rtnl_link, Deleter<rtnl_link, rtnl_link_put>>;
using AddrPtr = std::unique_ptr<nl_addr, Deleter<nl_addr, nl_addr_put>>;
using RtAddrPtr = std::unique_ptr<rtnl_addr, Deleter<rtnl_addr, rtnl_addr_put>>;
using RoutePtr = std::unique_ptr<rtnl_route, Deleter<rtnl_route, rtnl_route_put>>;
using RulePtr = std::unique_ptr<rtnl_rule, Deleter<rtnl_rule, rtnl_rule_put>>;
using CachePtr = std::unique_ptr<nl_cache, Deleter<nl_cache, nl_cache_free>>;
using MsgPtr = std::unique_ptr<nl_msg, Deleter<nl_msg, nlmsg_free>>;
// A veth link owns its peer; rtnl_link_veth_release frees both.
using VethPtr = std::unique_ptr<rtnl_link, Deleter<rtnl_link, rtnl_link_veth_release>>;

// nl_addr for an IPv4 address with a prefix length (network byte order inside libnl).
AddrPtr ipv4Addr(common::Ipv4Address a, int prefix_len);
AddrPtr ipv6Addr(const common::Ipv6Address& a, int prefix_len);
AddrPtr macAddr(const uint8_t* mac);
// An IPv4 nl_addr back to our types; nullopt for other families.
std::optional<common::Ipv4Address> toIpv4(const nl_addr* a);
std::string macString(const nl_addr* a);

}  // namespace netsim::netns::nl
