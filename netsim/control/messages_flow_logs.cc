// The flow log messages' JSON: the collector's stats, and the refusals the lab's collector
// hands an instance's.
#include "netsim/control/messages.h"

#include <stdexcept>

#include "netsim/control/json_values.h"

namespace netsim::control {

using nlohmann::json;

namespace {
common::IpAddress ipFrom(const json& j) {
  const auto text = j.get<std::string>();
  if (auto v4 = common::Ipv4Address::parse(text)) return *v4;
  if (auto v6 = common::Ipv6Address::parse(text)) return *v6;
  throw std::invalid_argument("'" + text + "' is not an IP address");
}
}  // namespace

void to_json(json& j, const FlowLogRefusals& r) {
  j = json::object();
  j["packets"] = json::array();
  for (const auto& p : r.packets) {
    j["packets"].push_back({{"inbound", p.inbound}, {"protocol", p.protocol}, {"src", p.src.str()},
                            {"dst", p.dst.str()}, {"src_port", p.src_port}, {"dst_port", p.dst_port},
                            {"bytes", p.bytes}, {"tcp_flags", p.tcp_flags}});
  }
}
void from_json(const json& j, FlowLogRefusals& r) {
  for (const auto& p : j.at("packets")) {
    AclRefusal a;
    using detail::integerFrom;
    a.inbound = p.at("inbound").get<bool>();
    a.protocol = static_cast<uint8_t>(integerFrom(p.at("protocol"), "protocol", 0, 255));
    a.src = ipFrom(p.at("src"));
    a.dst = ipFrom(p.at("dst"));
    a.src_port = static_cast<uint16_t>(integerFrom(p.at("src_port"), "src_port", 0, 65535));
    a.dst_port = static_cast<uint16_t>(integerFrom(p.at("dst_port"), "dst_port", 0, 65535));
    a.bytes = static_cast<uint32_t>(integerFrom(p.at("bytes"), "bytes", 0, 65535));
    a.tcp_flags = static_cast<uint8_t>(integerFrom(p.at("tcp_flags"), "tcp_flags", 0, 255));
    r.packets.push_back(a);
  }
}

void to_json(json& j, const FlowLogStats& s) {
  j = {{"namespaces", s.namespaces}, {"streams", s.streams},           {"conntrack_events", s.conntrack_events},
       {"rejected_packets", s.rejected_packets}, {"records", s.records}, {"unattributed", s.unattributed},
       {"lost", s.lost}};
}
void from_json(const json& j, FlowLogStats& s) {
  j.at("namespaces").get_to(s.namespaces);
  j.at("streams").get_to(s.streams);
  j.at("conntrack_events").get_to(s.conntrack_events);
  j.at("rejected_packets").get_to(s.rejected_packets);
  j.at("records").get_to(s.records);
  j.at("unattributed").get_to(s.unattributed);
  j.at("lost").get_to(s.lost);
}

}  // namespace netsim::control
