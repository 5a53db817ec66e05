// Flow log records as text (flowlog/record.h): AWS's default version 2 line, custom formats with
// the version 3-5 fields, NODATA/SKIPDATA records, and reading a line back by its format.
#include "netsim/flowlog/record.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "flowlog_test_util.h"
#include "netsim/model/flow_log.h"

namespace netsim::flowlog::testing {
namespace {

using model::FlowLogField;

Record tcpRecord() {
  Record r;
  r.ids.interface_id = "eni-0123456789abcdef0";
  r.ids.vpc_id = "vpc-0aaaaaaaaaaaaaaaa";
  r.ids.subnet_id = "subnet-0bbbbbbbbbbbbbbbb";
  r.ids.instance_id = "i-0ccccccccccccccccc";
  r.ids.az_id = "use1-az1";
  r.ids.region = "us-east-1";
  r.ids.account_id = "123456789012";
  r.key = key(kTcp, "10.0.10.4", 40000, "198.51.100.10", 80);
  r.pkt_src = r.key.src;
  r.pkt_dst = r.key.dst;
  r.packets = 5;
  r.bytes = 300;
  r.start = 1700000000;
  r.end = 1700000001;
  r.tcp_flags = tcp_flag::kSyn | tcp_flag::kFin;
  return r;
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

TEST(FlowLogRecord, DefaultFormatIsAwsVersion2Line) {
  EXPECT_EQ(formatRecord(tcpRecord(), model::defaultFlowLogFormat()),
            "2 123456789012 eni-0123456789abcdef0 10.0.10.4 198.51.100.10 40000 80 6 5 300 "
            "1700000000 1700000001 "
            "ACCEPT OK");
  Record reject = tcpRecord();
  reject.action = Action::kReject;
  EXPECT_EQ(words(formatRecord(reject, model::defaultFlowLogFormat())).at(12), "REJECT");
}

TEST(FlowLogRecord, NamesOfActionsAndStatuses) {
  EXPECT_STREQ(actionName(Action::kAccept), "ACCEPT");
  EXPECT_STREQ(actionName(Action::kReject), "REJECT");
  EXPECT_STREQ(logStatusName(LogStatus::kOk), "OK");
  EXPECT_STREQ(logStatusName(LogStatus::kNoData), "NODATA");
  EXPECT_STREQ(logStatusName(LogStatus::kSkipData), "SKIPDATA");
}

TEST(FlowLogRecord, EveryFieldInVersion8Format) {
  Record r = tcpRecord();
  r.ingress = false;
  r.traffic_path = 8;
  r.pkt_dst_service = "S3";
  const auto line = formatRecord(r, model::allFlowLogFields());
  EXPECT_EQ(line,
            "8 123456789012 eni-0123456789abcdef0 10.0.10.4 198.51.100.10 40000 80 6 5 300 "
            "1700000000 1700000001 "
            "ACCEPT OK vpc-0aaaaaaaaaaaaaaaa subnet-0bbbbbbbbbbbbbbbb i-0ccccccccccccccccc 3 IPv4 "
            "10.0.10.4 "
            "198.51.100.10 us-east-1 use1-az1 - - - S3 egress 8"
            // ecs-cluster-arn ... ecs-task-id (version 7), reject-reason (8): no ECS, no BPA
            " - - - - - - - - - - -");
}

TEST(FlowLogRecord, VersionIsTheHighestAmongTheFormatsFields) {
  auto with = [](std::vector<FlowLogField> extra) {
    std::vector<FlowLogField> f = {FlowLogField::kVersion, FlowLogField::kSrcaddr};
    f.insert(f.end(), extra.begin(), extra.end());
    return words(formatRecord(tcpRecord(), f)).at(0);
  };
  EXPECT_EQ(with({}), "2");
  EXPECT_EQ(with({FlowLogField::kTcpFlags}), "3");
  EXPECT_EQ(with({FlowLogField::kAzId}), "4");
  EXPECT_EQ(with({FlowLogField::kTcpFlags, FlowLogField::kFlowDirection}), "5");
  EXPECT_EQ(with({FlowLogField::kTrafficPath, FlowLogField::kVpcId}), "5");
}

TEST(FlowLogRecord, FieldsPrintInTheFormatsOrder) {
  const std::vector<FlowLogField> f = {FlowLogField::kAction, FlowLogField::kDstport,
                                       FlowLogField::kSrcaddr, FlowLogField::kVersion};
  EXPECT_EQ(formatRecord(tcpRecord(), f), "ACCEPT 80 10.0.10.4 2");
}

TEST(FlowLogRecord, IngressIPv6UdpWithoutTrafficPath) {
  Record r = tcpRecord();
  r.key = FlowKey{kUdp, ip6("2001:db8::10"), ip6("2600:1f18::4"), 5353, 53};
  r.pkt_src = r.key.src;
  r.pkt_dst = r.key.dst;
  r.ingress = true;
  r.tcp_flags = tcp_flag::kSyn;  // not TCP: printed as 0
  const std::vector<FlowLogField> f = {FlowLogField::kType,        FlowLogField::kSrcaddr,
                                       FlowLogField::kDstaddr,     FlowLogField::kSrcport,
                                       FlowLogField::kDstport,     FlowLogField::kProtocol,
                                       FlowLogField::kTcpFlags,    FlowLogField::kFlowDirection,
                                       FlowLogField::kTrafficPath, FlowLogField::kVersion};
  EXPECT_EQ(formatRecord(r, f), "IPv6 2001:db8::10 2600:1f18::4 5353 53 17 0 ingress - 5");
}

TEST(FlowLogRecord, IcmpHasNoPortsAndNoTcpFlags) {
  Record r = tcpRecord();
  r.key = key(kIcmp, "10.0.10.4", 8, "10.0.11.4", 1234);  // whatever the collector put there
  r.tcp_flags = tcp_flag::kRst;
  const std::vector<FlowLogField> f = {FlowLogField::kSrcport, FlowLogField::kDstport,
                                       FlowLogField::kProtocol, FlowLogField::kTcpFlags,
                                       FlowLogField::kType};
  EXPECT_EQ(formatRecord(r, f), "0 0 1 0 IPv4");
}

TEST(FlowLogRecord, TcpFlagsAreTheOrOfWhatWasSeen) {
  Record r = tcpRecord();
  r.tcp_flags = tcp_flag::kSyn | tcp_flag::kAck;
  EXPECT_EQ(formatRecord(r, {FlowLogField::kTcpFlags}), "18");
  r.tcp_flags = tcp_flag::kSyn | tcp_flag::kFin | tcp_flag::kRst;
  EXPECT_EQ(formatRecord(r, {FlowLogField::kTcpFlags}), "7");
}

TEST(FlowLogRecord, MissingIdsAndServicesPrintDash) {
  Record r = tcpRecord();
  r.ids = InterfaceIds{};
  const std::vector<FlowLogField> f = {FlowLogField::kAccountId,
                                       FlowLogField::kInterfaceId,
                                       FlowLogField::kVpcId,
                                       FlowLogField::kSubnetId,
                                       FlowLogField::kInstanceId,
                                       FlowLogField::kRegion,
                                       FlowLogField::kAzId,
                                       FlowLogField::kSublocationType,
                                       FlowLogField::kSublocationId,
                                       FlowLogField::kPktSrcAwsService,
                                       FlowLogField::kPktDstAwsService,
                                       FlowLogField::kTrafficPath};
  EXPECT_EQ(formatRecord(r, f), "- - - - - - - - - - - -");
}

TEST(FlowLogRecord, PacketAddressesMayDifferFromTheInterfaces) {
  Record r = tcpRecord();
  r.key = key(kTcp, "10.0.10.4", 40000, "10.0.0.4", 80);  // arriving at a NAT gateway
  r.pkt_dst = ip("198.51.100.10");
  const std::vector<FlowLogField> f = {FlowLogField::kSrcaddr, FlowLogField::kDstaddr,
                                       FlowLogField::kPktSrcaddr, FlowLogField::kPktDstaddr};
  EXPECT_EQ(formatRecord(r, f), "10.0.10.4 10.0.0.4 10.0.10.4 198.51.100.10");
}

TEST(FlowLogRecord, NoDataAndSkipDataKeepOnlyInterfaceTimeAndStatus) {
  for (auto status : {LogStatus::kNoData, LogStatus::kSkipData}) {
    Record r = tcpRecord();  // whatever else it holds is not printed
    r.status = status;
    r.traffic_path = 1;
    r.pkt_src_service = "S3";
    r.ingress = true;
    EXPECT_EQ(
        formatRecord(r, model::defaultFlowLogFormat()),
        std::string("2 123456789012 eni-0123456789abcdef0 - - - - - - - 1700000000 1700000001 - ") +
            logStatusName(status));
    const auto all = words(formatRecord(r, model::allFlowLogFields()));
    ASSERT_EQ(all.size(), model::allFlowLogFields().size());
    for (size_t i = 0; i < all.size(); ++i) {
      const auto f = model::allFlowLogFields()[i];
      const std::string name = model::flowLogFieldName(f);
      const std::map<std::string, std::string> kept = {{"version", "8"},
                                                       {"account-id", "123456789012"},
                                                       {"interface-id", "eni-0123456789abcdef0"},
                                                       {"start", "1700000000"},
                                                       {"end", "1700000001"},
                                                       {"log-status", logStatusName(status)}};
      const auto it = kept.find(name);
      EXPECT_EQ(all[i], it == kept.end() ? std::string("-") : it->second) << name;
    }
  }
}

TEST(FlowLogRecord, ParseRecordLineRoundTrips) {
  Record r = tcpRecord();
  r.traffic_path = 1;
  const auto& fields = model::allFlowLogFields();
  auto parsed = parseRecordLine(formatRecord(r, fields), fields);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->size(), fields.size());
  EXPECT_EQ(parsed->at("version"), "8");
  EXPECT_EQ(parsed->at("reject-reason"), "-");
  EXPECT_EQ(parsed->at("ecs-task-arn"), "-");
  EXPECT_EQ(parsed->at("srcaddr"), "10.0.10.4");
  EXPECT_EQ(parsed->at("dstport"), "80");
  EXPECT_EQ(parsed->at("packets"), "5");
  EXPECT_EQ(parsed->at("bytes"), "300");
  EXPECT_EQ(parsed->at("tcp-flags"), "3");
  EXPECT_EQ(parsed->at("pkt-src-aws-service"), "-");
  EXPECT_EQ(parsed->at("flow-direction"), "egress");
  EXPECT_EQ(parsed->at("traffic-path"), "1");
  // Every name the model knows is a key, and formatting the values again gives the same line.
  std::string again;
  for (auto f : fields)
    again += (again.empty() ? "" : " ") + parsed->at(model::flowLogFieldName(f));
  EXPECT_EQ(again, formatRecord(r, fields));
}

TEST(FlowLogRecord, ParseRecordLineRejectsAWrongFieldCount) {
  const auto& fields = model::defaultFlowLogFormat();
  const auto line = formatRecord(tcpRecord(), fields);
  EXPECT_TRUE(parseRecordLine(line, fields).has_value());
  EXPECT_FALSE(parseRecordLine(line + " extra", fields).has_value());
  EXPECT_FALSE(parseRecordLine(line.substr(0, line.rfind(' ')), fields).has_value());
  EXPECT_FALSE(parseRecordLine("", fields).has_value());
  EXPECT_FALSE(parseRecordLine(line, model::allFlowLogFields()).has_value());
  // A line in another (shorter) format does not fit this one either.
  EXPECT_FALSE(
      parseRecordLine(formatRecord(tcpRecord(), {FlowLogField::kVersion}), fields).has_value());
}

TEST(FlowLogRecord, ParseRecordLineKeysByTheGivenFormat) {
  const std::vector<FlowLogField> f = {FlowLogField::kAction, FlowLogField::kSrcaddr};
  auto parsed = parseRecordLine("REJECT 10.0.0.9", f);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(*parsed, (Fields{{"action", "REJECT"}, {"srcaddr", "10.0.0.9"}}));
}

TEST(FlowLogFormat, DefaultIsTheFourteenVersion2Fields) {
  const auto& d = model::defaultFlowLogFormat();
  ASSERT_EQ(d.size(), 14u);
  EXPECT_EQ(d.front(), FlowLogField::kVersion);
  EXPECT_EQ(d.back(), FlowLogField::kLogStatus);
  EXPECT_EQ(model::flowLogVersion(d), 2);
  for (auto f : model::allFlowLogFields()) {
    EXPECT_EQ(model::flowLogFieldFromName(model::flowLogFieldName(f)), f)
        << model::flowLogFieldName(f);
  }
  EXPECT_FALSE(model::flowLogFieldFromName("foo").has_value());
  EXPECT_EQ(model::flowLogVersion(model::allFlowLogFields()), 8);
  EXPECT_EQ(model::flowLogVersion({FlowLogField::kSrcaddr, FlowLogField::kEcsClusterName}), 7);
  EXPECT_EQ(model::flowLogVersion({FlowLogField::kRejectReason, FlowLogField::kTrafficPath}), 8);
  EXPECT_FALSE(model::flowLogFieldFromName("resource-id").has_value());
}

}  // namespace
}  // namespace netsim::flowlog::testing
