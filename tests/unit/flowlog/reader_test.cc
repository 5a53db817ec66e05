// Reading flow log records back (flowlog/reader.h): a stream's file in a temporary directory,
// complete lines only, the byte offset, the action filter, and stream selection.
#include "netsim/flowlog/reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "flowlog_test_util.h"

namespace netsim::flowlog::testing {
namespace {

namespace fs = std::filesystem;

class ReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    model_ = loadModel(topology::defaultTopologyText());
    streams_ = streamsOf(*model_);
    ASSERT_FALSE(streams_.empty());
    std::string tmpl = (fs::temp_directory_path() / "netsim-flowlog-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  const Stream& stream(const std::string& node) const {
    for (const auto& s : streams_) {
      if (s.eni.node == node) return s;
    }
    ADD_FAILURE() << node;
    return streams_.front();
  }

  Record recordOf(const Stream& s, const FlowKey& k, uint64_t packets,
                  Action action = Action::kAccept) const {
    Record r;
    r.ids = s.ids;
    r.key = k;
    r.pkt_src = k.src;
    r.pkt_dst = k.dst;
    r.packets = packets;
    r.bytes = packets * 60;
    r.start = kStartS;
    r.end = kStartS + 1;
    r.action = action;
    return r;
  }

  // Appends `text` to the stream's file (creating its flow log's directory).
  void append(const Stream& s, const std::string& text) const {
    const fs::path path = fs::path(dir_) / s.file;
    fs::create_directories(path.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << text;
  }
  std::string line(const Stream& s, const Record& r) const {
    return formatRecord(r, s.log->format) + "\n";
  }
  uint64_t fileSize(const Stream& s) const { return fs::file_size(fs::path(dir_) / s.file); }

  std::unique_ptr<model::Model> model_;
  std::vector<Stream> streams_;
  std::string dir_;
};

const FlowKey kFlow = key(kTcp, "10.0.10.4", 40000, "198.51.100.10", 80);

TEST_F(ReaderTest, ReadsWhatWasWrittenAndMovesTheOffset) {
  const auto& s = stream("app-a");
  append(s, line(s, recordOf(s, kFlow, 5)) + line(s, recordOf(s, reverseOf(kFlow), 4)));
  uint64_t offset = 0;
  auto records = readStream(s, dir_, offset);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(offset, fileSize(s));
  EXPECT_EQ(records[0].stream, &s);
  EXPECT_EQ(records[0].fields.at("srcaddr"), "10.0.10.4");
  EXPECT_EQ(records[0].fields.at("packets"), "5");
  EXPECT_EQ(records[0].fields.at("interface-id"), s.ids.interface_id);
  EXPECT_EQ(records[1].fields.at("srcaddr"), "198.51.100.10");
  EXPECT_EQ(records[1].fields.size(), s.log->format.size());
  // Nothing new: nothing read, the offset stays.
  EXPECT_TRUE(readStream(s, dir_, offset).empty());
  EXPECT_EQ(offset, fileSize(s));
  // Only what was appended since.
  append(s, line(s, recordOf(s, kFlow, 9)));
  records = readStream(s, dir_, offset);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields.at("packets"), "9");
  EXPECT_EQ(offset, fileSize(s));
}

TEST_F(ReaderTest, APartialLastLineWaitsForItsNewline) {
  const auto& s = stream("app-a");
  const std::string first = line(s, recordOf(s, kFlow, 1));
  const std::string second = line(s, recordOf(s, kFlow, 2));
  const size_t half = second.size() / 2;
  append(s, first + second.substr(0, half));
  uint64_t offset = 0;
  auto records = readStream(s, dir_, offset);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(offset, first.size());
  EXPECT_TRUE(readStream(s, dir_, offset).empty());  // still incomplete
  EXPECT_EQ(offset, first.size());
  append(s, second.substr(half));
  records = readStream(s, dir_, offset);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields.at("packets"), "2");
  EXPECT_EQ(offset, first.size() + second.size());
}

TEST_F(ReaderTest, MissingFileReadsNothing) {
  uint64_t offset = 0;
  EXPECT_TRUE(readStream(stream("app-b"), dir_, offset).empty());
  EXPECT_EQ(offset, 0u);
}

TEST_F(ReaderTest, LinesOfAnotherFormatAreSkippedButPassed) {
  const auto& s = stream("app-a");
  append(s, "not a record\n" + line(s, recordOf(s, kFlow, 3)) +
                formatRecord(recordOf(s, kFlow, 4), model::defaultFlowLogFormat()) + "\n");
  uint64_t offset = 0;
  const auto records = readStream(s, dir_, offset);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields.at("packets"), "3");
  EXPECT_EQ(offset, fileSize(s));
}

TEST_F(ReaderTest, NoDataRecordsAreRead) {
  const auto& s = stream("nat-a");
  Record r;
  r.ids = s.ids;
  r.status = LogStatus::kNoData;
  r.start = kStartS;
  r.end = kStartS + 60;
  append(s, line(s, r));
  uint64_t offset = 0;
  const auto records = readStream(s, dir_, offset);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].fields.at("log-status"), "NODATA");
  EXPECT_EQ(records[0].fields.at("srcaddr"), "-");
  // An action filter keeps records of that action only: not NODATA.
  offset = 0;
  EXPECT_TRUE(readStream(s, dir_, offset, Action::kAccept).empty());
  EXPECT_EQ(offset, fileSize(s));
}

TEST_F(ReaderTest, ActionFilter) {
  const auto& s = stream("app-a");
  append(s, line(s, recordOf(s, kFlow, 1)) + line(s, recordOf(s, kFlow, 2, Action::kReject)) +
                line(s, recordOf(s, kFlow, 3)));
  uint64_t offset = 0;
  auto rejected = readStream(s, dir_, offset, Action::kReject);
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].fields.at("packets"), "2");
  EXPECT_EQ(offset, fileSize(s));  // past the lines it left out too
  offset = 0;
  auto accepted = readStream(s, dir_, offset, Action::kAccept);
  ASSERT_EQ(accepted.size(), 2u);
  EXPECT_EQ(accepted[1].fields.at("packets"), "3");
  offset = 0;
  EXPECT_EQ(readStream(s, dir_, offset).size(), 3u);
}

TEST_F(ReaderTest, SelectStreams) {
  EXPECT_EQ(selectStreams(streams_, {}).size(), streams_.size());
  StreamFilter f;
  f.node = "vpce-kms";
  EXPECT_EQ(selectStreams(streams_, f).size(), 2u);
  f = {};
  f.subnet = "private-a";
  EXPECT_EQ(selectStreams(streams_, f).size(), 3u);  // app-a, web-1, the endpoint's ENI
  f.node = "app-a";
  auto one = selectStreams(streams_, f);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], &stream("app-a"));
  f = {};
  f.interface_id = stream("nat-b").eni.id;
  ASSERT_EQ(selectStreams(streams_, f).size(), 1u);
  EXPECT_EQ(selectStreams(streams_, f)[0]->eni.node, "nat-b");
  f = {};
  f.flow_log = "vpc-all";
  EXPECT_EQ(selectStreams(streams_, f).size(), streams_.size());
  f.flow_log = "other";
  EXPECT_TRUE(selectStreams(streams_, f).empty());
}

}  // namespace
}  // namespace netsim::flowlog::testing
