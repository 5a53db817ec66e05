#include "netsim/scaling/placement.h"

#include <algorithm>
#include <map>

namespace netsim::scaling {

namespace {
std::map<std::string, int> countByAz(const std::vector<Member>& members) {
  std::map<std::string, int> n;
  for (const auto& m : members) ++n[m.az];
  return n;
}
}  // namespace

std::optional<size_t> chooseLaunchSubnet(const std::vector<std::string>& subnet_azs, const std::vector<Member>& members,
                                         const std::set<std::string>& impaired) {
  auto n = countByAz(members);
  std::optional<size_t> best;
  for (size_t i = 0; i < subnet_azs.size(); ++i) {
    if (impaired.count(subnet_azs[i])) continue;
    if (!best || n[subnet_azs[i]] < n[subnet_azs[*best]]) best = i;
  }
  return best;
}

std::optional<size_t> chooseTermination(const std::vector<Member>& members) {
  if (members.empty()) return std::nullopt;
  auto n = countByAz(members);
  std::optional<size_t> best;
  for (size_t i = 0; i < members.size(); ++i) {
    if (!best) {
      best = i;
      continue;
    }
    const auto& a = members[i];
    const auto& b = members[*best];
    if (n[a.az] > n[b.az] || (n[a.az] == n[b.az] && a.launched_at < b.launched_at)) best = i;
  }
  return best;
}

bool unbalanced(const std::vector<std::string>& subnet_azs, const std::vector<Member>& members,
                const std::set<std::string>& impaired) {
  auto n = countByAz(members);
  int lo = 1 << 30, hi = -1;
  for (const auto& az : std::set<std::string>(subnet_azs.begin(), subnet_azs.end())) {
    if (impaired.count(az)) continue;
    lo = std::min(lo, n[az]);
    hi = std::max(hi, n[az]);
  }
  return hi >= 0 && hi - lo > 1;
}

}  // namespace netsim::scaling
