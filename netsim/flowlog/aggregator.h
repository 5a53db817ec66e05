#pragma once
// Observations → flow log records. The collector (flowcollect/) reads what the kernel already
// knows in each node's namespace: conntrack entries with their packet and byte counters
// (accepted flows), and the packets the security group and network ACL rules refuse (logged to
// an NFLOG group). This turns them into one record per direction of a flow per interface per
// aggregation interval, for every flow log that covers the interface. Pure: time is an argument.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include "netsim/flowlog/record.h"
#include "netsim/model/model.h"
#include "netsim/model/network_interface.h"

namespace netsim::flowlog {

using model::RejectPoint;
using model::kRejectLogGroup;

struct Counter {
  uint64_t packets = 0, bytes = 0;
};

// A conntrack entry as read in a node's namespace (a dump or an event).
struct TrackedFlow {
  uint64_t id = 0;            // conntrack's id, or a NAT gateway's session serial
  FlowKey original, reply;    // conntrack's tuples: the first packet's, and its replies'
  Counter original_count, reply_count;  // totals so far (of the IPv4 form where a flow changes family)
  uint8_t original_flags = 0, reply_flags = 0;  // TCP flags seen so far (tcp_flag), as inferred
  int64_t start_ms = 0;  // when its first packet came, Unix ms (0: not known; then when it is read)
};

struct RejectedPacket {
  RejectPoint point = RejectPoint::kSgInbound;
  FlowKey key;
  uint32_t bytes = 0;
  uint8_t tcp_flags = 0;
};

// One log destination: a flow log's records of one interface (one CloudWatch log stream).
struct Stream {
  const model::FlowLog* log = nullptr;
  model::NetworkInterface eni;
  InterfaceIds ids;
  std::string file;  // relative to the lab's flow log directory: <flow log>/<eni id>.log
};
// The streams of a model: each flow log times each interface it covers.
std::vector<Stream> streamsOf(const model::Model& m);
// A flow log's aggregation interval in the lab: AWS's times the time factor (at least 100 ms).
int64_t aggregationIntervalMs(const model::Model& m, const model::FlowLog& f);
// Intervals at least this long (AWS's own, time factor 1) get a NODATA record each when idle;
// shorter ones one per run of idle intervals.
inline constexpr int64_t kNoDataEachIntervalMs = 60'000;

class Aggregator {
 public:
  // `now_ms`: when collection starts (the first interval's start), Unix milliseconds.
  // `only_node`: the streams of that node's interfaces alone ("" = every stream of `m`).
  Aggregator(const model::Model& m, int64_t now_ms, const std::string& only_node = "");

  const std::vector<Stream>& streams() const { return streams_; }
  // Nodes whose namespace holds a logged interface (where the collector listens).
  std::vector<std::string> nodes() const;
  // The length of a stream's aggregation interval in the lab: AWS's times the time factor.
  int64_t intervalMs(const Stream& s) const;

  // A conntrack entry of `node`'s namespace; `ended`: its destroy event (final counters).
  void tracked(const std::string& node, const TrackedFlow& f, int64_t now_ms, bool ended);
  // A packet a rule of `node`'s namespace refused.
  void rejected(const std::string& node, const RejectedPacket& p, int64_t now_ms);
  // Events of `node` were lost (a full socket buffer): its streams report SKIPDATA.
  void skipped(const std::string& node, int64_t now_ms);

  // Lines of the intervals that ended by `now_ms` (every open one when `final`), in stream
  // order: (stream index, record text).
  std::vector<std::pair<size_t, std::string>> flush(int64_t now_ms, bool final);

  // When the next interval of any stream ends (what the collector waits for).
  int64_t nextBoundaryMs() const;
  uint64_t unattributed() const { return unattributed_; }
  // Whether an interface this aggregator logs has the address.
  bool logs(const common::IpAddress& a) const { return interfaceOwning(a) != nullptr; }

 private:
  // One record's identity: the addresses at the interface, the packet's own, and which way.
  struct Observed {
    FlowKey key;
    common::IpAddress pkt_src, pkt_dst;
    bool ingress = false;
    Action action = Action::kAccept;
    auto operator<=>(const Observed&) const = default;
    bool operator==(const Observed&) const = default;
  };
  // Buckets and reported counts are hashed: a connection flood puts hundreds of thousands of
  // flows in one interval, and each is looked up at every read.
  struct ObservedHash {
    size_t operator()(const Observed& o) const;
  };
  struct Bucket {
    Counter count;
    int64_t first_ms = 0, last_ms = 0;
    uint8_t flags = 0;
  };
  struct StreamState {
    int64_t interval_start_ms = 0;
    std::unordered_map<Observed, Bucket, ObservedHash> buckets;
    bool skipped = false;
    int64_t idle_since_ms = -1;  // start of a run of idle intervals (one NODATA record for the run)
    int64_t idle_until_ms = 0;
  };
  struct Reported {
    Counter original, reply;
    uint8_t original_flags = 0, reply_flags = 0;
  };

  const model::NetworkInterface* interfaceFor(const std::string& node, const FlowKey& k) const;
  const model::NetworkInterface* interfaceOwning(const common::IpAddress& a) const;
  // `start_ms`: when the flow began, if known (0: at `now_ms`, when it was read).
  void add(const model::NetworkInterface& eni, const Observed& o, Counter c, uint8_t flags, int64_t now_ms,
           int64_t start_ms = 0);
  // One direction of a tracked flow: the packet as it arrived at the node and as it left it
  // (they differ where the node translates); one record, or two where the node forwards.
  void addDirection(const model::NetworkInterface& eni, const FlowKey& arrived, const FlowKey& left, Counter c,
                    uint8_t flags, int64_t now_ms, int64_t start_ms);
  bool notLogged(const FlowKey& k) const;
  Record recordOf(const Stream& s, const Observed& o, const Bucket& b) const;
  std::optional<int> trafficPath(const model::NetworkInterface& eni, const FlowKey& k) const;
  void closeInterval(size_t index, int64_t end_ms, std::vector<std::pair<size_t, std::string>>& out);
  void writeNoData(size_t index, std::vector<std::pair<size_t, std::string>>& out);

  const model::Model& m_;
  std::vector<model::NetworkInterface> enis_;
  std::vector<Stream> streams_;
  std::vector<StreamState> state_;
  std::set<common::IpAddress> not_logged_;  // the VPC router and DNS addresses (AWS logs neither)
  std::map<std::string, std::unordered_map<uint64_t, Reported>, std::less<>> reported_;  // node -> flow id ->
  uint64_t unattributed_ = 0;
};

}  // namespace netsim::flowlog
