#include "netsim/flowlog/aggregator.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "netsim/analysis/route_lookup.h"
#include "netsim/model/security_membership.h"

namespace netsim::flowlog {
namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

int64_t seconds(int64_t ms) { return ms / 1000; }

}  // namespace

std::vector<Stream> streamsOf(const model::Model& m) {
  std::vector<Stream> out;
  const auto enis = model::networkInterfaces(m);
  for (const auto& f : m.flow_logs) {
    for (const auto& eni : enis) {
      if (!model::flowLogCovers(f, eni)) continue;
      Stream s;
      s.log = &f;
      s.eni = eni;
      s.ids.interface_id = eni.id;
      s.ids.vpc_id = eni.vpc.empty() ? "" : model::vpcIdOf(m, eni.vpc);
      s.ids.subnet_id = eni.subnet.empty() ? "" : model::subnetIdOf(m, eni.subnet);
      s.ids.instance_id = eni.instance_id;
      s.ids.az_id = eni.az.empty() ? "" : model::azIdOf(m, eni.az);
      s.ids.region = m.region;
      s.ids.account_id = model::kLabAccountId;
      s.file = f.name + "/" + eni.id + ".log";
      out.push_back(std::move(s));
    }
  }
  return out;
}

Aggregator::Aggregator(const model::Model& m, int64_t now_ms, const std::string& only_node)
    : m_(m), enis_(model::networkInterfaces(m)), streams_(streamsOf(m)) {
  if (!only_node.empty()) std::erase_if(streams_, [&](const Stream& s) { return s.eni.node != only_node; });
  state_.resize(streams_.size());
  for (auto& s : state_) s.interval_start_ms = now_ms;
  for (auto a : model::securityGroupExemptAddresses(m)) not_logged_.insert(a);
}

std::vector<std::string> Aggregator::nodes() const {
  std::vector<std::string> out;
  for (const auto& s : streams_) {
    if (std::find(out.begin(), out.end(), s.eni.node) == out.end()) out.push_back(s.eni.node);
  }
  return out;
}

int64_t aggregationIntervalMs(const model::Model& m, const model::FlowLog& f) {
  const double ms = f.max_aggregation_interval_s * 1000.0 * m.time_factor;
  return std::max<int64_t>(100, static_cast<int64_t>(ms));
}

int64_t Aggregator::intervalMs(const Stream& s) const { return aggregationIntervalMs(m_, *s.log); }

const model::NetworkInterface* Aggregator::interfaceOwning(const common::IpAddress& a) const {
  if (a.isV6()) {
    for (const auto& e : enis_) {
      if (e.ipv6 && *e.ipv6 == a.v6()) return &e;
    }
    return nullptr;
  }
  for (const auto& e : enis_) {
    if (e.owns(a.v4())) return &e;
  }
  return nullptr;
}

// The interface of `node` the flow passes: the one holding either address, else (a node with
// one interface forwarding for others) its only one.
const model::NetworkInterface* Aggregator::interfaceFor(const std::string& node, const FlowKey& k) const {
  const model::NetworkInterface* only = nullptr;
  int count = 0;
  for (const auto& e : enis_) {
    if (e.node != node) continue;
    ++count;
    only = &e;
    for (const auto* a : {&k.src, &k.dst}) {
      if (a->isV6() ? (e.ipv6 && *e.ipv6 == a->v6()) : e.owns(a->v4())) return &e;
    }
  }
  return count == 1 ? only : nullptr;
}

// AWS does not log traffic to and from the Amazon DNS server and the VPC router, the instance
// metadata, time sync and link-local DNS addresses, nor what never leaves the instance. Other
// link-local addresses are logged: a regional NAT gateway's presences use 169.254.192.0/18.
bool Aggregator::notLogged(const FlowKey& k) const {
  static const auto loopback6 = common::Ipv6Address::parse("::1").value_or(common::Ipv6Address());
  auto local = [this](const common::IpAddress& a) {
    if (a.isV6()) return a.v6() == loopback6;
    const uint32_t v = a.v4().value();
    const bool aws_link_local = v == 0xa9fea9fe || v == 0xa9fea97b || v == 0xa9fea9fd;  // .254 .123 .253
    return (v >> 24) == 127 || aws_link_local || not_logged_.count(a) > 0;
  };
  // A node talking to its own address never leaves it (the kernel sends it over loopback).
  return local(k.src) || local(k.dst) || k.src == k.dst;
}

