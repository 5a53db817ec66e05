#pragma once
// Internal to netsim_expect: judging a probe's answer and its captures against an expectation.
#include <string>
#include <vector>

#include "netsim/capture/trace.h"
#include "netsim/expect/expectations.h"
#include "netsim/probe/probe.h"

namespace netsim::expect::detail {

// "answered by client; source 203.0.113.10" / "no answer (timeout)".
std::string describeProbe(const probe::ProbeResult& p);
// The sources `source_seen` admits: any address of a NAT gateway named there (one with secondary
// addresses picks one per connection: its elastic IPs, or its private addresses when private),
// else exactly the one written. Empty when the expectation names none.
std::vector<common::Ipv4Address> acceptedSources(const model::Model& m, const model::Expectation& e);
// "203.0.113.10" or "one of 203.0.113.10, 203.0.113.11 (nat-a)".
std::string describeAccepted(const model::Model& m, const model::Expectation& e);
// Why the probe's answer contradicts the expectation ("" when it does not).
std::string judgeProbe(const model::Model& m, const model::Expectation& e, const probe::ProbeResult& p);
// Fills c's capture fields and returns why the captures contradict the expectation or the
// prediction ("" when they support both).
std::string judgeCapture(const model::Model& m, const model::Expectation& e, const capture::TraceResult& t,
                         CheckResult& c);

}  // namespace netsim::expect::detail
