// The flow count board (nat/flow_count_board.*): what a reader attaches to, live records, the
// ended ring and its bound, slot reuse, and a reader that never sees a half-written record while
// the writer works on another thread (as the collector reads the appliance's board).
#include "netsim/nat/flow_count_board.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <span>
#include <thread>
#include <vector>

namespace netsim::nat {
namespace {

class FlowCountBoardTest : public ::testing::Test {
 protected:
  std::span<std::byte> memory(uint32_t slots, uint32_t ended) {
    words_.assign(FlowCountBoard::bytesFor(slots, ended) / 8 + 1, 0);
    return std::as_writable_bytes(std::span(words_));
  }
  static FlowCountRecord flow(uint64_t id, uint16_t port) {
    FlowCountRecord r;
    r.id = id;
    r.proto = 17;
    r.inside = 0x0a000105;
    r.inside_port = port;
    r.outside = 0xcb00710a;
    r.outside_port = static_cast<uint16_t>(port + 1);
    r.remote = 0xc6336407;
    r.remote_port = 53;
    return r;
  }
  static std::vector<FlowCountRecord> live(const FlowCountBoard& b) {
    std::vector<FlowCountRecord> out;
    b.forEachLive([&](const FlowCountRecord& r) { out.push_back(r); });
    return out;
  }
  std::vector<uint64_t> words_;
};

TEST_F(FlowCountBoardTest, ReaderAttachesOnlyToAFormattedBoard) {
  auto m = memory(8, 4);
  EXPECT_FALSE(FlowCountBoard::attach(m)) << "zeroed memory: not formatted yet";
  EXPECT_FALSE(FlowCountBoard::format(m.first(FlowCountBoard::bytesFor(8, 4) - 1), 8, 4)) << "too small";
  EXPECT_FALSE(FlowCountBoard::format(m, 0, 4));
  EXPECT_FALSE(FlowCountBoard::format(m.subspan(4), 2, 2)) << "misaligned";
  ASSERT_TRUE(FlowCountBoard::format(m, 8, 4));
  auto r = FlowCountBoard::attach(m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->slots(), 8u);
  EXPECT_FALSE(FlowCountBoard::attach(m.first(64))) << "header says more than the memory holds";
}

TEST_F(FlowCountBoardTest, LiveRecordsCarryTheirTupleAndCounts) {
  auto m = memory(8, 4);
  auto w = FlowCountBoard::format(m, 8, 4);
  ASSERT_TRUE(w);
  w->start(3, flow(7, 5000));
  w->count(3, true, 100, 0);
  w->count(3, true, 50, 0);
  w->count(3, false, 1000, 0);
  auto r = FlowCountBoard::attach(m);
  ASSERT_TRUE(r);
  const auto flows = live(*r);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].id, 7u);
  EXPECT_EQ(flows[0].inside_port, 5000);
  EXPECT_EQ(flows[0].outside_port, 5001);
  EXPECT_EQ(flows[0].remote, 0xc6336407u);
  EXPECT_EQ(flows[0].packets_out, 2u);
  EXPECT_EQ(flows[0].bytes_out, 150u);
  EXPECT_EQ(flows[0].packets_in, 1u);
  EXPECT_EQ(flows[0].bytes_in, 1000u);
  w->count(9, true, 1, 0);  // beyond the board: ignored
  w->start(9, flow(8, 1));
  EXPECT_EQ(live(*r).size(), 1u);
}

TEST_F(FlowCountBoardTest, AnEndedSessionIsReadOnceAndItsSlotStartsAfresh) {
  auto m = memory(4, 4);
  auto w = FlowCountBoard::format(m, 4, 4);
  auto r = FlowCountBoard::attach(m);
  ASSERT_TRUE(w && r);
  w->start(0, flow(1, 6000));
  w->count(0, true, 40, 0x01);
  w->end(0);
  w->end(0);  // no longer live: nothing more
  EXPECT_TRUE(live(*r).empty());
  std::vector<FlowCountRecord> ended;
  EXPECT_EQ(r->takeEnded([&](const FlowCountRecord& f) { ended.push_back(f); }, 10), 1u);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].id, 1u);
  EXPECT_EQ(ended[0].packets_out, 1u);
  EXPECT_EQ(ended[0].flags, 0x01);
  EXPECT_EQ(r->takeEnded([&](const FlowCountRecord& f) { ended.push_back(f); }, 10), 0u);
  w->start(0, flow(2, 6001));  // the slot reused by another session
  const auto flows = live(*r);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0].id, 2u);
  EXPECT_EQ(flows[0].packets_out, 0u);
}

