// The flow log messages' JSON: the collector's stats and a NAT gateway's session counts.
#include "netsim/control/json_values.h"
#include "netsim/control/messages.h"

namespace netsim::control {

using detail::addressFrom;
using detail::integerFrom;
using nlohmann::json;

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

void to_json(json& j, const NatFlowCount& c) {
  j = {{"id", c.id},
       {"proto", c.proto},
       {"inside", c.inside.str()},
       {"inside_port", c.inside_port},
       {"outside", c.outside.str()},
       {"outside_port", c.outside_port},
       {"remote", c.remote.str()},
       {"remote_port", c.remote_port},
       {"packets_out", c.packets_out},
       {"bytes_out", c.bytes_out},
       {"packets_in", c.packets_in},
       {"bytes_in", c.bytes_in},
       {"flags", c.flags}};
}
void from_json(const json& j, NatFlowCount& c) {
  j.at("id").get_to(c.id);
  c.proto = static_cast<uint8_t>(integerFrom(j.at("proto"), "proto", 0, 255));
  c.inside = addressFrom(j.at("inside"));
  c.inside_port = static_cast<uint16_t>(integerFrom(j.at("inside_port"), "inside_port", 0, 65535));
  c.outside = addressFrom(j.at("outside"));
  c.outside_port = static_cast<uint16_t>(integerFrom(j.at("outside_port"), "outside_port", 0, 65535));
  c.remote = addressFrom(j.at("remote"));
  c.remote_port = static_cast<uint16_t>(integerFrom(j.at("remote_port"), "remote_port", 0, 65535));
  j.at("packets_out").get_to(c.packets_out);
  j.at("bytes_out").get_to(c.bytes_out);
  j.at("packets_in").get_to(c.packets_in);
  j.at("bytes_in").get_to(c.bytes_in);
  c.flags = static_cast<uint8_t>(integerFrom(j.at("flags"), "flags", 0, 255));
}

void to_json(json& j, const NatFlowCounts& c) {
  j = {{"live", c.live},
       {"ended", c.ended},
       {"ended_dropped", c.ended_dropped},
       {"next_cursor", c.next_cursor},
       {"more_ended", c.more_ended}};
}
void from_json(const json& j, NatFlowCounts& c) {
  j.at("live").get_to(c.live);
  j.at("ended").get_to(c.ended);
  j.at("ended_dropped").get_to(c.ended_dropped);
  c.next_cursor = static_cast<uint32_t>(integerFrom(j.at("next_cursor"), "next_cursor", 0, UINT32_MAX));
  j.at("more_ended").get_to(c.more_ended);
}

}  // namespace netsim::control
