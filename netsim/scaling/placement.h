#pragma once
// Where an auto scaling group launches and which instance it terminates, as AWS does by
// default: keep the AZs balanced (launch into the AZ with the fewest instances, terminate from
// the one with the most, the oldest instance there first) and never launch into an impaired
// AZ. Pure.
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace netsim::scaling {

struct Member {
  std::string name;
  std::string az;
  double launched_at = 0;  // any monotonic clock
};

// Index into `subnet_azs` (the group's subnets' AZs, in order) for the next launch; nullopt
// when every AZ is impaired.
std::optional<size_t> chooseLaunchSubnet(const std::vector<std::string>& subnet_azs, const std::vector<Member>& members,
                                         const std::set<std::string>& impaired);

// Index into `members` to terminate when scaling in; nullopt when empty.
std::optional<size_t> chooseTermination(const std::vector<Member>& members);

// True when healthy AZs differ by more than one instance (AZRebalance launches into the
// smallest, then terminates from the largest).
bool unbalanced(const std::vector<std::string>& subnet_azs, const std::vector<Member>& members,
                const std::set<std::string>& impaired);

}  // namespace netsim::scaling
