#include "netsim/plan/naming.h"

#include "netsim/common/hash.h"

namespace netsim::plan {

std::string namespaceName(const std::string& lab, const std::string& node) {
  return labNamespacePrefix(lab) + node;
}

std::string labStateDir(const std::string& lab) { return std::string(kStateRoot) + "/" + lab; }

std::string controlSocketPath(const std::string& lab, const std::string& node) {
  return labStateDir(lab) + "/" + node + ".sock";
}

std::string labNamespacePrefix(const std::string& lab) { return kNamespacePrefix + lab + "."; }

std::string interfaceName(const std::string& wanted) {
  constexpr size_t kMax = 15;  // IFNAMSIZ - 1
  if (wanted.size() <= kMax) return wanted;
  return wanted.substr(0, 10) + "~" + common::shortHash(wanted, 4);
}

}  // namespace netsim::plan