namespace {
size_t mix(size_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }
size_t mix(size_t h, const common::IpAddress& a) {
  if (!a.isV6()) return mix(h, a.v4().value());
  const auto v6 = a.v6();
  for (uint8_t b : v6.bytes()) h = mix(h, b);
  return mix(h, 6);
}
}  // namespace

size_t Aggregator::ObservedHash::operator()(const Observed& o) const {
  size_t h = 0xcbf29ce484222325ull;
  h = mix(h, (uint64_t{o.key.protocol} << 32) | (uint64_t{o.key.src_port} << 16) | o.key.dst_port);
  h = mix(mix(h, o.key.src), o.key.dst);
  h = mix(mix(h, o.pkt_src), o.pkt_dst);
  return mix(h, (o.ingress ? 2u : 0u) | static_cast<unsigned>(o.action));
}

void Aggregator::add(const model::NetworkInterface& eni, const Observed& o, Counter c, uint8_t flags, int64_t now_ms,
                     int64_t start_ms) {
  for (size_t i = 0; i < streams_.size(); ++i) {
    const auto& s = streams_[i];
    if (s.eni.id != eni.id || !s.log->logs(o.action == Action::kAccept)) continue;
    auto& b = state_[i].buckets[o];
    // A flow that began before this interval was first seen in it at its start, at the latest.
    if (b.count.packets == 0 && b.flags == 0) {
      b.first_ms = start_ms > 0 ? std::clamp(start_ms, state_[i].interval_start_ms, now_ms) : now_ms;
    }
    b.last_ms = now_ms;
    b.count.packets += c.packets;
    b.count.bytes += c.bytes;
    b.flags |= flags;
  }
}

namespace {
bool ownedBy(const model::NetworkInterface& eni, const common::IpAddress& a) {
  return a.isV6() ? (eni.ipv6 && *eni.ipv6 == a.v6()) : eni.owns(a.v4());
}
// The interface's own address of a's family (AWS writes it where a packet passes through).
common::IpAddress ownAddress(const model::NetworkInterface& eni, const common::IpAddress& a) {
  if (ownedBy(eni, a)) return a;
  if (a.isV6() && eni.ipv6) return *eni.ipv6;
  return eni.addresses.empty() ? a : common::IpAddress(eni.addresses.front());
}
FlowKey reversed(const FlowKey& k) { return {k.protocol, k.dst, k.src, k.dst_port, k.src_port}; }
}  // namespace

// AWS: srcaddr is the interface's own address for traffic leaving it, dstaddr for traffic
// arriving; pkt-srcaddr and pkt-dstaddr are the packet's. At an instance they are the same.
void Aggregator::addDirection(const model::NetworkInterface& eni, const FlowKey& arrived, const FlowKey& left,
                              Counter c, uint8_t flags, int64_t now_ms, int64_t start_ms) {
  if (ownedBy(eni, arrived.src)) {  // sent from here
    add(eni, {left, left.src, left.dst, false, Action::kAccept}, c, flags, now_ms, start_ms);
    return;
  }
  if (ownedBy(eni, arrived.dst) && arrived == left) {  // received here
    add(eni, {arrived, arrived.src, arrived.dst, true, Action::kAccept}, c, flags, now_ms, start_ms);
    return;
  }
  // Forwarded (a NAT gateway or instance, a middlebox): in as one record, out as another.
  FlowKey in = arrived, out = left;
  const bool same_family = arrived.dst.isV6() == left.src.isV6();
  in.dst = ownAddress(eni, same_family && ownedBy(eni, left.src) ? left.src : arrived.dst);
  out.src = ownAddress(eni, left.src);
  // Translated between families (NAT64): counted as IPv4, so the IPv6 side's packets are each
  // 20 bytes longer (the IPv6 header is 40 bytes, the IPv4 one 20; no options either side).
  Counter in_count = c, out_count = c;
  if (arrived.src.isV6() != left.src.isV6()) (arrived.src.isV6() ? in_count : out_count).bytes += 20 * c.packets;
  add(eni, {in, arrived.src, arrived.dst, true, Action::kAccept}, in_count, flags, now_ms, start_ms);
  add(eni, {out, left.src, left.dst, false, Action::kAccept}, out_count, flags, now_ms, start_ms);
}

