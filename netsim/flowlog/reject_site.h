#pragma once
// Where flow logs record a refused path, as AWS writes it: a security group refuses at the
// interface it guards (the sender's on the way out, the receiver's on the way in, a forwarding
// instance's either way); a network ACL at the interface on its side of the subnet boundary (the
// sender's when the ACL of the subnet it leaves denies, else the receiver's). `netsim path`
// names it, `check` and `trace` look for the REJECT record there.
#include <optional>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/flowlog/aggregator.h"
#include "netsim/flowlog/reader.h"

namespace netsim::flowlog {

struct RejectSite {
  model::NetworkInterface eni;
  FlowKey packet;      // as it was refused; the source port is 0 (the prober picks it)
  bool reply = false;  // the answer was refused (a stateless ACL), not the request
};

// nullopt unless the path stops at a security group or a network ACL (no interface refuses what
// finds no route or hits a gateway: AWS logs those as accepted where they left).
std::optional<RejectSite> rejectSiteOf(const model::Model& m, const analysis::PathResult& r);

// The flow logs of `m` that write REJECT records for that interface.
std::vector<const model::FlowLog*> rejectLogsOf(const model::Model& m, const model::NetworkInterface& eni);

// Whether a record is the site's refused packet: REJECT, on the site's interface, protocol and
// addresses as refused and, for TCP/UDP, the destination port (the source port is the prober's).
bool recordsRejectAt(const ReadRecord& r, const RejectSite& site);

// "REJECT on eni-0123... (app-a) in vpc-all: 10.0.1.5 -> 10.0.10.4 tcp/22, 1 packet"
std::string describeRecord(const ReadRecord& r);

}  // namespace netsim::flowlog
