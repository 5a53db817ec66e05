#pragma once
// What `netsim report` puts on its page, gathered from the system: the rendered topology, the
// records other verbs leave in /run/netsim/<lab>/ and the counters the lab's processes answer
// on their control sockets. Whatever is missing is named with the command that makes it.
#include <string>

#include "netsim/model/model.h"
#include "netsim/report/html.h"

namespace netsim::cli {

struct ReportSources {
  std::string lab;
  std::string probe_file;  // "" = the latest record under /run/netsim/<lab>/probes/
  bool lab_running = true;  // false: counters are not asked for
};

report::ReportInput gatherReport(const model::Model& m, const ReportSources& sources);

}  // namespace netsim::cli
