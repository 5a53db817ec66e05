// The lookups with suggestions every checker (check_*.cc) shares.
#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {

std::string ModelChecker::suggest(const std::string& name, const std::vector<std::string>& candidates,
                                  const std::string& kind) {
  auto close = closestMatch(name, candidates);
  if (!close.empty()) return "did you mean '" + close + "'?";
  if (candidates.empty()) return "no " + kind + " is defined";
  std::string list;
  for (size_t i = 0; i < candidates.size() && i < 8; ++i) list += (i ? ", " : "") + candidates[i];
  return "defined " + kind + "s: " + list;
}

const model::Subnet* ModelChecker::subnetRef(const model::SourceLocation& w, const std::string& field,
                                             const std::string& name) {
  if (name.empty()) return nullptr;
  const auto* s = m_.findSubnet(name);
  if (!s) {
    error(w, field, "subnet '" + name + "' is not defined", suggest(name, namesOf(m_.subnets), "subnet"));
  }
  return s;
}

void ModelChecker::checkSecurityGroupRefs(const model::SourceLocation& w, const std::vector<std::string>& groups) {
  for (size_t i = 0; i < groups.size(); ++i) {
    if (!m_.findSecurityGroup(groups[i])) {
      error(w, "security_groups[" + std::to_string(i) + "]", "security group '" + groups[i] +
                                                                 "' is not defined",
            suggest(groups[i], namesOf(m_.security_groups), "security group"));
    }
  }
}

}  // namespace netsim::topology::detail
