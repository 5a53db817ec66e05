#pragma once
// The arguments path, trace, capture and probe share, defined once: their positional words
// (`[FILE] FROM TO`, `LAB FROM TO`, `LAB NODE[:IFACE]`), --proto/--port for the packet a flow
// predicts or sends, and --file for a topology other than the running lab's own.
#include <optional>
#include <string>
#include <vector>

#include "netsim/analysis/path.h"
#include "netsim/cli/verb.h"
#include "netsim/model/model.h"

namespace netsim::cli {

// The positional words a flow verb takes.
struct FlowWordsSpec {
  const char* verb;         // "trace" in "netsim: trace needs LAB FROM TO"
  const char* needs;        // "LAB FROM TO"
  size_t count = 0;         // how many words
  bool file_first = false;  // path: a topology FILE may come first
};

struct FlowWords {
  std::string file;                // the topology FILE given first (file_first only)
  std::vector<std::string> words;  // exactly spec.count
};

// Takes every positional argument as a flow word.
void addFlowWords(VerbParser& p);
// The words as the spec wants them; otherwise prints what the verb needs and returns nullopt.
std::optional<FlowWords> readFlowWords(const boost::program_options::variables_map& vm, const FlowWordsSpec& spec);

// --proto tcp|udp|icmp and --port N.
void addProtocolOptions(VerbParser& p);
// FROM and TO with --proto and --port as a path query (tcp and udp default to port 80);
// otherwise prints why not and returns nullopt.
std::optional<analysis::PathQuery> readPathQuery(const boost::program_options::variables_map& vm,
                                                 const std::string& from, const std::string& to);

// --file: a topology file instead of the one the lab was built from.
void addTopologyFileOption(VerbParser& p);
// The topology of --file when given, else the one lab `lab` was built from; problems are
// reported as loadTopologyOrReport does.
std::optional<model::Model> loadFlowTopology(const boost::program_options::variables_map& vm,
                                             const std::string& lab);

}  // namespace netsim::cli