void Aggregator::tracked(const std::string& node, const TrackedFlow& f, int64_t now_ms, bool ended) {
  auto node_at = reported_.find(node);
  if (node_at == reported_.end()) node_at = reported_.emplace(node, std::unordered_map<uint64_t, Reported>{}).first;
  auto& reported = node_at->second;
  if (notLogged(f.original) || notLogged(f.reply)) {
    if (ended) reported.erase(f.id);
    return;
  }
  const auto* eni = interfaceFor(node, f.original);
  if (!eni) eni = interfaceFor(node, f.reply);
  if (!eni) {
    ++unattributed_;
    if (ended) reported.erase(f.id);
    return;
  }
  auto& r = reported[f.id];
  auto delta = [](const Counter& now, const Counter& before) {
    return Counter{now.packets >= before.packets ? now.packets - before.packets : now.packets,
                   now.bytes >= before.bytes ? now.bytes - before.bytes : now.bytes};
  };
  const Counter orig = delta(f.original_count, r.original), reply = delta(f.reply_count, r.reply);
  // Flags count in the interval they were first seen in (AWS reports SYN, SYN-ACK, FIN, RST).
  const uint8_t orig_flags = f.original_flags & ~r.original_flags, reply_flags = f.reply_flags & ~r.reply_flags;
  // Conntrack's reply tuple is the reply as it arrives; a translated flow leaves as the reverse
  // of the other tuple.
  if (orig.packets) addDirection(*eni, f.original, reversed(f.reply), orig, orig_flags, now_ms, f.start_ms);
  if (reply.packets) addDirection(*eni, f.reply, reversed(f.original), reply, reply_flags, now_ms, f.start_ms);
  r.original = f.original_count;
  r.reply = f.reply_count;
  if (orig.packets) r.original_flags |= orig_flags;
  if (reply.packets) r.reply_flags |= reply_flags;
  if (ended) reported.erase(f.id);
}

void Aggregator::rejected(const std::string& node, const RejectedPacket& p, int64_t now_ms) {
  if (notLogged(p.key)) return;
  const model::NetworkInterface* eni = nullptr;
  switch (p.point) {
    case RejectPoint::kSgInbound:
    case RejectPoint::kSgOutbound:
    case RejectPoint::kSgForwardInbound:
    case RejectPoint::kSgForwardOutbound:
      eni = interfaceFor(node, p.key);
      break;
    case RejectPoint::kNaclOutbound:  // leaving its subnet: the sender's interface
      eni = interfaceOwning(p.key.src);
      break;
    case RejectPoint::kNaclInbound:  // entering its subnet: the receiver's
      eni = interfaceOwning(p.key.dst);
      break;
  }
  if (!eni) {
    ++unattributed_;
    return;
  }
  Observed o{p.key, p.key.src, p.key.dst, !ownedBy(*eni, p.key.src), Action::kReject};
  if (o.ingress && !ownedBy(*eni, p.key.dst)) o.key.dst = ownAddress(*eni, p.key.dst);  // refused on its way through
  add(*eni, o, Counter{1, p.bytes}, p.tcp_flags, now_ms);
}

void Aggregator::skipped(const std::string& node, int64_t now_ms) {
  (void)now_ms;
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i].eni.node == node) state_[i].skipped = true;
  }
}

// AWS's traffic-path of an egress record: what the interface's route table sends it through.
std::optional<int> Aggregator::trafficPath(const model::NetworkInterface& eni, const FlowKey& k) const {
  const model::Subnet* subnet = eni.subnet.empty() ? nullptr : m_.findSubnet(eni.subnet);
  if (!subnet) return std::nullopt;
  const auto& table = m_.routeTableOf(*subnet);
  auto peering = [this](const std::string& name) {
    const auto* p = m_.findPeering(name);
    const auto* a = p ? m_.findVpc(p->requester) : nullptr;
    const auto* b = p ? m_.findVpc(p->accepter) : nullptr;
    return a && b && a->region != b->region ? 5 : 4;
  };
  if (k.dst.isV6()) {
    const auto* route = analysis::longestPrefixMatch6(table.routes6, k.dst.v6());
    if (!route) return std::nullopt;
    switch (route->kind) {
      case model::Route6Target::kInternetGateway:
      case model::Route6Target::kEgressOnlyInternetGateway: return 8;
      case model::Route6Target::kPeeringConnection: return peering(route->target);
      case model::Route6Target::kBlackhole: return std::nullopt;
      default: return 1;
    }
  }
  const auto* route = analysis::longestPrefixMatch(table.routes, k.dst.v4());
  if (!route) return std::nullopt;
  switch (route->kind) {
    case model::TargetKind::kInternetGateway: return 8;  // Nitro instances: 8, not 2
    case model::TargetKind::kGatewayEndpoint: return 7;
    case model::TargetKind::kPeeringConnection: return peering(route->target);
    case model::TargetKind::kBlackhole: return std::nullopt;
    default: return 1;  // local, NAT gateway, instance, transit gateway: a resource in the VPC
  }
}

