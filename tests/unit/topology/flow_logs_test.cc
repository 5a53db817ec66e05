// The loader's flow_logs: section (topology/parse_flow_logs.cc): the vpc, subnet and interface
// forms, traffic_type, max_aggregation_interval, log_format into model::FlowLogField values, and
// every error with its file:line and field path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "netsim/model/flow_log.h"
#include "netsim/topology/loader.h"

namespace {

using netsim::model::FlowLog;
using netsim::model::FlowLogField;
using netsim::model::FlowLogResource;
using netsim::model::FlowLogTrafficType;
using netsim::topology::defaultTopologyText;
using netsim::topology::LoadResult;
using netsim::topology::loadTopologyText;

constexpr const char* kFile = "inline.yaml";

// The default topology with its flow_logs: section replaced by `section`.
std::string withFlowLogs(const std::string& section) {
  std::string text = defaultTopologyText();
  const auto begin = text.find("\nflow_logs:\n");
  const auto end = text.find("\nexpect:\n");
  EXPECT_NE(begin, std::string::npos);
  EXPECT_NE(end, std::string::npos);
  if (begin == std::string::npos || end == std::string::npos) return text;
  return text.substr(0, begin + 1) + section + text.substr(end);
}

// 1-based line of the first occurrence of `needle` at or after `from` (0 when absent).
int lineOf(const std::string& text, const std::string& needle, const std::string& from = "") {
  const auto start = from.empty() ? 0 : text.find(from);
  const auto at = text.find(needle, start == std::string::npos ? 0 : start);
  EXPECT_NE(at, std::string::npos) << needle;
  if (at == std::string::npos) return 0;
  return 1 + static_cast<int>(
                 std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

std::vector<FlowLog> load(const std::string& section) {
  auto r = loadTopologyText(withFlowLogs(section), kFile);
  EXPECT_TRUE(r.ok()) << r.diagnostics.format();
  return r.ok() ? r.model->flow_logs : std::vector<FlowLog>{};
}

// Loading fails with a diagnostic at `path` whose message holds `message`, on `line` of the file.
void expectError(const std::string& text, const std::string& path, const std::string& message,
                 int line) {
  auto r = loadTopologyText(text, kFile);
  ASSERT_FALSE(r.ok()) << "loaded: expected " << path << ": " << message;
  const auto all = r.diagnostics.format();
  bool found = false;
  for (const auto& d : r.diagnostics.items()) {
    if (d.path != path || d.message.find(message) == std::string::npos) continue;
    found = true;
    EXPECT_EQ(d.where.file, kFile);
    EXPECT_EQ(d.where.line, line) << d.format();
    const std::string prefix = std::string(kFile) + ":" + std::to_string(line) + ":";
    EXPECT_NE(all.find(prefix), std::string::npos) << all;
  }
  EXPECT_TRUE(found) << "no '" << path << ": " << message << "' in:\n" << all;
}

TEST(FlowLogsLoader, DefaultTopologyLogsItsVpc) {
  const auto& text = defaultTopologyText();
  auto r = loadTopologyText(text, kFile);
  ASSERT_TRUE(r.ok()) << r.diagnostics.format();
  ASSERT_EQ(r.model->flow_logs.size(), 1u);
  const auto& f = r.model->flow_logs[0];
  EXPECT_EQ(f.name, "vpc-all");
  EXPECT_EQ(f.resource, FlowLogResource::kVpc);
  EXPECT_EQ(f.target, "vpc");
  EXPECT_EQ(f.traffic_type, FlowLogTrafficType::kAll);
  EXPECT_EQ(f.max_aggregation_interval_s, 60);
  EXPECT_EQ(f.where.file, kFile);
  EXPECT_EQ(f.where.line, lineOf(text, "- name: vpc-all"));
  const std::vector<FlowLogField> expected = {FlowLogField::kVersion,
                                              FlowLogField::kAccountId,
                                              FlowLogField::kInterfaceId,
                                              FlowLogField::kSrcaddr,
                                              FlowLogField::kDstaddr,
                                              FlowLogField::kSrcport,
                                              FlowLogField::kDstport,
                                              FlowLogField::kProtocol,
                                              FlowLogField::kPackets,
                                              FlowLogField::kBytes,
                                              FlowLogField::kStart,
                                              FlowLogField::kEnd,
                                              FlowLogField::kAction,
                                              FlowLogField::kLogStatus,
                                              FlowLogField::kVpcId,
                                              FlowLogField::kSubnetId,
                                              FlowLogField::kInstanceId,
                                              FlowLogField::kTcpFlags,
                                              FlowLogField::kType,
                                              FlowLogField::kPktSrcaddr,
                                              FlowLogField::kPktDstaddr,
                                              FlowLogField::kAzId,
                                              FlowLogField::kFlowDirection,
                                              FlowLogField::kTrafficPath,
                                              FlowLogField::kPktSrcAwsService,
                                              FlowLogField::kPktDstAwsService};
  EXPECT_EQ(f.format, expected);
  EXPECT_EQ(netsim::model::flowLogVersion(f.format), 5);
}

TEST(FlowLogsLoader, VpcSubnetAndInterfaceForms) {
  const auto logs = load(R"(flow_logs:
  - {name: whole, vpc: vpc}
  - {name: one-subnet, subnet: private-a, traffic_type: ACCEPT, max_aggregation_interval: 600}
  - {name: one-node, interface: app-a, traffic_type: REJECT, max_aggregation_interval: 60}
)");
  ASSERT_EQ(logs.size(), 3u);
  EXPECT_EQ(logs[0].resource, FlowLogResource::kVpc);
  EXPECT_EQ(logs[0].target, "vpc");
  EXPECT_EQ(logs[0].traffic_type, FlowLogTrafficType::kAll);  // AWS's default: ALL
  EXPECT_EQ(logs[0].max_aggregation_interval_s, 600);         // and 600 s
  EXPECT_EQ(logs[1].resource, FlowLogResource::kSubnet);
  EXPECT_EQ(logs[1].target, "private-a");
  EXPECT_EQ(logs[1].traffic_type, FlowLogTrafficType::kAccept);
  EXPECT_EQ(logs[1].max_aggregation_interval_s, 600);
  EXPECT_EQ(logs[2].resource, FlowLogResource::kNetworkInterface);
  EXPECT_EQ(logs[2].target, "app-a");
  EXPECT_EQ(logs[2].traffic_type, FlowLogTrafficType::kReject);
  EXPECT_EQ(logs[2].max_aggregation_interval_s, 60);
  EXPECT_TRUE(logs[2].logs(false));
  EXPECT_FALSE(logs[2].logs(true));
  EXPECT_TRUE(logs[1].logs(true));
  EXPECT_FALSE(logs[1].logs(false));
  for (const auto& f : logs) {
    EXPECT_EQ(f.format, netsim::model::defaultFlowLogFormat()) << f.name;  // version 2
  }
}

TEST(FlowLogsLoader, InterfaceNamesAnyNodeWithAnInterface) {
  const auto logs = load(R"(flow_logs:
  - {name: gw, interface: nat-b}
  - {name: lb, interface: web-alb-1}
  - {name: endpoint, interface: vpce-kms}
  - {name: scaled, interface: web-2}
)");
  ASSERT_EQ(logs.size(), 4u);
  EXPECT_EQ(logs[3].target, "web-2");
}

TEST(FlowLogsLoader, CustomFormatKeepsTheWrittenOrder) {
  const auto logs = load(R"(flow_logs:
  - name: custom
    vpc: vpc
    log_format: "${srcaddr}   ${version} ${tcp-flags} ${az-id}  ${srcaddr}"
  - name: folded
    subnet: public-a
    log_format: >-
      ${interface-id} ${action}
      ${traffic-path}
)");
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0].format,
            (std::vector<FlowLogField>{FlowLogField::kSrcaddr, FlowLogField::kVersion,
                                       FlowLogField::kTcpFlags, FlowLogField::kAzId,
                                       FlowLogField::kSrcaddr}));
  EXPECT_EQ(netsim::model::flowLogVersion(logs[0].format), 4);
  EXPECT_EQ(logs[1].format,
            (std::vector<FlowLogField>{FlowLogField::kInterfaceId, FlowLogField::kAction,
                                       FlowLogField::kTrafficPath}));
  EXPECT_EQ(netsim::model::flowLogVersion(logs[1].format), 5);
}

TEST(FlowLogsLoader, NoSectionNoFlowLogs) {
  EXPECT_TRUE(load("").empty());
  EXPECT_TRUE(load("flow_logs: []\n").empty());
}

TEST(FlowLogsLoader, ExactlyOneTarget) {
  const std::string two = withFlowLogs(R"(flow_logs:
  - name: both
    vpc: vpc
    subnet: private-a
)");
  expectError(two, "flow_logs[0]", "exactly one of vpc, subnet or interface (it has 2)",
              lineOf(two, "- name: both"));
  const std::string three =
      withFlowLogs("flow_logs:\n  - {name: all3, vpc: vpc, subnet: private-a, interface: app-a}\n");
  expectError(three, "flow_logs[0]", "(it has 3)", lineOf(three, "{name: all3"));
  const std::string none = withFlowLogs(R"(flow_logs:
  - {name: ok, vpc: vpc}
  - name: nothing
    traffic_type: ALL
)");
  expectError(none, "flow_logs[1]", "exactly one of vpc, subnet or interface (it has 0)",
              lineOf(none, "- name: nothing"));
}

TEST(FlowLogsLoader, UnknownFieldInLogFormat) {
  const std::string text = withFlowLogs(R"(flow_logs:
  - name: bad
    vpc: vpc
    log_format: "${version} ${foo} ${srcaddr}"
)");
  expectError(text, "flow_logs[0].log_format", "unknown flow log field 'foo'",
              lineOf(text, "log_format: \"${version} ${foo}"));
  auto r = loadTopologyText(text, kFile);
  EXPECT_NE(r.diagnostics.format().find("pkt-dst-aws-service"), std::string::npos)
      << "the hint lists the fields";
}

TEST(FlowLogsLoader, LogFormatWordsMustBeFields) {
  const std::string bare = withFlowLogs(R"(flow_logs:
  - name: bare
    vpc: vpc
    log_format: "${version} srcaddr"
)");
  expectError(bare, "flow_logs[0].log_format", "'srcaddr' is not a ${field}",
              lineOf(bare, "log_format: \"${version} srcaddr"));
  const std::string open =
      withFlowLogs("flow_logs:\n  - {name: open, vpc: vpc, log_format: \"${version\"}\n");
  expectError(open, "flow_logs[0].log_format", "'${version' is not a ${field}",
              lineOf(open, "{name: open"));
  const std::string empty =
      withFlowLogs("flow_logs:\n  - {name: empty, vpc: vpc, log_format: \"\"}\n");
  expectError(empty, "flow_logs[0].log_format", "the format names no field",
              lineOf(empty, "{name: empty"));
  const std::string braces =
      withFlowLogs("flow_logs:\n  - {name: braces, vpc: vpc, log_format: \"${}\"}\n");
  expectError(braces, "flow_logs[0].log_format", "'${}' is not a ${field}",
              lineOf(braces, "{name: braces"));
}

TEST(FlowLogsLoader, IntervalIs60Or600) {
  const std::string text = withFlowLogs(R"(flow_logs:
  - name: five-minutes
    vpc: vpc
    max_aggregation_interval: 300
)");
  expectError(text, "flow_logs[0].max_aggregation_interval",
              "AWS allows 60 or 600 seconds, not 300",
              lineOf(text, "max_aggregation_interval: 300"));
  auto r = loadTopologyText(
      withFlowLogs("flow_logs:\n  - {name: big, vpc: vpc, max_aggregation_interval: 7200}\n"),
      kFile);
  EXPECT_FALSE(r.ok());
  r = loadTopologyText(
      withFlowLogs("flow_logs:\n  - {name: word, vpc: vpc, max_aggregation_interval: often}\n"),
      kFile);
  EXPECT_FALSE(r.ok());
}

TEST(FlowLogsLoader, TrafficTypeIsAcceptRejectOrAll) {
  const std::string text = withFlowLogs(R"(flow_logs:
  - name: some
    vpc: vpc
    traffic_type: SOME
)");
  auto r = loadTopologyText(text, kFile);
  ASSERT_FALSE(r.ok());
  bool found = false;
  for (const auto& d : r.diagnostics.items()) {
    if (d.path != "flow_logs[0].traffic_type") continue;
    found = true;
    EXPECT_EQ(d.where.line, lineOf(text, "traffic_type: SOME"));
  }
  EXPECT_TRUE(found) << r.diagnostics.format();
}

TEST(FlowLogsLoader, UnknownVpcSubnetOrNode) {
  const std::string text = withFlowLogs(R"(flow_logs:
  - name: no-vpc
    vpc: vpc-2
  - name: no-subnet
    subnet: private-c
  - name: no-node
    interface: ghost
  - name: internet-host
    interface: client
)");
  expectError(text, "flow_logs[0].vpc",
              "flow log 'no-vpc' names vpc 'vpc-2', which the topology does not have",
              lineOf(text, "vpc: vpc-2"));
  expectError(text, "flow_logs[1].subnet", "names subnet 'private-c'",
              lineOf(text, "subnet: private-c"));
  expectError(text, "flow_logs[2].interface", "names interface 'ghost'",
              lineOf(text, "interface: ghost"));
  expectError(text, "flow_logs[3].interface", "names interface 'client'",
              lineOf(text, "interface: client"));
  auto r = loadTopologyText(text, kFile);
  const auto all = r.diagnostics.format();
  EXPECT_NE(all.find("private-a, private-b"), std::string::npos)
      << "the hint lists the subnets: " << all;
  EXPECT_NE(all.find("name a node with a network interface"), std::string::npos) << all;
  EXPECT_EQ(r.diagnostics.size(), 4u) << all;
}

TEST(FlowLogsLoader, DuplicateNames) {
  const std::string text = withFlowLogs(R"(flow_logs:
  - name: twice
    vpc: vpc
  - name: other
    subnet: private-a
  - name: twice
    interface: app-a
)");
  expectError(text, "flow_logs[2].name", "flow log name 'twice' is used twice",
              lineOf(text, "- name: twice", "- name: other"));
  EXPECT_EQ(loadTopologyText(text, kFile).diagnostics.size(), 1u);
}

TEST(FlowLogsLoader, NameIsRequiredAndUnknownKeysRefused) {
  auto r = loadTopologyText(withFlowLogs("flow_logs:\n  - {vpc: vpc}\n"), kFile);
  EXPECT_FALSE(r.ok());
  const std::string text = withFlowLogs("flow_logs:\n  - {name: x, vpc: vpc, destination: s3}\n");
  r = loadTopologyText(text, kFile);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics.format().find("destination"), std::string::npos)
      << r.diagnostics.format();
}

}  // namespace
