#pragma once
// Internal to the analysis module: the walk behind analysePath. A Walker follows one packet hop
// by hop from a Position, applying route tables, security groups, network ACLs and
// translations, and records the hops; the reply walk reuses the sessions the forward walk made.
// Inside the VPC (walk_vpc.cc): instances, the VPC router, subnets, NATs, middleboxes. At its
// edge and beyond (walk_edge.cc): the internet gateway, endpoints, services, the internet.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "netsim/analysis/path.h"

namespace netsim::analysis::detail {

// A walk that takes more hops than this is caught in a routing loop (both families).
constexpr int kHopLimit = 32;
// An endpoint as a walk's text names it: "10.0.1.5:443", or the address alone without a port.
inline std::string ep(const Endpoint4& e) {
  return e.address.str() + (e.port ? ":" + std::to_string(e.port) : std::string());
}

struct Packet {
  Endpoint4 src;
  Endpoint4 dst;
};

// Where a packet is and what it is: the state of the walk.
struct Position {
  enum class Kind { kInstance, kVpcRouter, kNatGateway, kNatInstance, kMiddlebox, kIgwEgress,
                    kIgwIngress, kInternet, kEndpoint, kService, kHost, kDeliverInSubnet,
                    kInterfaceEndpoint, kTransitGateway };
  Kind kind;
  std::string node;
  std::string in_link;
  std::string table;  // VPC router: route table name ("" = local routes only)
  std::string vpc = {};  // VPC router: whose router it is
};

class Walker {
 public:
  Walker(const model::Model& m, model::Protocol proto) : m_(m), proto_(proto) {}

  // Sessions created by stateful translations on the forward walk, keyed by node: the reply
  // must find one to be translated back.
  struct Session {
    Endpoint4 inside;
    Endpoint4 outside;
    // A NAT64 session (path6.cc): the reply ends at the gateway, which translates it to IPv6.
    bool nat64 = false;
  };
  std::map<std::string, Session> sessions;
  // Connections a relay node (a bastion's port forward) took and opened on the forward walk,
  // keyed by node: the client, where the relay accepted it, and the relay's own source.
  struct Relay {
    Endpoint4 client;
    Endpoint4 accepted_on;
    Endpoint4 own;
  };
  std::map<std::string, Relay> relays;
  // The AZ each appliance-mode transit gateway attachment uses for this flow, by attachment:
  // given by the query, else chosen on the forward walk; the reply uses the same (symmetric hash).
  std::map<std::string, std::string> flow_hash_az;

  struct Outcome {
    std::vector<Hop> hops;
    Blocked blocked = Blocked::kNone;
    std::string at;
    std::string why;
    Packet last;
  };

  // Follows the connection a load balancer node opens to a target (`relay`: from its own
  // address, through its outbound security groups) or, for a network LB, the client's flow it
  // forwards with only the destination rewritten. Hop 0 is the node.
  Outcome walkFromLbNode(const model::LoadBalancer& lb, size_t node, Packet p, bool relay);

  // Follows `p` from `pos` until it arrives, is blocked, or loops. `reply`: the packet answers
  // a request of the forward walk (stateful checks pass it; NATs translate it back).
  Outcome walk(Position pos, Packet p, Ipv4Address final_dst, bool reply);

 private:
  std::optional<Position> stop(Blocked b, std::string why) {
    blocked_ = b;
    why_ = std::move(why);
    return std::nullopt;
  }

  const model::Subnet& subnetOf(const model::Instance& i) { return *m_.findSubnet(i.subnet); }

  Position routerFrom(const model::Subnet& s) {
    return {Position::Kind::kVpcRouter, m_.findVpc(s.vpc)->routerNode(), s.name, m_.routeTableOf(s).name, s.vpc};
  }

  // The router of `vpc`, entered from `link` (an IGW, a gateway endpoint, a peering): only the
  // VPC's local routes apply to what arrives there.
  Position routerIngress(const std::string& vpc, const std::string& link) {
    return {Position::Kind::kVpcRouter, m_.findVpc(vpc)->routerNode(), link, "", vpc};
  }

