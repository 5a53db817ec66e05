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

std::vector<std::string> splitCommand(const std::string& command) {
  std::vector<std::string> out;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : command) {
    if (quote) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) out.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(word);
  return out;
}

}  // namespace netsim::plan