Record Aggregator::recordOf(const Stream& s, const Observed& o, const Bucket& b) const {
  Record r;
  r.ids = s.ids;
  r.key = o.key;
  r.pkt_src = o.pkt_src;
  r.pkt_dst = o.pkt_dst;
  r.packets = b.count.packets;
  r.bytes = b.count.bytes;
  r.start = seconds(b.first_ms);
  r.end = seconds(b.last_ms);
  r.action = o.action;
  r.tcp_flags = b.flags;
  r.ingress = o.ingress;
  if (!r.ingress) r.traffic_path = trafficPath(s.eni, FlowKey{o.key.protocol, o.pkt_src, o.pkt_dst, 0, 0});
  for (const auto& svc : m_.internet.services) {
    if (!o.pkt_src.isV6() && svc.cidr.contains(o.pkt_src.v4())) r.pkt_src_service = upper(svc.name);
    if (!o.pkt_dst.isV6() && svc.cidr.contains(o.pkt_dst.v4())) r.pkt_dst_service = upper(svc.name);
  }
  return r;
}

void Aggregator::writeNoData(size_t index, std::vector<std::pair<size_t, std::string>>& out) {
  auto& st = state_[index];
  if (st.idle_since_ms < 0) return;
  Record r;
  r.ids = streams_[index].ids;
  r.status = LogStatus::kNoData;
  r.start = seconds(st.idle_since_ms);
  r.end = seconds(st.idle_until_ms);
  out.emplace_back(index, formatRecord(r, streams_[index].log->format));
  st.idle_since_ms = -1;
}

void Aggregator::closeInterval(size_t index, int64_t end_ms, std::vector<std::pair<size_t, std::string>>& out) {
  auto& st = state_[index];
  const auto& s = streams_[index];
  if (st.buckets.empty() && !st.skipped) {
    if (st.idle_since_ms < 0) st.idle_since_ms = st.interval_start_ms;
    st.idle_until_ms = end_ms;
    // AWS writes a NODATA record per idle interval. A lab on AWS's clock does too; a scaled
    // one (a 0.6 s interval) writes one per idle run instead, or it would fill /run.
    if (intervalMs(s) >= kNoDataEachIntervalMs) writeNoData(index, out);
  } else {
    writeNoData(index, out);
    // A direction refused on the way (a network ACL dropping what the interface sent) is logged
    // as REJECT, not also as ACCEPT: conntrack counted it as it left.
    std::vector<const std::pair<const Observed, Bucket>*> sorted;  // records in a stable order
    sorted.reserve(st.buckets.size());
    for (const auto& entry : st.buckets) sorted.push_back(&entry);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* entry : sorted) {
      const auto& [o, bucket] = *entry;
      if (o.action == Action::kAccept) {
        Observed refused = o;
        refused.action = Action::kReject;
        if (st.buckets.count(refused)) continue;
      }
      out.emplace_back(index, formatRecord(recordOf(s, o, bucket), s.log->format));
    }
    if (st.skipped) {  // as AWS: what was collected, and a record saying some was lost
      Record r;
      r.ids = s.ids;
      r.status = LogStatus::kSkipData;
      r.start = seconds(st.interval_start_ms);
      r.end = seconds(end_ms);
      out.emplace_back(index, formatRecord(r, s.log->format));
    }
  }
  st.buckets.clear();
  st.skipped = false;
  st.interval_start_ms = end_ms;
}

int64_t Aggregator::nextBoundaryMs() const {
  int64_t next = INT64_MAX;
  for (size_t i = 0; i < streams_.size(); ++i) {
    next = std::min(next, state_[i].interval_start_ms + intervalMs(streams_[i]));
  }
  return next;
}

std::vector<std::pair<size_t, std::string>> Aggregator::flush(int64_t now_ms, bool final) {
  std::vector<std::pair<size_t, std::string>> out;
  for (size_t i = 0; i < streams_.size(); ++i) {
    auto& st = state_[i];
    const int64_t len = intervalMs(streams_[i]);
    while (st.interval_start_ms + len <= now_ms) closeInterval(i, st.interval_start_ms + len, out);
    if (final) {
      if (!st.buckets.empty() || st.skipped) closeInterval(i, now_ms, out);
      writeNoData(i, out);
    } else if (st.idle_since_ms >= 0 && st.idle_until_ms - st.idle_since_ms >= 100 * len) {
      writeNoData(i, out);  // a long idle run is still reported now and then
    }
  }
  return out;
}

}  // namespace netsim::flowlog
