#include "netsim/topology/loader.h"

#include <fstream>
#include <sstream>

#include "netsim/topology/parse.h"

namespace netsim::topology {

namespace detail {
void reportField(const LocationMap& loc, Diagnostics& d, const model::SourceLocation& entity,
                 const std::string& field, std::string message, std::string hint) {
  std::string path = field.empty()         ? entity.path
                     : entity.path.empty() ? field
                                           : entity.path + "." + field;
  auto where = loc.find(path);
  if (where.line == 0) where = entity;
  d.add(where, path, std::move(message), std::move(hint));
}
}  // namespace detail

model::TargetRef targetRefFromText(const std::string& text, uint16_t default_port) {
  model::TargetRef t{text, default_port, text};
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return t;
  t.instance = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  unsigned long v = 0;
  bool good = !port.empty() && port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
  if (good) v = std::stoul(port);
  good = good && v >= 1 && v <= 65535;
  t.port = good ? static_cast<uint16_t>(v) : 0;
  return t;
}

LoadResult loadTopologyText(const std::string& text, const std::string& label) {
  LoadResult result;
  ReadContext ctx{label, &result.diagnostics, &result.locations};
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    result.diagnostics.add({label, e.mark.line + 1, e.mark.column + 1, ""}, "",
                           "YAML syntax error: " + e.msg,
                           "check indentation and that lists use '- ' consistently");
    return result;
  }
  if (!root.IsDefined() || root.IsNull()) {
    result.diagnostics.add({label, 1, 1, ""}, "", "the topology file is empty",
                           "start from topologies/default.yaml");
    return result;
  }
  model::Model m;
  m.source_file = label;
  m.source_text = text;
  detail::parseModel(root, ctx, m);
  if (!result.diagnostics.empty()) return result;
  detail::checkStructure(m, result.locations, result.diagnostics);
  if (!result.diagnostics.empty()) return result;
  detail::complete(m, result.locations, result.diagnostics);
  if (!result.diagnostics.empty()) return result;
  detail::checkIpv6(m, result.locations, result.diagnostics);
  if (!result.diagnostics.empty()) return result;
  detail::checkNat64(m, result.locations, result.diagnostics);
  if (!result.diagnostics.empty()) return result;
  detail::checkCompleted(m, result.locations, result.diagnostics);
  detail::checkFlowLogs(m, result.locations, result.diagnostics);
  if (!result.diagnostics.empty()) return result;
  result.model = std::move(m);
  return result;
}

LoadResult loadTopologyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    LoadResult result;
    result.diagnostics.add({path, 0, 0, ""}, "", "cannot open the topology file",
                           "check the path; run 'netsim validate' without a file for the built-in default");
    return result;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  return loadTopologyText(buf.str(), path);
}

}  // namespace netsim::topology
