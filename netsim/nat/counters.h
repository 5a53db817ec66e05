#pragma once
// Engine counters, named after the CloudWatch metrics of the AWS NAT gateway, plus one drop
// counter per DropReason ("PacketsDropCount.<Reason>").
#include <array>
#include <cstdint>
#include <string_view>

#include "netsim/nat/types.h"

namespace netsim::nat {

struct Counters {
  uint64_t active_connection_count = 0;       // gauge: live sessions (not in port cooldown)
  uint64_t connection_attempt_count = 0;      // outbound session creations attempted
  uint64_t connection_established_count = 0;  // TCP: SYN seen both ways
  uint64_t error_port_allocation = 0;
  uint64_t idle_timeout_count = 0;            // sessions ended by their idle timer
  uint64_t packets_drop_count = 0;
  uint64_t packets_in_from_source = 0;  // inside -> NAT
  uint64_t bytes_in_from_source = 0;
  uint64_t packets_out_to_destination = 0;  // NAT -> outside
  uint64_t bytes_out_to_destination = 0;
  uint64_t packets_in_from_destination = 0;  // outside -> NAT
  uint64_t bytes_in_from_destination = 0;
  uint64_t packets_out_to_source = 0;  // NAT -> inside
  uint64_t bytes_out_to_source = 0;
  uint64_t sessions_created = 0;
  uint64_t sessions_freed = 0;
  uint64_t resets_sent = 0;
  uint64_t hairpinned = 0;
  uint64_t icmp_errors_translated = 0;
  uint64_t fragments_translated = 0;
  uint64_t cooldown_reclaimed = 0;  // port-cooldown entries freed early because the table was full
  std::array<uint64_t, kDropReasonCount> drops{};  // indexed by DropReason

  uint64_t drop(DropReason reason) const { return drops[static_cast<size_t>(reason)]; }

  // Calls f(name, value) for every counter, drop reasons last as "PacketsDropCount.<Reason>".
  template <typename F>
  void forEach(F&& f) const {
    f("ActiveConnectionCount", active_connection_count);
    f("ConnectionAttemptCount", connection_attempt_count);
    f("ConnectionEstablishedCount", connection_established_count);
    f("ErrorPortAllocation", error_port_allocation);
    f("IdleTimeoutCount", idle_timeout_count);
    f("PacketsDropCount", packets_drop_count);
    f("PacketsInFromSource", packets_in_from_source);
    f("BytesInFromSource", bytes_in_from_source);
    f("PacketsOutToDestination", packets_out_to_destination);
    f("BytesOutToDestination", bytes_out_to_destination);
    f("PacketsInFromDestination", packets_in_from_destination);
    f("BytesInFromDestination", bytes_in_from_destination);
    f("PacketsOutToSource", packets_out_to_source);
    f("BytesOutToSource", bytes_out_to_source);
    f("SessionsCreated", sessions_created);
    f("SessionsFreed", sessions_freed);
    f("ResetsSent", resets_sent);
    f("Hairpinned", hairpinned);
    f("IcmpErrorsTranslated", icmp_errors_translated);
    f("FragmentsTranslated", fragments_translated);
    f("CooldownReclaimed", cooldown_reclaimed);
    for (size_t i = 1; i < kDropReasonCount; ++i) f(kDropCounterNames[i], drops[i]);
  }

  static const std::array<std::string_view, kDropReasonCount> kDropCounterNames;
};

}  // namespace netsim::nat
