#pragma once
// Which target group an application load balancer sends a request to: the listener's rules in
// priority order (host-header and path-pattern conditions, AWS wildcards), then the default.
#include <string>
#include <string_view>
#include <vector>

namespace netsim::plan {

struct RuleConfig {
  int priority = 1;
  std::string host;  // "" = any
  std::string path;  // "" = any
  std::string target_group;
};

// AWS pattern matching: '*' matches any run of characters, '?' exactly one. Host patterns are
// compared case-insensitively, paths exactly.
bool wildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case);

// `rules` sorted by priority. `host` is the Host header (a ":port" suffix is ignored), `path`
// the request target without its query string.
const std::string& chooseTargetGroup(const std::vector<RuleConfig>& rules, const std::string& default_group,
                                     std::string_view host, std::string_view path);

}  // namespace netsim::plan
