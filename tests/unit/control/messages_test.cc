// The control channel's messages (control/messages.h): every request and reply survives the
// trip through its JSON, and the documents users see keep their field names.
#include "netsim/control/messages.h"

#include <gtest/gtest.h>

namespace netsim::control {
namespace {

using nlohmann::json;

common::Ipv4Address ip(const char* s) { return *common::Ipv4Address::parse(s); }

ApplianceStats sampleAppliance() {
  ApplianceStats s;
  s.lab = "demo";
  s.node = "nat-a";
  s.role = "nat-gateway";
  s.uptime_s = 12.345678;
  s.capabilities = "0000000000000000";
  s.interfaces.push_back({"eth0", *common::Cidr::parse("10.0.1.10/24"), "02:00:00:00:00:01", 1500, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  s.counters = {{"Forwarded", 3}, {"Drop.Ttl", 0}};
  s.nat = {{"TableEntries", 2}, {"MemoryBytes", 4096}};
  s.limits = NatLimits{100, 5, 1024, 65535};
  s.neighbours.push_back({"eth0", ip("10.0.1.1"), true, "02:00:00:00:00:02", 0});
  s.neighbours.push_back({"eth0", ip("10.0.1.9"), false, "", 2});
  s.sessions = SessionTable{{{"udp", "10.0.10.4:5353", "10.0.1.10:1024", "198.51.100.7:53", "active", -5, true}}, 7};
  return s;
}

LbNodeStats sampleLbNode(bool nlb) {
  LbNodeStats s;
  s.load_balancer = "web";
  s.type = nlb ? model::LoadBalancerType::kNetwork : model::LoadBalancerType::kApplication;
  s.node = "web-1";
  s.az = "us-east-1a";
  s.node_ip = ip("10.0.0.6");
  s.cross_zone = true;
  s.uptime_s = 0.5;
  if (nlb) s.shifted_azs = {"us-east-1b"};
  s.metrics.request_count = 7;
  if (nlb) {
    s.metrics.new_flow_count = 3;
    s.metrics.active_flow_count = 1;
  }
  TargetGroupStats g;
  g.name = "web-tg";
  g.protocol = model::LbProtocol::kHttp;
  g.healthy_host_count = 1;
  g.request_count_per_target = 3.5;
  g.target_response_time = {0.002, 0.004, 2, 0.006};
  g.targets.push_back({"web-1", ip("10.0.10.4"), 8080, "us-east-1a", TargetState::kUnhealthy, "Target.Timeout", 4});
  s.target_groups.push_back(g);
  return s;
}

AsgStatus sampleAsg() {
  AsgGroupStatus g;
  g.name = "web";
  g.min = 2;
  g.max = 6;
  g.desired = 3;
  g.health_check_type = model::HealthCheckType::kElb;
  g.cooldown_remaining_s = 0;
  g.target_groups = {"web-tg"};
  g.metrics.cpu_utilization = 41.5;
  g.instances.push_back({"web-1", "us-east-1a", "private-a", ip("10.0.10.4"), "InService", "Healthy"});
  g.activities.push_back({"2024-01-01T00:00:00Z", "web", "autoscaling:EC2_INSTANCE_LAUNCH", "web-3", "us-east-1b",
                          "scaling out", 3});
  return AsgStatus{{g}};
}

// to_json, then from_json, then to_json again gives the same document.
template <typename T>
void expectRoundTrip(const T& value) {
  const json first = value;
  const T back = first.get<T>();
  EXPECT_EQ(json(back), first) << first.dump(2);
}

TEST(ControlMessages, EveryRequestSurvivesTheWire) {
  const std::vector<Request> requests = {
      StatsRequest{},
      StatsRequest{true, 5},
      RegisterTarget{"web-tg", "web-3", ip("10.0.10.9"), 8080, "us-east-1a"},
      DeregisterTarget{"web-tg", ip("10.0.10.9"), 8080},
      SetDesiredCapacity{"web", 4},
      SetZonalShifts{{{"us-east-1a", 1764870000.5}}},
      SetZonalShifts{},
      FlowLogRefusals{{{true, 1, ip("10.0.1.5"), ip("10.0.10.7"), 0, 0, 84, 0},
                       {false, 6, *common::Ipv6Address::parse("2001:db8:0:10::7"),
                        *common::Ipv6Address::parse("2001:db8::1"), 40000, 443, 60, 0x02}}},
      FlowLogRefusals{},
  };
  for (const auto& r : requests) {
    const std::string line = encodeRequest(r);
    ASSERT_EQ(line.back(), '\n');
    EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line: " << line;
    auto back = decodeRequest(line);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, r) << line;
  }
  EXPECT_EQ(encodeRequest(StatsRequest{true, 5}),
            "{\"request\":\"stats\",\"session_limit\":5,\"sessions\":true}\n");
}

TEST(ControlMessages, BadRequestsAreRefusedWithAReason) {
  for (const char* line : {"stats", "", "[]", "{}", "{\"request\":\"reboot\"}", "{\"request\":\"register_target\"}",
                           "{\"request\":\"deregister_target\",\"group\":\"g\",\"ip\":\"nope\",\"port\":80}",
                           "{\"request\":\"register_target\",\"group\":\"g\",\"name\":\"n\",\"ip\":\"10.0.0.1\",\"port\":99999}",
                           "{\"request\":\"set_desired_capacity\",\"group\":\"web\",\"desired\":\"four\"}"}) {
    auto r = decodeRequest(line);
    ASSERT_FALSE(r) << line;
    EXPECT_EQ(r.error().code, common::ErrorCode::kInvalidArgument) << line;
    EXPECT_FALSE(r.error().message.empty());
  }
  // Numbers a float-to-integer cast would get wrong (undefined behaviour in nlohmann's get<>)
  // are refused before any conversion: the fuzzer found the first one.
  for (const char* line :
       {"{\"request\":\"stats\",\"session_limit\":1222222222222222222222222222222222000}",
        "{\"request\":\"stats\",\"session_limit\":1e30}", "{\"request\":\"stats\",\"session_limit\":-1}",
        "{\"request\":\"register_target\",\"group\":\"g\",\"name\":\"n\",\"ip\":\"10.0.0.1\",\"port\":1e300}",
        "{\"request\":\"register_target\",\"group\":\"g\",\"name\":\"n\",\"ip\":\"10.0.0.1\",\"port\":80.5}",
        "{\"request\":\"set_desired_capacity\",\"group\":\"web\",\"desired\":1e20}",
        "{\"request\":\"set_desired_capacity\",\"group\":\"web\",\"desired\":99999999999}",
        "{\"request\":\"set_zonal_shifts\",\"shifts\":[{\"az\":\"a\",\"expires_at\":1e999}]}",
        "{\"request\":\"flow_log_refusals\",\"packets\":[{\"inbound\":true,\"protocol\":1,\"src\":\"10.0.1.5\","
        "\"dst\":\"10.0.10.7\",\"src_port\":0,\"dst_port\":0,\"bytes\":1e9,\"tcp_flags\":0}]}",
        "{\"request\":\"flow_log_refusals\",\"packets\":[{\"inbound\":true,\"protocol\":1,\"src\":\"nope\","
        "\"dst\":\"10.0.10.7\",\"src_port\":0,\"dst_port\":0,\"bytes\":84,\"tcp_flags\":0}]}"}) {
    auto r = decodeRequest(line);
    ASSERT_FALSE(r) << line;
    EXPECT_EQ(r.error().code, common::ErrorCode::kInvalidArgument) << line;
  }
  // A stats request may leave its options out.
  auto bare = decodeRequest("{\"request\":\"stats\"}");
  ASSERT_TRUE(bare);
  EXPECT_EQ(*bare, Request(StatsRequest{}));
}

TEST(ControlMessages, EveryReplySurvivesTheWire) {
  expectRoundTrip(sampleAppliance());
  ApplianceStats igw = sampleAppliance();
  igw.limits.reset();
  igw.sessions.reset();
  expectRoundTrip(igw);
  expectRoundTrip(sampleLbNode(false));
  expectRoundTrip(sampleLbNode(true));
  expectRoundTrip(ForwarderStats{"bastion", {{2222, 3, 1, 0, 0, 120, 4000}, {2223, 0, 0, 0, 0, 0, 0}}});
  expectRoundTrip(sampleAsg());
  const std::vector<Reply> replies = {Ack{}, Ack{common::makeError(common::ErrorCode::kNotFound, "no group 'x'")},
                                      sampleAppliance(), sampleLbNode(true), ForwarderStats{"ep", {}}, sampleAsg()};
  for (const auto& r : replies) {
    auto back = decodeReply(encodeReply(r));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->index(), r.index());
    EXPECT_EQ(encodeReply(*back), encodeReply(r));
  }
}

TEST(ControlMessages, AnAcksErrorKeepsItsKind) {
  auto back = decodeReply(encodeReply(Ack{common::makeError(common::ErrorCode::kNotFound, "no group 'x'")}));
  ASSERT_TRUE(back);
  auto st = accepted(*back);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, common::ErrorCode::kNotFound);
  EXPECT_EQ(st.error().message, "no group 'x'");
  EXPECT_TRUE(accepted(Ack{}));
  EXPECT_FALSE(accepted(ForwarderStats{}));
  auto as = replyAs<LbNodeStats>(Reply(ForwarderStats{}));
  ASSERT_FALSE(as);
  EXPECT_EQ(as.error().code, common::ErrorCode::kInternal);
  EXPECT_FALSE(decodeReply("not json"));
  EXPECT_FALSE(decodeReply("{\"reply\":\"weather\",\"body\":{}}"));
}

// The documents `netsim stats --json`, `netsim lb --json` and `netsim asg --json` print.
TEST(ControlMessages, DocumentsKeepTheirFieldNames) {
  const json a = sampleAppliance();
  EXPECT_EQ(a["interfaces"][0]["address"], "10.0.1.10/24");
  EXPECT_EQ(a["interfaces"][0]["rx_ring_drops"], 5);
  EXPECT_EQ(a["limits"]["ports"], "1024-65535");
  EXPECT_EQ(a["neighbours"][0]["state"], "reachable");
  EXPECT_EQ(a["neighbours"][1]["state"], "incomplete");
  EXPECT_EQ(a["sessions_total"], 7);
  EXPECT_EQ(a["sessions"][0]["expires_in_ms"], -5);
  EXPECT_EQ(a["dataplane"], "userspace");
  const json alb = sampleLbNode(false);
  EXPECT_FALSE(alb["metrics"].contains("NewFlowCount"));
  EXPECT_EQ(alb["metrics"].size(), 7u);
  const json nlb = sampleLbNode(true);
  EXPECT_EQ(nlb["metrics"]["NewFlowCount"], 3);
  EXPECT_EQ(nlb["target_groups"][0]["targets"][0]["state"], "unhealthy");
  EXPECT_EQ(nlb["target_groups"][0]["TargetResponseTime"]["samples"], 2);
  EXPECT_EQ(nlb["target_groups"][0]["UnHealthyHostCount"], 0);
  const json asg = sampleAsg();
  ASSERT_TRUE(asg.is_array());
  EXPECT_EQ(asg[0]["metrics"], json({{"CPUUtilization", 41.5}}));
  EXPECT_EQ(asg[0]["activities"][0]["desired"], 3);
  const json fwd = ForwarderStats{"bastion", {{2222, 3, 1, 0, 0, 120, 4000}}};
  EXPECT_EQ(fwd.dump(),
            "{\"node\":\"bastion\",\"ports\":[{\"accepted\":3,\"active\":0,\"bytes_in\":120,\"bytes_out\":4000,"
            "\"connect_failed\":0,\"port\":2222,\"refused\":1}]}");
}

}  // namespace
}  // namespace netsim::control
