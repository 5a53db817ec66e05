#pragma once
// The lab's events log, /run/netsim/<lab>/events.jsonl: one JSON object per line, appended, so
// that a report can mark faults and shifts on a timeline. Every writer goes through
// appendEvent. The kinds written here:
//   {"at": "2026-12-04T17:30:01.123Z", "kind": "fail", "target": "az us-east-1a", "detail": "..."}
//   kind: fail | recover | shift | shift-cancel | shift-expired
//   target: "az us-east-1a", "node app-b", "link app-a", "web-alb az us-east-1a"
// The auto scaling controller's activities are lines of the same file with their own fields
// (time, group, event, ...; docs/auto-scaling.md); a reader tells them apart by "kind".
#include <string>

#include "netsim/common/result.h"

namespace netsim::lab {

struct LabEvent {
  std::string at;  // ISO 8601 UTC with milliseconds; "" = now
  std::string kind;
  std::string target;
  std::string detail;
};

std::string eventsPath(const std::string& lab);
// The current time as the log writes it: 2026-12-04T17:30:01.123Z.
std::string isoNowMillis();
// One JSON line (see above).
std::string eventJson(const LabEvent& e);
// Appends one line (O_APPEND: concurrent writers never interleave a line). kNotFound when the
// lab's state directory is gone.
common::Status appendEvent(const std::string& lab, const LabEvent& e);
// Appends a line the caller made (the auto scaling controller's activities).
common::Status appendEventLine(const std::string& lab, const std::string& json_line);

}  // namespace netsim::lab
