// The flow log messages' JSON: the collector's stats.
#include "netsim/control/messages.h"

namespace netsim::control {

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

}  // namespace netsim::control
