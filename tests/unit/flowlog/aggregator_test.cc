// The aggregator (flowlog/aggregator.h) on the default topology: its log streams, an instance's
// flow as an egress and an ingress record, deltas between intervals, what AWS never logs, the
// aggregation interval, NODATA and SKIPDATA.
#include "netsim/flowlog/aggregator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "flowlog_test_util.h"

namespace netsim::flowlog::testing {
namespace {

const FlowKey kAppToClient = key(kTcp, "10.0.10.4", 40000, "198.51.100.10", 80);

TEST_F(AggregatorTest, OneStreamPerInterfaceOfTheVpc) {
  const auto& streams = agg_->streams();
  // 7 instances (2 of them the auto scaling group's), 2 NAT gateways, 2 load balancer nodes and
  // the interface endpoint's 2 ENIs.
  ASSERT_EQ(streams.size(), 13u);
  std::multiset<std::string> nodes;
  std::set<std::string> ids, files;
  for (const auto& s : streams) {
    nodes.insert(s.eni.node);
    ids.insert(s.ids.interface_id);
    files.insert(s.file);
    ASSERT_NE(s.log, nullptr);
    EXPECT_EQ(s.log->name, "vpc-all");
    EXPECT_EQ(s.file, "vpc-all/" + s.eni.id + ".log");
    EXPECT_EQ(s.ids.interface_id, s.eni.id);
    EXPECT_EQ(s.ids.interface_id.rfind("eni-", 0), 0u) << s.ids.interface_id;
    // AWS's long ids: the prefix and 17 hex digits.
    for (const auto& id : {s.ids.interface_id, s.ids.vpc_id, s.ids.subnet_id}) {
      const auto digits = id.substr(id.find('-') + 1);
      EXPECT_EQ(digits.size(), 17u) << id;
      EXPECT_EQ(digits.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    }
    EXPECT_EQ(s.ids.account_id, "123456789012");
    EXPECT_EQ(s.ids.region, "us-east-1");
    EXPECT_EQ(s.ids.vpc_id, model::vpcIdOf(*model_, "vpc"));
    EXPECT_EQ(s.ids.subnet_id, model::subnetIdOf(*model_, s.eni.subnet));
    const bool instance = s.eni.owner == model::InterfaceOwner::kInstance;
    EXPECT_EQ(s.ids.instance_id.empty(), !instance) << s.eni.node;
    if (instance) {
      EXPECT_EQ(s.ids.instance_id, s.eni.instance_id);
    }
  }
  EXPECT_EQ(ids.size(), streams.size());
  EXPECT_EQ(files.size(), streams.size());
  for (const char* n : {"bastion", "app-a", "app-b", "nopub", "cache", "web-1", "web-2", "nat-a",
                        "nat-b", "web-alb-1", "web-alb-2"}) {
    EXPECT_EQ(nodes.count(n), 1u) << n;
  }
  EXPECT_EQ(nodes.count("vpce-kms"), 2u);
  EXPECT_EQ(agg_->nodes().size(), 12u);  // vpce-kms once
}

// The collector of one instance an auto scaling group launched after up: its streams alone, so
// that it never writes (or NODATAs) another collector's files.
TEST_F(AggregatorTest, OnlyNodeKeepsThatNodesStreams) {
  Aggregator one(*model_, kStartMs, "web-2");
  ASSERT_EQ(one.streams().size(), 1u);
  EXPECT_EQ(one.streams()[0].eni.node, "web-2");
  EXPECT_EQ(one.nodes(), std::vector<std::string>{"web-2"});
  EXPECT_EQ(one.streams()[0].file, agg_->streams()[streamOf("web-2")].file);
  const auto lines = one.flush(kStartMs + 600, true);
  for (const auto& [index, text] : lines) EXPECT_EQ(index, 0u) << text;
  EXPECT_TRUE(Aggregator(*model_, kStartMs, "no-such-node").streams().empty());
}

TEST_F(AggregatorTest, InterfaceIdsFollowTheSubnetAndAz) {
  const auto& a = agg_->streams()[streamOf("app-a")];
  EXPECT_EQ(a.eni.subnet, "private-a");
  EXPECT_EQ(a.ids.az_id, "use1-az1");
  EXPECT_EQ(a.eni.owner, model::InterfaceOwner::kInstance);
  const auto& b = agg_->streams()[streamOf("app-b")];
  EXPECT_EQ(b.ids.az_id, "use1-az2");
  EXPECT_NE(a.ids.subnet_id, b.ids.subnet_id);
  EXPECT_EQ(agg_->streams()[streamOf("nat-a")].eni.owner, model::InterfaceOwner::kNatGateway);
  EXPECT_EQ(agg_->streams()[streamOf("web-alb-2")].eni.owner, model::InterfaceOwner::kLoadBalancer);
  const auto& kms_b = agg_->streams()[streamOf("vpce-kms", "10.0.11.6")];
  EXPECT_EQ(kms_b.eni.owner, model::InterfaceOwner::kInterfaceEndpoint);
  EXPECT_EQ(kms_b.eni.subnet, "private-b");
}

TEST_F(AggregatorTest, NoFlowLogsNoStreams) {
  load(defaultWithFlowLogs(""));
  EXPECT_TRUE(agg_->streams().empty());
  EXPECT_TRUE(agg_->nodes().empty());
  agg_->tracked("app-a", plainFlow(1, kAppToClient, {1, 60}), kStartMs, false);
  EXPECT_TRUE(agg_->flush(kStartMs + 60'000, true).empty());
}

TEST_F(AggregatorTest, IntervalIsAwsIntervalTimesTheTimeFactor) {
  for (const auto& s : agg_->streams()) EXPECT_EQ(agg_->intervalMs(s), 600);  // 60 s * 0.01
  EXPECT_EQ(agg_->nextBoundaryMs(), kStartMs + 600);
  load(defaultWithFlowLogs(
      "flow_logs:\n  - {name: slow, vpc: vpc, max_aggregation_interval: 600}\n"));
  ASSERT_FALSE(agg_->streams().empty());
  EXPECT_EQ(agg_->intervalMs(agg_->streams().front()), 6000);
  EXPECT_EQ(agg_->nextBoundaryMs(), kStartMs + 6000);
  agg_->flush(kStartMs + 6000, false);
  EXPECT_EQ(agg_->nextBoundaryMs(), kStartMs + 12000);
}

TEST_F(AggregatorTest, InstanceFlowIsAnEgressAndAnIngressRecord) {
  TrackedFlow f = plainFlow(7, kAppToClient, {5, 300}, {4, 2000});
  f.original_flags = tcp_flag::kSyn | tcp_flag::kFin;
  f.reply_flags = tcp_flag::kSyn | tcp_flag::kAck;
  agg_->tracked("app-a", f, kStartMs + 100, false);
  const auto lines = flushFirstInterval();
  EXPECT_EQ(lines.size(), 2u);  // nothing on any other interface
  const auto records = recordsOf(lines, "app-a");
  ASSERT_EQ(records.size(), 2u);
  const auto& s = agg_->streams()[streamOf("app-a")];
  const auto out = only(records, "egress");
  EXPECT_EQ(field(out, "version"), "5");
  EXPECT_EQ(field(out, "interface-id"), s.ids.interface_id);
  EXPECT_EQ(field(out, "instance-id"), s.ids.instance_id);
  EXPECT_EQ(field(out, "subnet-id"), s.ids.subnet_id);
  EXPECT_EQ(field(out, "srcaddr"), "10.0.10.4");
  EXPECT_EQ(field(out, "dstaddr"), "198.51.100.10");
  EXPECT_EQ(field(out, "srcport"), "40000");
  EXPECT_EQ(field(out, "dstport"), "80");
  EXPECT_EQ(field(out, "protocol"), "6");
  EXPECT_EQ(field(out, "packets"), "5");
  EXPECT_EQ(field(out, "bytes"), "300");
  EXPECT_EQ(field(out, "tcp-flags"), "3");
  EXPECT_EQ(field(out, "pkt-srcaddr"), "10.0.10.4");
  EXPECT_EQ(field(out, "pkt-dstaddr"), "198.51.100.10");
  EXPECT_EQ(field(out, "log-status"), "OK");
  EXPECT_EQ(field(out, "type"), "IPv4");
  const auto in = only(records, "ingress");
  EXPECT_EQ(field(in, "srcaddr"), "198.51.100.10");
  EXPECT_EQ(field(in, "dstaddr"), "10.0.10.4");
  EXPECT_EQ(field(in, "srcport"), "80");
  EXPECT_EQ(field(in, "dstport"), "40000");
  EXPECT_EQ(field(in, "packets"), "4");
  EXPECT_EQ(field(in, "bytes"), "2000");
  EXPECT_EQ(field(in, "tcp-flags"), "18");
  EXPECT_EQ(field(in, "traffic-path"), "-");  // egress records only
  for (const auto& r : records) {
    EXPECT_EQ(field(r, "start"), std::to_string(kStartS));
    EXPECT_EQ(field(r, "end"), std::to_string(kStartS));
  }
}

TEST_F(AggregatorTest, AFlowWithoutRepliesIsOneEgressRecord) {
  agg_->tracked("app-a", plainFlow(1, key(kUdp, "10.0.10.4", 5000, "198.51.100.10", 53), {3, 180}),
                kStartMs, false);
  const auto records = recordsOf(flushFirstInterval(), "app-a");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(field(records[0], "flow-direction"), "egress");
  EXPECT_EQ(field(records[0], "protocol"), "17");
  EXPECT_EQ(field(records[0], "tcp-flags"), "0");
}

TEST_F(AggregatorTest, AnInboundFlowStartsWithAnIngressRecord) {
  // The admin host's SSH connection to the bastion: conntrack's original is the inbound packet.
  agg_->tracked("bastion",
                plainFlow(3, key(kTcp, "198.51.100.20", 50000, "10.0.0.5", 22), {6, 400}, {5, 900}),
                kStartMs, false);
  const auto records = recordsOf(flushFirstInterval(), "bastion");
  ASSERT_EQ(records.size(), 2u);
  const auto in = only(records, "ingress");
  EXPECT_EQ(field(in, "srcaddr"), "198.51.100.20");
  EXPECT_EQ(field(in, "dstport"), "22");
  EXPECT_EQ(field(in, "packets"), "6");
  const auto out = only(records, "egress");
  EXPECT_EQ(field(out, "srcaddr"), "10.0.0.5");
  EXPECT_EQ(field(out, "srcport"), "22");
  EXPECT_EQ(field(out, "bytes"), "900");
  EXPECT_EQ(field(out, "traffic-path"), "8");
}

TEST_F(AggregatorTest, SecondObservationCountsOnlyTheDifference) {
  TrackedFlow f = plainFlow(9, kAppToClient, {5, 300}, {4, 2000});
  f.original_flags = tcp_flag::kSyn;
  f.reply_flags = tcp_flag::kSyn | tcp_flag::kAck;
  agg_->tracked("app-a", f, kStartMs + 10, false);
  auto first = recordsOf(flushFirstInterval(), "app-a");
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(field(only(first, "egress"), "packets"), "5");
  f.original_count = {8, 500};
  f.reply_count = {4, 2000};  // no reply since: no ingress record
  f.original_flags |= tcp_flag::kFin;
  agg_->tracked("app-a", f, kStartMs + 700, false);
  auto second = recordsOf(agg_->flush(kStartMs + 1200, false), "app-a");
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(field(second[0], "flow-direction"), "egress");
  EXPECT_EQ(field(second[0], "packets"), "3");
  EXPECT_EQ(field(second[0], "bytes"), "200");
  EXPECT_EQ(field(second[0], "tcp-flags"), "1");                  // SYN was the first interval's
  EXPECT_EQ(field(second[0], "start"), std::to_string(kStartS));  // 700 ms after the start
}

// The collector reads only conntrack's destroy events and its dumps at interval ends, so a
// record's start is the flow's own start (nf_conntrack_timestamp) where it began in the
// interval, and the interval's start where it began before; never later than it was read.
TEST_F(AggregatorTest, StartIsTheFlowsStartOrTheIntervalsWhenItBeganBefore) {
  load(defaultWithFlowLogs("flow_logs:\n  - {name: slow, vpc: vpc, max_aggregation_interval: 600}\n"));
  ASSERT_EQ(agg_->intervalMs(agg_->streams().front()), 6000);
  TrackedFlow began_in = plainFlow(1, kAppToClient, {4, 240});
  began_in.start_ms = kStartMs + 2000;
  agg_->tracked("app-a", began_in, kStartMs + 5500, false);
  TrackedFlow began_before = plainFlow(2, key(kUdp, "10.0.10.4", 5000, "198.51.100.10", 53), {2, 120});
  began_before.start_ms = kStartMs - 3000;
  agg_->tracked("app-a", began_before, kStartMs + 4000, true);
  TrackedFlow unknown = plainFlow(3, key(kUdp, "10.0.10.4", 5001, "198.51.100.10", 53), {1, 60});
  agg_->tracked("app-a", unknown, kStartMs + 3000, true);  // no timestamp: when it was read
  auto first = recordsOf(agg_->flush(kStartMs + 6000, false), "app-a");
  ASSERT_EQ(first.size(), 3u);
  for (const auto& r : first) {
    const std::string port = field(r, "srcport");
    const int64_t start = std::stoll(field(r, "start")), end = std::stoll(field(r, "end"));
    if (port == "40000") {
      EXPECT_EQ(start, kStartS + 2);
      EXPECT_EQ(end, kStartS + 5);
    } else if (port == "5000") {
      EXPECT_EQ(start, kStartS);
      EXPECT_EQ(end, kStartS + 4);
    } else {
      EXPECT_EQ(port, "5001");
      EXPECT_EQ(start, kStartS + 3);
    }
  }
  // The same flow in the next interval begins there; a start after the read (clocks apart) is
  // the read.
  began_in.original_count = {9, 540};
  agg_->tracked("app-a", began_in, kStartMs + 11000, false);
  TrackedFlow ahead = plainFlow(4, key(kUdp, "10.0.10.4", 5002, "198.51.100.10", 53), {1, 60});
  ahead.start_ms = kStartMs + 11900;
  agg_->tracked("app-a", ahead, kStartMs + 10000, true);
  auto second = recordsOf(agg_->flush(kStartMs + 12000, false), "app-a");
  ASSERT_EQ(second.size(), 2u);
  for (const auto& r : second) {
    if (field(r, "srcport") == "40000") {
      EXPECT_EQ(field(r, "packets"), "5");
      EXPECT_EQ(std::stoll(field(r, "start")), kStartS + 6);
    } else {
      EXPECT_EQ(std::stoll(field(r, "start")), kStartS + 10);
    }
  }
}

TEST_F(AggregatorTest, ObservationsOfOneIntervalAddUpInOneRecord) {
  TrackedFlow f = plainFlow(9, kAppToClient, {2, 100});
  agg_->tracked("app-a", f, kStartMs + 100, false);
  f.original_count = {6, 400};
  agg_->tracked("app-a", f, kStartMs + 500, false);
  auto records = recordsOf(flushFirstInterval(), "app-a");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(field(records[0], "packets"), "6");
  EXPECT_EQ(field(records[0], "bytes"), "400");
  // Two connections of the same 5-tuple one after the other: one record for both.
  agg_->tracked("app-a", plainFlow(10, kAppToClient, {1, 60}), kStartMs + 700, true);
  agg_->tracked("app-a", plainFlow(11, kAppToClient, {2, 120}), kStartMs + 800, true);
  records = recordsOf(agg_->flush(kStartMs + 1200, false), "app-a");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(field(records[0], "packets"), "3");
}

TEST_F(AggregatorTest, AnEndedFlowIsForgotten) {
  agg_->tracked("app-a", plainFlow(4, kAppToClient, {5, 300}), kStartMs, true);
  EXPECT_EQ(field(recordsOf(flushFirstInterval(), "app-a").at(0), "packets"), "5");
  // Conntrack reuses the id for a new entry: its counters start from zero, not from the old ones.
  agg_->tracked("app-a", plainFlow(4, kAppToClient, {7, 420}), kStartMs + 700, false);
  const auto records = recordsOf(agg_->flush(kStartMs + 1200, false), "app-a");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(field(records[0], "packets"), "7");
  EXPECT_EQ(field(records[0], "bytes"), "420");
}

TEST_F(AggregatorTest, SameIdOnAnotherNodeIsAnotherFlow) {
  agg_->tracked("app-a", plainFlow(4, kAppToClient, {5, 300}), kStartMs, false);
  agg_->tracked("app-b", plainFlow(4, key(kTcp, "10.0.11.4", 40000, "198.51.100.10", 80), {5, 300}),
                kStartMs, false);
  const auto lines = flushFirstInterval();
  EXPECT_EQ(field(recordsOf(lines, "app-a").at(0), "packets"), "5");
  EXPECT_EQ(field(recordsOf(lines, "app-b").at(0), "packets"), "5");
}

TEST_F(AggregatorTest, RouterResolverAndLocalTrafficAreNotLogged) {
  const FlowKey skipped[] = {
      key(kUdp, "10.0.10.4", 5000, "10.0.0.2", 53),     // the VPC's resolver
      key(kUdp, "10.0.10.4", 5000, "10.0.10.2", 53),    // the subnet's
      key(kIcmp, "10.0.10.4", 0, "10.0.10.1", 0),       // the subnet's router
      key(kTcp, "10.0.10.4", 5000, "10.0.10.4", 8080),  // itself
      key(kTcp, "127.0.0.1", 5000, "127.0.0.1", 80),
      key(kTcp, "10.0.10.4", 5000, "169.254.169.254", 80),  // instance metadata
  };
  uint32_t id = 1;
  for (const auto& k : skipped)
    agg_->tracked("app-a", plainFlow(id++, k, {3, 200}, {3, 200}), kStartMs, false);
  agg_->rejected("app-a", RejectedPacket{RejectPoint::kSgOutbound, skipped[0], 60, 0}, kStartMs);
  EXPECT_TRUE(flushFirstInterval().empty());
  EXPECT_EQ(agg_->unattributed(), 0u);
}

TEST_F(AggregatorTest, FlowsOfNodesWithoutALoggedInterfaceAreUnattributed) {
  agg_->tracked("igw", plainFlow(1, kAppToClient, {1, 60}), kStartMs, false);
  agg_->tracked("nowhere", plainFlow(2, kAppToClient, {1, 60}), kStartMs, false);
  EXPECT_EQ(agg_->unattributed(), 2u);
  EXPECT_TRUE(flushFirstInterval().empty());
}

TEST_F(AggregatorTest, FlushWritesAnIntervalOnlyOnceItEnded) {
  agg_->tracked("app-a", plainFlow(1, kAppToClient, {2, 120}), kStartMs + 100, false);
  EXPECT_TRUE(agg_->flush(kStartMs + 599, false).empty());
  EXPECT_EQ(recordsOf(agg_->flush(kStartMs + 600, false), "app-a").size(), 1u);
  EXPECT_TRUE(agg_->flush(kStartMs + 600, false).empty());  // written once
  // What arrives after the boundary belongs to the next interval.
  TrackedFlow f = plainFlow(1, kAppToClient, {5, 300});
  agg_->tracked("app-a", f, kStartMs + 1150, false);
  EXPECT_TRUE(agg_->flush(kStartMs + 1199, false).empty());
  const auto records = recordsOf(agg_->flush(kStartMs + 1200, false), "app-a");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(field(records[0], "packets"), "3");
  EXPECT_EQ(field(records[0], "start"), std::to_string(kStartS + 1));
}

TEST_F(AggregatorTest, StartAndEndAreTheFirstAndLastObservation) {
  load(defaultWithFlowLogs(
      "flow_logs:\n  - {name: slow, interface: app-a, max_aggregation_interval: 600}\n"));
  TrackedFlow f = plainFlow(1, kAppToClient, {1, 60});
  agg_->tracked("app-a", f, kStartMs + 1500, false);
  f.original_count = {2, 120};
  agg_->tracked("app-a", f, kStartMs + 4200, false);
  const auto lines = agg_->flush(kStartMs + 6000, false);
  ASSERT_EQ(lines.size(), 1u);
  const auto records = recordsOf(lines, 0);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(field(records[0], "start"), std::to_string(kStartS + 1));
  EXPECT_EQ(field(records[0], "end"), std::to_string(kStartS + 4));
  EXPECT_EQ(field(records[0], "version"), "2");  // the default format
  EXPECT_EQ(records[0].size(), 14u);
}

TEST_F(AggregatorTest, IdleStreamsWriteOneNoDataRecordForTheirIdleRun) {
  agg_->tracked("app-a", plainFlow(1, kAppToClient, {2, 120}), kStartMs + 100, false);
  EXPECT_EQ(flushFirstInterval().size(), 1u);  // idle streams write nothing yet
  EXPECT_TRUE(agg_->flush(kStartMs + 1800, false).empty());
  const auto lines = agg_->flush(kStartMs + 1800, true);
  EXPECT_EQ(lines.size(), agg_->streams().size());  // one NODATA each
  for (size_t i = 0; i < agg_->streams().size(); ++i) {
    const auto records = recordsOf(lines, i);
    ASSERT_EQ(records.size(), 1u) << agg_->streams()[i].eni.node;
    const auto& r = records[0];
    EXPECT_EQ(field(r, "log-status"), "NODATA");
    EXPECT_EQ(field(r, "interface-id"), agg_->streams()[i].ids.interface_id);
    EXPECT_EQ(field(r, "srcaddr"), "-");
    EXPECT_EQ(field(r, "action"), "-");
    EXPECT_EQ(field(r, "vpc-id"), "-");
    // app-a idle from +600 ms, the others from the start: both in the first second.
    EXPECT_EQ(field(r, "start"), std::to_string(kStartS));
    EXPECT_EQ(field(r, "end"), std::to_string(kStartS + 1));
  }
  EXPECT_TRUE(agg_->flush(kStartMs + 1800, true).empty());  // nothing twice
}

TEST_F(AggregatorTest, FinalFlushClosesThePartialInterval) {
  agg_->tracked("app-a", plainFlow(1, kAppToClient, {2, 120}), kStartMs + 100, false);
  const auto lines = agg_->flush(kStartMs + 300, true);
  const auto records = recordsOf(lines, "app-a");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(field(records[0], "log-status"), "OK");
  EXPECT_EQ(field(records[0], "packets"), "2");
  // The other streams' first interval had not ended: nothing idle to report yet.
  EXPECT_EQ(lines.size(), 1u);
}

TEST_F(AggregatorTest, NoDataPrecedesTheNextRecordAfterAnIdleRun) {
  const size_t a = streamOf("app-a");
  agg_->flush(kStartMs + 1200, false);  // two idle intervals
  agg_->tracked("app-a", plainFlow(1, kAppToClient, {2, 120}), kStartMs + 1300, false);
  const auto lines = agg_->flush(kStartMs + 1800, false);
  const auto records = recordsOf(lines, a);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(field(records[0], "log-status"), "NODATA");
  EXPECT_EQ(field(records[0], "start"), std::to_string(kStartS));
  EXPECT_EQ(field(records[0], "end"), std::to_string(kStartS + 1));
  EXPECT_EQ(field(records[1], "log-status"), "OK");
  EXPECT_EQ(lines.size(), 2u);  // the idle streams keep waiting
}

TEST_F(AggregatorTest, ALongIdleRunIsReportedWithoutAFinalFlush) {
  EXPECT_TRUE(agg_->flush(kStartMs + 99 * 600, false).empty());
  const auto lines = agg_->flush(kStartMs + 100 * 600, false);
  ASSERT_EQ(lines.size(), agg_->streams().size());
  const auto r = recordsOf(lines, "nat-b").at(0);
  EXPECT_EQ(field(r, "log-status"), "NODATA");
  EXPECT_EQ(field(r, "start"), std::to_string(kStartS));
  EXPECT_EQ(field(r, "end"), std::to_string(kStartS + 60));
}

// On AWS's clock (time factor 1) each idle interval has its own NODATA record, as AWS writes.
TEST_F(AggregatorTest, RealTimeIntervalsEachHaveTheirNoDataRecord) {
  auto text = defaultWithFlowLogs("flow_logs:\n  - {name: rt, interface: app-a, max_aggregation_interval: 60}\n");
  text.replace(text.find("time_factor: 0.01"), 17, "time_factor: 1");
  load(text);
  ASSERT_EQ(agg_->streams().size(), 1u);
  const auto lines = agg_->flush(kStartMs + 180'000, false);
  ASSERT_EQ(lines.size(), 3u);
  for (int k = 0; k < 3; ++k) {
    const auto r = recordsOf(lines, 0).at(static_cast<size_t>(k));
    EXPECT_EQ(field(r, "log-status"), "NODATA");
    EXPECT_EQ(field(r, "start"), std::to_string(kStartS + 60 * k));
    EXPECT_EQ(field(r, "end"), std::to_string(kStartS + 60 * (k + 1)));
  }
  EXPECT_TRUE(agg_->flush(kStartMs + 180'000, true).empty()) << "nothing left to say";
}

// As AWS: the records collected in the interval are written, and the SKIPDATA record says some
// were lost.
TEST_F(AggregatorTest, SkipDataKeepsTheRecordsCollected) {
  agg_->tracked("app-a", plainFlow(1, kAppToClient, {1, 60}), kStartMs, false);
  agg_->skipped("app-a", kStartMs + 100);
  const auto records = recordsOf(flushFirstInterval(), "app-a");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(field(records[0], "log-status"), "OK");
  EXPECT_EQ(field(records[0], "packets"), "1");
  EXPECT_EQ(field(records[1], "log-status"), "SKIPDATA");
}

TEST_F(AggregatorTest, SkippedEventsGiveASkipDataRecord) {
  agg_->skipped("app-a", kStartMs + 100);
  const auto lines = flushFirstInterval();
  ASSERT_EQ(lines.size(), 1u);
  const auto records = recordsOf(lines, "app-a");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(field(records[0], "log-status"), "SKIPDATA");
  EXPECT_EQ(field(records[0], "srcaddr"), "-");
  EXPECT_EQ(field(records[0], "packets"), "-");
  EXPECT_EQ(field(records[0], "start"), std::to_string(kStartS));
  EXPECT_EQ(field(records[0], "end"), std::to_string(kStartS));
  // One interval only: the next is idle again.
  EXPECT_TRUE(agg_->flush(kStartMs + 1200, false).empty());
}

TEST_F(AggregatorTest, SkippedReachesEveryInterfaceOfTheNode) {
  agg_->skipped("vpce-kms", kStartMs);
  const auto lines = flushFirstInterval();
  EXPECT_EQ(lines.size(), 2u);
  EXPECT_EQ(field(recordsOf(lines, "vpce-kms", "10.0.10.6").at(0), "log-status"), "SKIPDATA");
  EXPECT_EQ(field(recordsOf(lines, "vpce-kms", "10.0.11.6").at(0), "log-status"), "SKIPDATA");
}

}  // namespace
}  // namespace netsim::flowlog::testing
