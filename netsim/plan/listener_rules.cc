#include "netsim/plan/listener_rules.h"

#include <cctype>

namespace netsim::plan {

bool wildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  auto same = [&](char a, char b) {
    return ignore_case ? std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b))
                       : a == b;
  };
  // Iterative glob with one backtrack point: linear in practice, no recursion on hostile input.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || (pattern[p] != '*' && same(pattern[p], text[t])))) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

const std::string& chooseTargetGroup(const std::vector<RuleConfig>& rules, const std::string& default_group,
                                     std::string_view host, std::string_view path) {
  if (auto colon = host.rfind(':'); colon != std::string_view::npos) host = host.substr(0, colon);
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  for (const auto& r : rules) {
    if (!r.host.empty() && !wildcardMatch(r.host, host, true)) continue;
    if (!r.path.empty() && !wildcardMatch(r.path, path, false)) continue;
    return r.target_group;
  }
  return default_group;
}

}  // namespace netsim::plan