TEST_F(FlowCountBoardTest, ANat64SessionKeepsItsIpv6AddressesLiveAndEnded) {
  auto m = memory(4, 4);
  auto w = FlowCountBoard::format(m, 4, 4);
  auto r = FlowCountBoard::attach(m);
  ASSERT_TRUE(w && r);
  FlowCountRecord f = flow(1, 7000);
  f.inside = 0xf0000001;  // its host key
  f.ipv6 = true;
  f.inside6 = *common::Ipv6Address::parse("2001:db8:1::10");
  f.remote6 = *common::Ipv6Address::parse("64:ff9b::c633:6407");
  w->start(1, f);
  auto flows = live(*r);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_TRUE(flows[0].ipv6);
  EXPECT_EQ(flows[0].inside6.str(), "2001:db8:1::10");
  EXPECT_EQ(flows[0].remote6.str(), "64:ff9b::c633:6407");
  w->end(1);
  std::vector<FlowCountRecord> ended;
  r->takeEnded([&](const FlowCountRecord& e) { ended.push_back(e); }, 10);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_TRUE(ended[0].ipv6);
  EXPECT_EQ(ended[0].remote6.str(), "64:ff9b::c633:6407");
  w->start(1, flow(2, 7001));  // reused by an IPv4 session
  flows = live(*r);
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_FALSE(flows[0].ipv6);
  EXPECT_TRUE(flows[0].inside6.isUnspecified());
}

TEST_F(FlowCountBoardTest, TheEndedRingWrapsAndCountsWhatItCannotKeep) {
  auto m = memory(16, 3);
  auto w = FlowCountBoard::format(m, 16, 3);
  auto r = FlowCountBoard::attach(m);
  ASSERT_TRUE(w && r);
  uint64_t id = 1;
  std::vector<uint64_t> ids;
  auto take = [&](size_t max) { return r->takeEnded([&](const FlowCountRecord& f) { ids.push_back(f.id); }, max); };
  for (int round = 0; round < 5; ++round) {  // wraps around the 3 places several times
    for (uint32_t s = 0; s < 2; ++s) {
      w->start(s, flow(id++, 1));
      w->end(s);
    }
    EXPECT_EQ(take(1), 1u);
    EXPECT_EQ(take(10), 1u);
  }
  EXPECT_EQ(ids.size(), 10u);
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(ids[i], i + 1);
  for (uint32_t s = 0; s < 5; ++s) {
    w->start(s, flow(id++, 1));
    w->end(s);
  }
  EXPECT_EQ(r->endedDropped(), 2u);
  EXPECT_EQ(take(10), 3u);
}

// The writer restarts slots and counts on one thread while the reader reads on another: every
// record the reader gets is one the writer wrote whole (its tuple matches its id), and the
// counts of a session never go down.
TEST_F(FlowCountBoardTest, AConcurrentReaderNeverSeesAHalfWrittenRecord) {
  constexpr uint32_t kSlots = 4;
  auto m = memory(kSlots, 64);
  auto w = FlowCountBoard::format(m, kSlots, 64);
  auto r = FlowCountBoard::attach(m);
  ASSERT_TRUE(w && r);
  std::atomic<bool> stop{false};
  std::atomic<int> written{0};
  std::thread writer([&] {
    uint64_t id = 1;
    for (int i = 0; !stop; ++i) {
      const uint32_t s = static_cast<uint32_t>(i) % kSlots;
      if (i % 16 < static_cast<int>(kSlots)) {  // every slot restarted each 16 rounds
        w->end(s);
        w->start(s, flow(id, static_cast<uint16_t>(id)));
        ++id;
      }
      w->count(s, true, 10, 0);
      written.store(i, std::memory_order_relaxed);
    }
  });
  while (written.load() < 64) std::this_thread::yield();
  size_t seen = 0;
  std::vector<uint64_t> last_packets(1u << 22, 0);
  uint64_t bad = 0;
  // At least 5000 rounds, and on until a live record was seen: on a loaded machine (or one CPU)
  // the writer may be preempted between end() and start() for all of them.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int round = 0; round < 5000 || (seen == 0 && std::chrono::steady_clock::now() < deadline);
       ++round) {
    if (round >= 5000) std::this_thread::yield();
    r->forEachLive([&](const FlowCountRecord& f) {
      ++seen;
      if (f.inside_port != static_cast<uint16_t>(f.id) || f.outside_port != static_cast<uint16_t>(f.id + 1)) ++bad;
      auto& last = last_packets[f.id % last_packets.size()];
      if (f.packets_out < last) ++bad;
      last = f.packets_out;
    });
    r->takeEnded([&](const FlowCountRecord& f) {
      if (f.inside_port != static_cast<uint16_t>(f.id)) ++bad;
    }, 64);
  }
  stop = true;
  writer.join();
  EXPECT_EQ(bad, 0u);
  EXPECT_GT(seen, 0u);
}

}  // namespace
}  // namespace netsim::nat