  // --- walk_vpc.cc ---
  // The receiver's inbound security groups: requests only (stateful, replies pass). False after
  // stop() when no rule allows the packet.
  bool admitted(const std::vector<std::string>& groups, const Packet& p);
  // A request `inst` forwards for others (source/destination check off): its groups' inbound
  // rules on arrival, outbound rules on departure (model::forwardedPacketChecks); replies pass.
  // `p` is the packet as it arrived (before a NAT instance translates it). False after stop().
  bool forwardAdmitted(const model::Instance& inst, const Packet& p);
  // The subnet whose leg the VPC router sends a packet out of for route `r` ("" for the
  // internet gateway and gateway endpoints).
  std::string subnetReached(const model::Route& r, Ipv4Address dst, const std::string& vpc);
  // Network ACLs where the router moves a packet from one leg to another: the outbound rules of
  // the subnet it leaves, then the inbound rules of the subnet it enters (stateless: replies
  // too). Traffic that stays in one subnet crosses no ACL. False after stop() on a deny.
  bool naclsAllow(const std::string& in_leg, const std::string& out_subnet, const Packet& p);
  // One hop: dispatches on the kind of position.
  std::optional<Position> step(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst);
  std::optional<Position> fromInstance(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst);
  // A packet the instance sends: its outbound security groups (requests it opens itself:
  // `own_packet`), then its subnet's segment or its subnet router.
  std::optional<Position> sendFrom(const model::Instance& inst, Packet& p, Hop& h, bool own_packet);
  // A packet delivered to an instance: a bastion port forward relays it (and its answer back);
  // nullopt when the instance is where it ends.
  std::optional<Position> forwardAt(const model::Instance& inst, Packet& p, Hop& h);
  std::optional<Position> vpcRouter(const Position& pos, Packet& p, Hop& h);
  // Where a route of the router at `pos` sends the packet.
  std::optional<Position> followRoute(const Position& pos, const model::Route& r, Packet& p, Hop& h);
  // A packet arriving over a peering connection (walk_peering.cc): only the peer VPC's own
  // addresses are reachable (not transitive, no edge-to-edge routing).
  std::optional<Position> crossPeering(const Position& pos, const model::Route& r, Packet& p, Hop& h);
  // No local route of the peer VPC at `pos` (entered from a peering) covers the destination.
  std::optional<Position> droppedFromPeering(const Position& pos, const Packet& p, Hop& h);
  // --- walk_tgw.cc ---
  // The subnet whose leg the VPC router at `pos` sends a packet routed to transit gateway `tgw`
  // out of: the attachment's subnet in the sender's AZ ("" when there is none).
  std::string tgwEntrySubnet(const Position& pos, const std::string& tgw);
  // A VPC route to a transit gateway: to its attachment ENI in the sender's AZ.
  std::optional<Position> enterTransitGateway(const Position& pos, const model::Route& r, Packet& p, Hop& h);
  // The transit gateway routes by the table associated with the attachment it entered on and
  // leaves by the destination attachment's ENI in the same AZ (or by flow hash, appliance mode).
  std::optional<Position> transitGateway(const Position& pos, Packet& p, Hop& h);
  // The packet is on a subnet's segment, addressed to something there.
  std::optional<Position> deliverInSubnet(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst);
  // A packet addressed to a NAT's own address: a reply to translate back, or unsolicited.
  std::optional<Position> natReturn(const std::string& nat, Packet& p, Hop& h, const model::Subnet& s);
  std::optional<Position> natGateway(const Position& pos, Packet& p, Hop& h);
  // A route to a regional NAT gateway: to its presence in the sender's AZ.
  std::optional<Position> enterRegionalNat(const Position& pos, const model::NatGateway& nat);
  // A presence of regional NAT gateway `nat`: translates what the AZ sends (and the replies back)
  // and hands it to the router, which routes it by the route table AWS created for the gateway.
  std::optional<Position> natPresence(const model::NatGateway& nat, const model::NatPresence& presence,
                                      const Position& pos, Packet& p, Hop& h);
  std::optional<Position> natInstance(const Position& pos, Packet& p, Hop& h);
  std::optional<Position> middlebox(const Position& pos, Packet& p, Hop& h);

  // --- walk_edge.cc ---
  // The private address behind a public one, and the name of what holds it.
  std::optional<std::pair<Ipv4Address, std::string>> privateFor(Ipv4Address pub);
  std::optional<std::pair<Ipv4Address, std::string>> publicFor(Ipv4Address priv);
  std::optional<Position> igwEgress(Packet& p, Hop& h);
  std::optional<Position> igwIngress(const Position& pos, Packet& p, Hop& h);
  std::optional<Position> internetRouter(Packet& p, Hop& h);
  bool policyAllows(const model::Endpoint& e, const Packet& p, std::string& rule);
  std::optional<Position> gatewayEndpoint(const Position& pos, Packet& p, Hop& h);
  std::optional<Position> service(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst);
  // A reply the service sent to an ENI: the relay answers the client from the ENI's address,
  // through the ENI's subnet router (or straight on the subnet).
  std::optional<Position> interfaceEndpointReply(const Position& pos, Packet& p, Hop& h);
  // Replies from a service go back the way the VPC reaches it: through the service's gateway
  // endpoint for VPC addresses, otherwise through the internet.
  std::optional<Position> replyFromService(const model::InternetService& s, Packet& p, Hop& h);
  std::optional<Position> host(const Position& pos, Packet& p, Hop& h, Ipv4Address final_dst);

  const model::Model& m_;
  model::Protocol proto_;
  bool reply_ = false;
  Blocked blocked_ = Blocked::kNone;
  std::string why_;
};

// The targets load balancer node `at` may send a `protocol`/`port` connection to, arriving with
// `client` as its source, each walked from the node (walk_lb.cc). Empty when `at` is not a load
// balancer node or has no such listener.
std::vector<LbCandidate> lbCandidates(const model::Model& m, model::Protocol protocol, uint16_t port,
                                      const std::string& at, const Endpoint4& client);

// The IPv6 walk (path6.cc): analysePath for a query with `ipv6` or an IPv6 destination.
common::Result<PathResult> analysePath6(const model::Model& m, const PathQuery& q);

// The reply to forward walk `fwd`: starts where the request arrived, addressed to the source it
// saw, and is walked back to `src_addr` with the sessions of the forward walk (path.cc).
Walker::Outcome walkReply(const model::Model& m, Walker& w, const Walker::Outcome& fwd, Ipv4Address src_addr);

}  // namespace netsim::analysis::detail
