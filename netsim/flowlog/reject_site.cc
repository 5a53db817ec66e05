#include "netsim/flowlog/reject_site.h"

#include <algorithm>

#include "netsim/analysis/security.h"

namespace netsim::flowlog {
namespace {

uint8_t protocolNumber(model::Protocol p, bool ipv6) {
  switch (p) {
    case model::Protocol::kTcp: return 6;
    case model::Protocol::kUdp: return 17;
    case model::Protocol::kIcmp: return ipv6 ? 58 : 1;  // `icmp` of an IPv6 rule is ICMPv6
    case model::Protocol::kAll: return 0;
  }
  return 0;
}

bool owns(const model::NetworkInterface& e, const common::IpAddress& a) {
  return a.isV6() ? (e.ipv6 && *e.ipv6 == a.v6()) : e.owns(a.v4());
}

const model::NetworkInterface* owning(const std::vector<model::NetworkInterface>& enis, const common::IpAddress& a) {
  for (const auto& e : enis) {
    if (owns(e, a)) return &e;
  }
  return nullptr;
}

const model::NetworkInterface* ofNode(const std::vector<model::NetworkInterface>& enis, const std::string& node,
                                      const common::IpAddress& a, const common::IpAddress& b) {
  const model::NetworkInterface* first = nullptr;
  for (const auto& e : enis) {
    if (e.node != node) continue;
    if (owns(e, a) || owns(e, b)) return &e;
    if (!first) first = &e;
  }
  return first;
}

std::string field(const ReadRecord& r, const char* name) {
  auto it = r.fields.find(name);
  return it == r.fields.end() ? "" : it->second;
}

}  // namespace

std::optional<RejectSite> rejectSiteOf(const model::Model& m, const analysis::PathResult& r) {
  using analysis::Blocked;
  const bool reply = r.blocked == Blocked::kNone;
  const Blocked code = reply ? r.reply_blocked : r.blocked;
  if (code != Blocked::kSecurityGroup && code != Blocked::kNacl) return std::nullopt;
  const auto& hops = reply ? r.reply_hops : r.hops;
  if (hops.empty()) return std::nullopt;
  const std::string& at = reply ? r.reply_blocked_at : r.blocked_at;
  // The packet as the refusing node got it: as the hop before it sent it on (a hop lists the
  // packet leaving it), or the sender's own when the sender refuses it.
  auto refusing = std::find_if(hops.begin(), hops.end(), [&](const analysis::Hop& h) { return h.node == at; });
  const analysis::Hop& pkt = refusing == hops.end()     ? hops.back()
                             : refusing == hops.begin() ? *refusing
                                                        : *(refusing - 1);
  // An IPv6 hop carries its addresses apart (src/dst then hold the ports only). The family is the
  // hop's: an IPv6 probe refused beyond a NAT64 gateway is refused as IPv4.
  const bool v6 = pkt.src6 && pkt.dst6;
  const common::IpAddress src = v6 ? common::IpAddress(*pkt.src6) : common::IpAddress(pkt.src.address);
  const common::IpAddress dst = v6 ? common::IpAddress(*pkt.dst6) : common::IpAddress(pkt.dst.address);
  const auto enis = model::networkInterfaces(m);
  const model::NetworkInterface* eni = nullptr;
  if (code == Blocked::kSecurityGroup) {
    eni = ofNode(enis, at, src, dst);
  } else {
    const auto* sender = owning(enis, src);
    const auto proto = r.query.protocol;
    const bool leaving_denied =
        sender && !(v6 ? analysis::checkNetworkAcl6(m, sender->subnet, false, {proto, dst.v6(), pkt.dst.port})
                       : analysis::checkNetworkAcl(m, sender->subnet, false, {proto, dst.v4(), pkt.dst.port}))
                       .allowed;
    eni = leaving_denied ? sender : owning(enis, dst);
  }
  if (!eni) return std::nullopt;
  RejectSite s;
  s.eni = *eni;
  s.packet = {protocolNumber(r.query.protocol, v6), src, dst, 0, pkt.dst.port};
  s.reply = reply;
  return s;
}

std::vector<const model::FlowLog*> rejectLogsOf(const model::Model& m, const model::NetworkInterface& eni) {
  std::vector<const model::FlowLog*> out;
  for (const auto& f : m.flow_logs) {
    if (f.logs(false) && model::flowLogCovers(f, eni)) out.push_back(&f);
  }
  return out;
}

bool recordsRejectAt(const ReadRecord& r, const RejectSite& site) {
  if (r.stream->eni.id != site.eni.id || field(r, "action") != "REJECT") return false;
  if (field(r, "protocol") != std::to_string(site.packet.protocol)) return false;
  const std::string src = field(r, "pkt-srcaddr").empty() ? field(r, "srcaddr") : field(r, "pkt-srcaddr");
  const std::string dst = field(r, "pkt-dstaddr").empty() ? field(r, "dstaddr") : field(r, "pkt-dstaddr");
  if (src != site.packet.src.str() || dst != site.packet.dst.str()) return false;
  const bool ports = site.packet.protocol == 6 || site.packet.protocol == 17;
  return !ports || field(r, "dstport") == std::to_string(site.packet.dst_port);
}

std::string describeRecord(const ReadRecord& r) {
  const std::string proto = field(r, "protocol");
  const std::string name = proto == "6" ? "tcp/" + field(r, "dstport")
                           : proto == "17" ? "udp/" + field(r, "dstport")
                           : proto == "1" ? "icmp" : proto == "58" ? "icmpv6" : "protocol " + proto;
  const std::string packets = field(r, "packets");
  return field(r, "action") + " on " + r.stream->eni.id + " (" + r.stream->eni.node + ") in " + r.stream->log->name +
         ": " + field(r, "srcaddr") + " -> " + field(r, "dstaddr") + " " + name + ", " + packets +
         (packets == "1" ? " packet" : " packets");
}

}  // namespace netsim::flowlog
