// NAT engine throughput and memory, and the NAT64 translator over it.
//   nat_bench --benchmark_filter=...      (Release build: cmake -DCMAKE_BUILD_TYPE=Release)
// Warm-table benchmarks pre-create N flows, then translate packets of flows visited in a random
// order (a fresh flow per packet: for 1 M flows nearly every lookup misses the CPU caches).
// The harness cost per packet is two stores into a scratch header (the engine does not verify
// incoming checksums, so the header need not be re-checksummed).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "netsim/nat/engine.h"
#include "netsim/nat/nat64.h"
#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"

namespace netsim::nat {
namespace {

using packet::store16;
using packet::store32;

constexpr uint32_t kPublic = 0xc0000201;  // 192.0.2.1

struct Flow {
  uint32_t in_addr, rem_addr;
  uint16_t in_port, rem_port, ext_port, pad;
};

struct Table {
  std::unique_ptr<Engine> engine;
  std::vector<Flow> order;  // flows in visiting order (random permutation)
  size_t memory = 0;
};

// aws: one public address (APDM reuses ports per destination). rfc: EIM needs a public port per
// inside endpoint, so 32 public addresses (2 M ports) carry the 1 M-flow table.
Config profileFor(int profile) {
  if (profile == 0) return profiles::awsNatGateway({common::Ipv4Address(kPublic)});
  std::vector<common::Ipv4Address> pool;
  for (uint32_t i = 0; i < 32; ++i) pool.emplace_back(kPublic + i);
  return profiles::rfc(pool);
}

// N UDP flows from 10.x.y.z hosts (64 source ports each) to `destinations` remote endpoints.
Table& warmTable(size_t flows, int profile, size_t destinations) {
  static std::map<std::tuple<size_t, int, size_t>, Table> cache;
  auto key = std::make_tuple(flows, profile, destinations);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  Table& t = cache[key];
  Config c = profileFor(profile);
  c.max_sessions = 1u << 24;
  t.engine = std::move(Engine::create(c, SplitMix64(42)).value());
  std::mt19937_64 rng(7);
  std::vector<uint8_t> pkt(64);
  t.order.reserve(flows);
  for (size_t i = 0; i < flows; ++i) {
    Flow f{};
    f.in_addr = 0x0a000000u + static_cast<uint32_t>(i / 64) + 1;
    f.in_port = static_cast<uint16_t>(10000 + i % 64);
    size_t d = destinations == 0 ? i : i % destinations;
    f.rem_addr = 0xc6000000u + static_cast<uint32_t>(d * 2654435761u % 0x00ffffffu);
    f.rem_port = static_cast<uint16_t>(443 + d % 7);
    size_t n = packet::buildUdp(pkt, f.in_addr, f.in_port, f.rem_addr, f.rem_port);
    Verdict v = t.engine->process(Direction::kInToOut, {pkt.data(), n}, Nanos(0));
    if (v.action != Action::kForward) {
      std::fprintf(stderr, "warm table: flow %zu not set up (%s)\n", i,
                   std::string(dropReasonName(v.reason)).c_str());
      std::abort();
    }
    f.ext_port = packet::load16(pkt.data() + 20);
    t.order.push_back(f);
  }
  std::shuffle(t.order.begin(), t.order.end(), rng);
  t.memory = t.engine->memoryBytes();
  return t;
}

void reportTable(benchmark::State& state, const Table& t) {
  state.counters["flows"] = static_cast<double>(t.order.size());
  state.counters["bytes_per_flow"] =
      static_cast<double>(t.memory) / static_cast<double>(t.order.size());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// One packet per call to process().
void BM_WarmTranslate(benchmark::State& state) {
  Table& t = warmTable(static_cast<size_t>(state.range(0)), static_cast<int>(state.range(1)), 0);
  std::vector<uint8_t> pkt(64);
  const bool inbound = state.range(2) != 0;
  size_t len = packet::buildUdp(pkt, 0, 0, 0, 0, std::vector<uint8_t>(18));
  size_t i = 0;
  const size_t n = t.order.size();
  for (auto _ : state) {
    const Flow& f = t.order[i];
    if (++i == n) i = 0;
    if (inbound) {
      store32(pkt.data() + 12, f.rem_addr);
      store32(pkt.data() + 16, kPublic);
      store16(pkt.data() + 20, f.rem_port);
      store16(pkt.data() + 22, f.ext_port);
    } else {
      store32(pkt.data() + 12, f.in_addr);
      store32(pkt.data() + 16, f.rem_addr);
      store16(pkt.data() + 20, f.in_port);
      store16(pkt.data() + 22, f.rem_port);
    }
    Verdict v = t.engine->process(inbound ? Direction::kOutToIn : Direction::kInToOut,
                                  {pkt.data(), len}, Nanos(1'000'000));
    benchmark::DoNotOptimize(v);
  }
  reportTable(state, t);
}

// Bursts through processBatch() (what an AF_PACKET ring reader would do).
void BM_WarmTranslateBatch(benchmark::State& state) {
  Table& t = warmTable(static_cast<size_t>(state.range(0)), static_cast<int>(state.range(1)), 0);
  const size_t kBurst = static_cast<size_t>(state.range(3));
  const bool inbound = state.range(2) != 0;
  std::vector<std::vector<uint8_t>> bufs(kBurst, std::vector<uint8_t>(64));
  std::vector<Engine::BatchItem> items(kBurst);
  size_t len = 0;
  for (size_t k = 0; k < kBurst; ++k) {
    len = packet::buildUdp(bufs[k], 0, 0, 0, 0, std::vector<uint8_t>(18));
    items[k].packet = {bufs[k].data(), len};
    items[k].dir = inbound ? Direction::kOutToIn : Direction::kInToOut;
  }
  size_t i = 0;
  const size_t n = t.order.size();
  for (auto _ : state) {
    for (size_t k = 0; k < kBurst; ++k) {
      const Flow& f = t.order[i];
      if (++i == n) i = 0;
      uint8_t* p = bufs[k].data();
      if (inbound) {
        store32(p + 12, f.rem_addr);
        store32(p + 16, kPublic);
        store16(p + 20, f.rem_port);
        store16(p + 22, f.ext_port);
      } else {
        store32(p + 12, f.in_addr);
        store32(p + 16, f.rem_addr);
        store16(p + 20, f.in_port);
        store16(p + 22, f.rem_port);
      }
    }
    t.engine->processBatch(items, Nanos(1'000'000));
    benchmark::DoNotOptimize(items.data());
  }
  reportTable(state, t);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kBurst));
}

// New-flow setup: every packet is the first of a new flow (lookup miss, port allocation,
// index inserts, wheel insert, amortised table growth). A fresh engine per run.
void BM_NewFlowSetup(benchmark::State& state) {
  Config c = profileFor(static_cast<int>(state.range(0)));
  c.max_sessions = 1u << 24;
  auto engine = std::move(Engine::create(c, SplitMix64(42)).value());
  std::vector<uint8_t> pkt(64);
  size_t len = packet::buildUdp(pkt, 0, 0, 0, 0, std::vector<uint8_t>(18));
  uint64_t i = 0;
  for (auto _ : state) {
    store32(pkt.data() + 12, 0x0a000000u + static_cast<uint32_t>(i >> 6) + 1);
    store16(pkt.data() + 20, static_cast<uint16_t>(10000 + (i & 63)));
    store32(pkt.data() + 16, 0xc6000000u + static_cast<uint32_t>(i % 50'000));
    store16(pkt.data() + 22, 443);
    ++i;
    Verdict v = engine->process(Direction::kInToOut, {pkt.data(), len}, Nanos(1'000'000));
    if (v.action != Action::kForward) state.SkipWithError("flow setup failed");
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.counters["flows"] = static_cast<double>(engine->activeSessions());
}

// Memory per flow at a given table size, for flows to distinct destinations (0) or to 1000.
void BM_MemoryPerFlow(benchmark::State& state) {
  Table& t = warmTable(static_cast<size_t>(state.range(0)), static_cast<int>(state.range(1)),
                       static_cast<size_t>(state.range(2)));
  for (auto _ : state) benchmark::DoNotOptimize(t.memory);
  state.counters["flows"] = static_cast<double>(t.order.size());
  state.counters["bytes_per_flow"] =
      static_cast<double>(t.memory) / static_cast<double>(t.order.size());
}

// ---- NAT64 ----------------------------------------------------------------------------------
// The same warm-table setup as BM_WarmTranslate (aws profile, N UDP flows of 64 source ports per
// host, each to its own remote), but the inside hosts are IPv6 and reach the remotes as
// 64:ff9b::a.b.c.d. Per packet: the IPv6 -> IPv4 (or IPv4 -> IPv6) header translation into a
// second buffer, the host-key lookup, and the engine's in2out (out2in). Compare with
// BM_WarmTranslate at the same flow count for the NAT64 / NAT44 cost ratio.
struct Table64 {
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Nat64> nat64;
  std::vector<Flow> order;
  std::vector<common::Ipv6Address> hosts;  // by Flow::in_addr
};

common::Ipv6Address host6(uint32_t i) {
  return common::Ipv6Address::fromHalves(0x20010db800010000ull, i);
}

Table64& warmTable64(size_t flows) {
  static std::map<size_t, Table64> cache;
  auto it = cache.find(flows);
  if (it != cache.end()) return it->second;
  Table64& t = cache[flows];
  Config c = profileFor(0);
  c.max_sessions = 1u << 24;
  t.engine = std::move(Engine::create(c, SplitMix64(42)).value());
  t.nat64 = std::move(Nat64::create(Nat64Config{}, *t.engine).value());
  std::mt19937_64 rng(7);
  std::vector<uint8_t> pkt(128), out(128);
  const auto prefix = common::wellKnownNat64Prefix();
  for (size_t i = 0; i < flows; ++i) {
    Flow f{};
    f.in_addr = static_cast<uint32_t>(i / 64) + 1;  // host index
    f.in_port = static_cast<uint16_t>(10000 + i % 64);
    f.rem_addr = 0xc6000000u + static_cast<uint32_t>(i * 2654435761u % 0x00ffffffu);
    f.rem_port = static_cast<uint16_t>(443 + i % 7);
    size_t n = packet::buildUdp6(pkt, host6(f.in_addr), f.in_port,
                                 common::embedIpv4(prefix, common::Ipv4Address(f.rem_addr)),
                                 f.rem_port, std::vector<uint8_t>(18));
    Nat64Result r = t.nat64->fromInside({pkt.data(), n}, out, Nanos(0));
    if (r.verdict.action != Action::kForward) {
      std::fprintf(stderr, "warm table64: flow %zu not set up (%s)\n", i,
                   std::string(dropReasonName(r.verdict.reason)).c_str());
      std::abort();
    }
    f.ext_port = packet::load16(out.data() + 20);
    t.order.push_back(f);
  }
  std::shuffle(t.order.begin(), t.order.end(), rng);
  return t;
}

void BM_Nat64WarmTranslate(benchmark::State& state) {
  Table64& t = warmTable64(static_cast<size_t>(state.range(0)));
  const bool inbound = state.range(1) != 0;
  std::vector<uint8_t> pkt(128), out(256);
  const auto prefix = common::wellKnownNat64Prefix();
  // Same 46-byte UDP datagram as BM_WarmTranslate (18 bytes of payload).
  size_t len = inbound ? packet::buildUdp(pkt, 0, 0, 0, 0, std::vector<uint8_t>(18))
                       : packet::buildUdp6(pkt, host6(1), 0, common::embedIpv4(prefix, {}), 0,
                                           std::vector<uint8_t>(18));
  size_t i = 0;
  const size_t n = t.order.size();
  for (auto _ : state) {
    const Flow& f = t.order[i];
    if (++i == n) i = 0;
    Nat64Result r;
    if (inbound) {
      store32(pkt.data() + 12, f.rem_addr);
      store32(pkt.data() + 16, kPublic);
      store16(pkt.data() + 20, f.rem_port);
      store16(pkt.data() + 22, f.ext_port);
      r = t.nat64->fromOutside({pkt.data(), len}, out, Nanos(1'000'000));
    } else {
      // Only the low 32 bits of each address vary: 2001:db8:1::<host>, 64:ff9b::<remote>.
      store32(pkt.data() + 8 + 12, f.in_addr);
      store32(pkt.data() + 24 + 12, f.rem_addr);
      store16(pkt.data() + 40, f.in_port);
      store16(pkt.data() + 42, f.rem_port);
      r = t.nat64->fromInside({pkt.data(), len}, out, Nanos(1'000'000));
    }
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["flows"] = static_cast<double>(n);
  state.counters["host_keys"] = static_cast<double>(t.nat64->hostKeys());
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

// Args: flows, inbound (0/1).
BENCHMARK(BM_Nat64WarmTranslate)
    ->ArgNames({"flows", "inbound"})
    ->Args({1'000, 0})
    ->Args({1'000, 1})
    ->Args({100'000, 0})
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1});

// Args: flows, profile (0 aws, 1 rfc), inbound (0/1).
BENCHMARK(BM_WarmTranslate)
    ->ArgNames({"flows", "rfc", "inbound"})
    ->Args({1'000, 0, 0})
    ->Args({100'000, 0, 0})
    ->Args({1'000'000, 0, 0})
    ->Args({1'000'000, 0, 1})
    ->Args({1'000, 0, 1});  // the NAT44 counterpart of BM_Nat64WarmTranslate/1000/inbound
// Args: flows, profile, inbound, burst size.
BENCHMARK(BM_WarmTranslateBatch)
    ->ArgNames({"flows", "rfc", "inbound", "burst"})
    ->Args({1'000, 0, 0, 32})
    ->Args({100'000, 0, 0, 32})
    ->Args({1'000'000, 0, 0, 32})
    ->Args({1'000'000, 0, 0, 256})
    ->Args({1'000'000, 0, 1, 256})
    ->Args({1'000'000, 1, 0, 256});
BENCHMARK(BM_NewFlowSetup)->ArgNames({"rfc"})->Arg(0)->Arg(1)->Iterations(1'000'000);
BENCHMARK(BM_MemoryPerFlow)
    ->ArgNames({"flows", "rfc", "dests"})
    ->Args({1'000'000, 0, 0})
    ->Args({1'000'000, 0, 1000})
    ->Args({1'000'000, 1, 0})
    ->Iterations(1);

}  // namespace
}  // namespace netsim::nat

BENCHMARK_MAIN();
