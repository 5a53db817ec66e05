// The aggregator on translated, refused and routed traffic: a NAT gateway's four records, REJECT
// records of security groups and network ACLs, traffic_type, traffic-path and AWS services.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "flowlog_test_util.h"
#include "netsim/flowlog/aggregator.h"
#include "netsim/flowlog/observe.h"

namespace netsim::flowlog::testing {
namespace {

const FlowKey kAppToClient = key(kTcp, "10.0.10.4", 40000, "198.51.100.10", 80);

// The one record with this direction and interface addresses.
Fields recordWith(const std::vector<Fields>& records, const std::string& direction,
                  const std::string& src, const std::string& dst) {
  std::vector<Fields> found;
  for (const auto& r : records) {
    if (r.at("flow-direction") == direction && r.at("srcaddr") == src && r.at("dstaddr") == dst)
      found.push_back(r);
  }
  EXPECT_EQ(found.size(), 1u) << direction << " " << src << " -> " << dst;
  return found.empty() ? Fields{} : found.front();
}

// conntrack on nat-a: app-a's connection to the client, leaving from the gateway's own address.
TrackedFlow natFlow() {
  TrackedFlow f;
  f.id = 21;
  f.original = kAppToClient;
  f.reply = key(kTcp, "198.51.100.10", 80, "10.0.0.4", 17000);
  f.original_count = {5, 300};
  f.reply_count = {4, 2000};
  f.original_flags = tcp_flag::kSyn;
  f.reply_flags = tcp_flag::kSyn | tcp_flag::kAck;
  return f;
}

TEST_F(AggregatorTest, NatGatewayFlowIsAwsFourRecords) {
  agg_->tracked("nat-a", natFlow(), kStartMs + 50, false);
  const auto lines = flushFirstInterval();
  EXPECT_EQ(lines.size(), 4u);  // on nat-a's interface only
  const auto records = recordsOf(lines, "nat-a");
  ASSERT_EQ(records.size(), 4u);
  // 1. The instance's packet arrives at the gateway.
  auto r = recordWith(records, "ingress", "10.0.10.4", "10.0.0.4");
  EXPECT_EQ(field(r, "pkt-srcaddr"), "10.0.10.4");
  EXPECT_EQ(field(r, "pkt-dstaddr"), "198.51.100.10");
  EXPECT_EQ(field(r, "srcport"), "40000");
  EXPECT_EQ(field(r, "dstport"), "80");
  EXPECT_EQ(field(r, "packets"), "5");
  EXPECT_EQ(field(r, "instance-id"), "-");
  // 2. It leaves translated.
  r = recordWith(records, "egress", "10.0.0.4", "198.51.100.10");
  EXPECT_EQ(field(r, "pkt-srcaddr"), "10.0.0.4");
  EXPECT_EQ(field(r, "pkt-dstaddr"), "198.51.100.10");
  EXPECT_EQ(field(r, "srcport"), "17000");
  EXPECT_EQ(field(r, "bytes"), "300");
  EXPECT_EQ(field(r, "traffic-path"), "8");
  EXPECT_EQ(field(r, "tcp-flags"), "2");
  // 3. The reply arrives at the gateway's address.
  r = recordWith(records, "ingress", "198.51.100.10", "10.0.0.4");
  EXPECT_EQ(field(r, "pkt-srcaddr"), "198.51.100.10");
  EXPECT_EQ(field(r, "pkt-dstaddr"), "10.0.0.4");
  EXPECT_EQ(field(r, "dstport"), "17000");
  EXPECT_EQ(field(r, "packets"), "4");
  EXPECT_EQ(field(r, "tcp-flags"), "18");
  // 4. It leaves for the instance, still the client's packet.
  r = recordWith(records, "egress", "10.0.0.4", "10.0.10.4");
  EXPECT_EQ(field(r, "pkt-srcaddr"), "198.51.100.10");
  EXPECT_EQ(field(r, "pkt-dstaddr"), "10.0.10.4");
  EXPECT_EQ(field(r, "srcport"), "80");
  EXPECT_EQ(field(r, "dstport"), "40000");
  EXPECT_EQ(field(r, "bytes"), "2000");
  EXPECT_EQ(field(r, "traffic-path"), "1");  // the local route
}

TEST_F(AggregatorTest, NatGatewayDeltasApplyToBothLegs) {
  TrackedFlow f = natFlow();
  agg_->tracked("nat-a", f, kStartMs, false);
  flushFirstInterval();
  f.original_count = {7, 420};
  agg_->tracked("nat-a", f, kStartMs + 700, true);
  const auto records = recordsOf(agg_->flush(kStartMs + 1200, false), "nat-a");
  ASSERT_EQ(records.size(), 2u);  // no reply since
  EXPECT_EQ(field(recordWith(records, "ingress", "10.0.10.4", "10.0.0.4"), "packets"), "2");
  EXPECT_EQ(field(recordWith(records, "egress", "10.0.0.4", "198.51.100.10"), "bytes"), "120");
}

TEST_F(AggregatorTest, SecurityGroupRefusalIsARejectRecordOfTheInterface) {
  const FlowKey ssh = key(kTcp, "198.51.100.20", 50000, "10.0.10.4", 22);
  agg_->rejected("app-a", RejectedPacket{RejectPoint::kSgInbound, ssh, 60, tcp_flag::kSyn},
                 kStartMs + 10);
  agg_->rejected("app-a", RejectedPacket{RejectPoint::kSgInbound, ssh, 60, tcp_flag::kSyn},
                 kStartMs + 400);
  const auto lines = flushFirstInterval();
  ASSERT_EQ(lines.size(), 1u);
  const auto r = only(recordsOf(lines, "app-a"), "ingress", "REJECT");
  EXPECT_EQ(field(r, "srcaddr"), "198.51.100.20");
  EXPECT_EQ(field(r, "dstaddr"), "10.0.10.4");
  EXPECT_EQ(field(r, "dstport"), "22");
  EXPECT_EQ(field(r, "packets"), "2");
  EXPECT_EQ(field(r, "bytes"), "120");
  EXPECT_EQ(field(r, "tcp-flags"), "2");
  EXPECT_EQ(field(r, "log-status"), "OK");
}

TEST_F(AggregatorTest, OutboundSecurityGroupRefusalIsAnEgressReject) {
  agg_->rejected("app-a",
                 RejectedPacket{RejectPoint::kSgOutbound, kAppToClient, 60, tcp_flag::kSyn},
                 kStartMs);
  const auto r = only(recordsOf(flushFirstInterval(), "app-a"), "egress", "REJECT");
  EXPECT_EQ(field(r, "srcaddr"), "10.0.10.4");
  EXPECT_EQ(field(r, "traffic-path"), "1");
}

TEST_F(AggregatorTest, NetworkAclRefusalAtTheRouterGoesToTheOwningInterface) {
  // private-nacl's inbound rule 90: ICMP from public-b into private-b, dropped at the VPC router.
  const FlowKey ping = key(kIcmp, "10.0.1.5", 0, "10.0.11.4", 0);
  agg_->rejected("vpc-router", RejectedPacket{RejectPoint::kNaclInbound, ping, 84, 0}, kStartMs);
  // The ACL of the subnet a packet leaves: its sender's interface.
  const FlowKey out = key(kUdp, "10.0.10.4", 5000, "10.0.1.5", 53);
  agg_->rejected("vpc-router", RejectedPacket{RejectPoint::kNaclOutbound, out, 40, 0}, kStartMs);
  const auto lines = flushFirstInterval();
  EXPECT_EQ(lines.size(), 2u);  // nothing on nopub's interface
  EXPECT_TRUE(recordsOf(lines, "nopub").empty());
  auto r = only(recordsOf(lines, "app-b"), "ingress", "REJECT");
  EXPECT_EQ(field(r, "srcaddr"), "10.0.1.5");
  EXPECT_EQ(field(r, "protocol"), "1");
  EXPECT_EQ(field(r, "bytes"), "84");
  r = only(recordsOf(lines, "app-a"), "egress", "REJECT");
  EXPECT_EQ(field(r, "dstaddr"), "10.0.1.5");
  EXPECT_EQ(field(r, "dstport"), "53");
  EXPECT_EQ(agg_->unattributed(), 0u);
}

TEST_F(AggregatorTest, RefusalsOfNoKnownInterfaceAreUnattributed) {
  const FlowKey stray = key(kTcp, "198.51.100.10", 1000, "10.0.10.200", 22);
  agg_->rejected("vpc-router", RejectedPacket{RejectPoint::kNaclInbound, stray, 60, 0}, kStartMs);
  agg_->rejected("igw", RejectedPacket{RejectPoint::kSgInbound, stray, 60, 0}, kStartMs);
  EXPECT_EQ(agg_->unattributed(), 2u);
  EXPECT_TRUE(flushFirstInterval().empty());
}

TEST_F(AggregatorTest, RefusedWhilePassingThroughNamesTheInterfacesAddress) {
  agg_->rejected("nat-a",
                 RejectedPacket{RejectPoint::kSgForwardInbound, kAppToClient, 60, tcp_flag::kSyn},
                 kStartMs);
  const auto r = only(recordsOf(flushFirstInterval(), "nat-a"), "ingress", "REJECT");
  EXPECT_EQ(field(r, "srcaddr"), "10.0.10.4");
  EXPECT_EQ(field(r, "dstaddr"), "10.0.0.4");
  EXPECT_EQ(field(r, "pkt-dstaddr"), "198.51.100.10");
}

TEST_F(AggregatorTest, ARefusedDirectionIsNotAlsoAccepted) {
  // app-a's connection to nopub: conntrack counted both ways, the ACL refused what app-a sent.
  const FlowKey k = key(kTcp, "10.0.10.4", 40000, "10.0.1.5", 80);
  agg_->tracked("app-a", plainFlow(1, k, {3, 180}, {2, 120}), kStartMs, false);
  agg_->rejected("vpc-router", RejectedPacket{RejectPoint::kNaclOutbound, k, 60, tcp_flag::kSyn},
                 kStartMs);
  auto records = recordsOf(flushFirstInterval(), "app-a");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(field(only(records, "egress", "REJECT"), "packets"), "1");
  // The other direction stays.
  EXPECT_EQ(field(only(records, "ingress", "ACCEPT"), "packets"), "2");
  // Next interval, nothing refused: the accepted packets are logged again.
  agg_->tracked("app-a", plainFlow(1, k, {5, 300}, {2, 120}), kStartMs + 700, false);
  records = recordsOf(agg_->flush(kStartMs + 1200, false), "app-a");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(field(only(records, "egress", "ACCEPT"), "packets"), "2");
}

// 60 s (600 ms in the lab) and a short version 5 format.
const char* kShortFormat =
    "max_aggregation_interval: 60, log_format: \"${version} ${interface-id} ${srcaddr} ${dstaddr} "
    "${packets} ${action} ${flow-direction} ${log-status}\"";

TEST_F(AggregatorTest, RejectOnlyFlowLogSkipsAcceptedTraffic) {
  load(defaultWithFlowLogs(
      std::string("flow_logs:\n  - {name: refused, vpc: vpc, traffic_type: REJECT, ") +
      kShortFormat + "}\n"));
  agg_->tracked("app-a", plainFlow(1, kAppToClient, {3, 180}, {2, 120}), kStartMs, false);
  EXPECT_TRUE(flushFirstInterval().empty());
  const FlowKey ssh = key(kTcp, "198.51.100.20", 50000, "10.0.10.4", 22);
  agg_->rejected("app-a", RejectedPacket{RejectPoint::kSgInbound, ssh, 60, tcp_flag::kSyn},
                 kStartMs + 700);
  const auto records = recordsOf(agg_->flush(kStartMs + 1200, false), "app-a");
  ASSERT_EQ(records.size(), 2u);  // the idle run, then the refusal
  EXPECT_EQ(field(records[0], "log-status"), "NODATA");
  EXPECT_EQ(field(records[1], "action"), "REJECT");
  EXPECT_EQ(field(records[1], "version"), "5");
}

TEST_F(AggregatorTest, AcceptOnlyFlowLogSkipsRefusedTraffic) {
  load(defaultWithFlowLogs(
      std::string("flow_logs:\n  - {name: accepted, vpc: vpc, traffic_type: ACCEPT, ") +
      kShortFormat + "}\n"));
  const FlowKey ssh = key(kTcp, "198.51.100.20", 50000, "10.0.10.4", 22);
  agg_->rejected("app-a", RejectedPacket{RejectPoint::kSgInbound, ssh, 60, tcp_flag::kSyn},
                 kStartMs);
  EXPECT_TRUE(flushFirstInterval().empty());
  agg_->tracked("app-a", plainFlow(1, kAppToClient, {3, 180}, {2, 120}), kStartMs + 700, false);
  const auto records = recordsOf(agg_->flush(kStartMs + 1200, false), "app-a");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(field(records[0], "log-status"), "NODATA");
  EXPECT_EQ(field(only(records, "egress"), "packets"), "3");
  EXPECT_EQ(field(only(records, "ingress"), "packets"), "2");
}

TEST_F(AggregatorTest, EachFlowLogCoveringAnInterfaceHasItsOwnStream) {
  load(defaultWithFlowLogs(
      std::string("flow_logs:\n") + "  - {name: all, vpc: vpc, " + kShortFormat + "}\n" +
      "  - {name: private-a-refused, subnet: private-a, traffic_type: REJECT, " + kShortFormat +
      "}\n  - {name: nat, interface: nat-a}\n"));
  EXPECT_EQ(agg_->streams().size(), 13u + 3u + 1u);  // app-a, web-1 and vpce-kms's ENI in private-a
  const auto& nat = agg_->streams()[streamOf("nat-a", nullptr, "nat")];
  EXPECT_EQ(nat.file, "nat/" + nat.eni.id + ".log");
  const FlowKey ssh = key(kTcp, "198.51.100.20", 50000, "10.0.10.4", 22);
  agg_->rejected("app-a", RejectedPacket{RejectPoint::kSgInbound, ssh, 60, tcp_flag::kSyn},
                 kStartMs);
  agg_->tracked("app-a", plainFlow(1, kAppToClient, {3, 180}), kStartMs, false);
  const auto lines = flushFirstInterval();
  EXPECT_EQ(recordsOf(lines, streamOf("app-a", nullptr, "all")).size(), 2u);
  const auto refused = recordsOf(lines, streamOf("app-a", nullptr, "private-a-refused"));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(field(refused[0], "action"), "REJECT");
  EXPECT_EQ(lines.size(), 3u);
}

TEST_F(AggregatorTest, TrafficPathOfEgressRecords) {
  const auto* s3 = model_->findService("s3");
  ASSERT_NE(s3, nullptr);
  const std::string s3_address = s3->address.str();
  // The bastion's route table sends the internet to the internet gateway; app-a's to nat-a, and
  // S3's prefix list to the gateway endpoint; the VPC's own addresses stay local.
  agg_->tracked("bastion",
                plainFlow(1, key(kTcp, "10.0.0.5", 41000, "198.51.100.10", 443), {1, 60}), kStartMs,
                false);
  agg_->tracked("app-a", plainFlow(2, kAppToClient, {1, 60}), kStartMs, false);
  agg_->tracked(
      "app-a",
      plainFlow(3, key(kTcp, "10.0.10.4", 42000, s3_address.c_str(), 443), {1, 60}, {1, 60}),
      kStartMs, false);
  agg_->tracked("app-a", plainFlow(4, key(kIcmp, "10.0.10.4", 0, "10.0.11.4", 0), {1, 84}),
                kStartMs, false);
  const auto lines = flushFirstInterval();
  EXPECT_EQ(field(recordsOf(lines, "bastion").at(0), "traffic-path"), "8");
  const auto app = recordsOf(lines, "app-a");
  EXPECT_EQ(field(recordWith(app, "egress", "10.0.10.4", "198.51.100.10"), "traffic-path"), "1");
  EXPECT_EQ(field(recordWith(app, "egress", "10.0.10.4", "10.0.11.4"), "traffic-path"), "1");
  const auto to_s3 = recordWith(app, "egress", "10.0.10.4", s3_address);
  EXPECT_EQ(field(to_s3, "traffic-path"), "7");
  EXPECT_EQ(field(to_s3, "pkt-dst-aws-service"), "S3");
  EXPECT_EQ(field(to_s3, "pkt-src-aws-service"), "-");
  const auto from_s3 = recordWith(app, "ingress", s3_address, "10.0.10.4");
  EXPECT_EQ(field(from_s3, "pkt-src-aws-service"), "S3");
  EXPECT_EQ(field(from_s3, "pkt-dst-aws-service"), "-");
  EXPECT_EQ(field(from_s3, "traffic-path"), "-");
  EXPECT_EQ(field(recordWith(app, "egress", "10.0.10.4", "198.51.100.10"), "pkt-dst-aws-service"),
            "-");
}

TEST_F(AggregatorTest, OtherServicesAreNamedInUpperCase) {
  const auto* kms = model_->findService("kms");
  ASSERT_NE(kms, nullptr);
  const std::string address = kms->address.str();
  agg_->tracked("app-b", plainFlow(1, key(kTcp, "10.0.11.4", 42000, address.c_str(), 443), {1, 60}),
                kStartMs, false);
  const auto r = recordsOf(flushFirstInterval(), "app-b").at(0);
  EXPECT_EQ(field(r, "pkt-dst-aws-service"), "KMS");
  EXPECT_EQ(field(r, "traffic-path"), "1");  // through nat-b: no gateway endpoint for KMS
}

// A regional NAT gateway's presences hold their addresses in 169.254.192.0/18 (topology/
// complete.cc), which are also its NAT pool (dataplane/config.cc natConfig): conntrack's, and the
// engine's, reply tuple is addressed to 169.254.192.2. The streams exist (networkInterfaces lists
// the presences and a VPC flow log covers them).
const char* kRegional = R"(
name: t
vpc: {cidr: 10.0.0.0/16, azs: [a, b]}
internet: {cidr: 198.51.100.0/24, public_pool: 203.0.113.0/24}
subnets:
  - {name: private-a, az: a, cidr: 10.0.10.0/24, route_table: private}
  - {name: private-b, az: b, cidr: 10.0.11.0/24, route_table: private}
route_tables:
  - {name: private, routes: [{destination: 0.0.0.0/0, target: rnat}]}
elastic_ips: [{name: e1}, {name: e2}]
internet_gateway: {name: igw}
nat_gateways:
  - name: rnat
    availability_mode: regional
    availability_zone_addresses:
      - {az: a, eips: [e1]}
      - {az: b, eips: [e2]}
instances:
  - {name: app-a, subnet: private-a}
flow_logs:
  - name: all
    vpc: vpc
    log_format: >-
      ${srcaddr} ${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${packets} ${action} ${flow-direction}
)";

TEST_F(AggregatorTest, RegionalNatGatewayPresenceHasAStream) {
  load(kRegional);
  const auto& s = agg_->streams()[streamOf("rnat-a")];
  EXPECT_EQ(s.eni.owner, model::InterfaceOwner::kNatGateway);
  EXPECT_TRUE(s.eni.owns(ip("169.254.192.2").v4()));
}

// A regional NAT gateway presence's own addresses (and NAT pool) are 169.254.192.x: link-local,
// but not the metadata, time sync or DNS addresses AWS leaves out, so its flows are logged.
TEST_F(AggregatorTest, RegionalNatGatewayFlowIsLogged) {
  load(kRegional);
  TrackedFlow f;
  f.id = 5;
  f.original = kAppToClient;
  f.reply = key(kTcp, "198.51.100.10", 80, "169.254.192.2", 17000);
  f.original_count = {5, 300};
  f.reply_count = {4, 2000};
  agg_->tracked("rnat-a", f, kStartMs, false);
  const auto records = recordsOf(agg_->flush(agg_->nextBoundaryMs(), false), "rnat-a");
  EXPECT_EQ(agg_->unattributed(), 0u);
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(field(recordWith(records, "egress", "169.254.192.2", "198.51.100.10"), "packets"), "5");
  EXPECT_EQ(field(recordWith(records, "egress", "169.254.192.2", "10.0.10.4"), "pkt-srcaddr"),
            "198.51.100.10");
}

// NAT64 at a NAT gateway (topologies/dual-stack.yaml): v6app's IPv6 session becomes IPv4 at
// nat-a. The records in are IPv6 (v6app as srcaddr and pkt-srcaddr, the synthesised address as
// pkt-dstaddr), the records out IPv4; the counts are the IPv4 packets', so each IPv6 packet
// is 20 bytes longer.
TEST_F(AggregatorTest, Nat64SessionIsLoggedInIpv6AndOutInIpv4) {
  std::ifstream in(std::string(NETSIM_TOPOLOGIES_DIR) + "/dual-stack.yaml");
  std::stringstream text;
  text << in.rdbuf();
  load(text.str());
  const auto& nat = agg_->streams()[streamOf("nat-a", nullptr, "nat64-gateway")].eni;
  ASSERT_TRUE(nat.ipv6.has_value());
  const std::string nat4 = nat.addresses.front().str(), nat6 = nat.ipv6->str();
  const std::string host = model_->findInstance("v6app")->ipv6_address->str();
  const std::string synthesised = "64:ff9b::c633:641e";
  nat::FlowCountRecord c;
  c.id = 3;
  c.proto = kUdp;
  c.inside = 0xf0000001;
  c.ipv6 = true;
  c.inside6 = *common::Ipv6Address::parse(host);
  c.remote6 = *common::Ipv6Address::parse(synthesised);
  c.inside_port = 40000;
  c.outside = nat.addresses.front().value();
  c.outside_port = 17000;
  c.remote = 0xc633641e;  // 198.51.100.30
  c.remote_port = 5001;
  c.packets_out = 5;
  c.bytes_out = 5 * 128;  // 100 bytes of payload over IPv4
  c.packets_in = 2;
  c.bytes_in = 2 * 48;
  agg_->tracked("nat-a", flowOfNatSession(c), kStartMs + 10, true);
  EXPECT_EQ(agg_->unattributed(), 0u);
  const auto lines = agg_->flush(agg_->nextBoundaryMs(), false);
  const auto records = recordsOf(lines, streamOf("nat-a", nullptr, "nat64-gateway"));
  ASSERT_EQ(records.size(), 4u);
  auto r = recordWith(records, "ingress", host, nat6);
  EXPECT_EQ(field(r, "type"), "IPv6");
  EXPECT_EQ(field(r, "pkt-dstaddr"), synthesised);
  EXPECT_EQ(field(r, "packets"), "5");
  EXPECT_EQ(field(r, "bytes"), std::to_string(5 * 148));
  r = recordWith(records, "egress", nat4, "198.51.100.30");
  EXPECT_EQ(field(r, "type"), "IPv4");
  EXPECT_EQ(field(r, "srcport"), "17000");
  EXPECT_EQ(field(r, "bytes"), std::to_string(5 * 128));
  r = recordWith(records, "ingress", "198.51.100.30", nat4);
  EXPECT_EQ(field(r, "bytes"), std::to_string(2 * 48));
  r = recordWith(records, "egress", nat6, host);
  EXPECT_EQ(field(r, "pkt-srcaddr"), synthesised);
  EXPECT_EQ(field(r, "dstport"), "40000");
  EXPECT_EQ(field(r, "bytes"), std::to_string(2 * 68));
  for (const auto& rec : records) EXPECT_EQ(rec.at("pkt-srcaddr").rfind("240.", 0), std::string::npos);
}

}  // namespace
}  // namespace netsim::flowlog::testing
