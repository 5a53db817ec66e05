// NAT gateway connectivity and addresses (AWS CreateNatGateway rules): a private gateway has no
// elastic IP; a gateway has at most 8 private addresses (a primary and 7 secondary); a public
// gateway's secondary addresses each carry an elastic IP; several addresses need the userspace
// data plane (the kernel one translates to one address).
#include <algorithm>
#include <string>

#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {
namespace {

class NatGatewayChecker : public ModelChecker {
 public:
  using ModelChecker::ModelChecker;

  void run() {
    for (const auto& n : m_.nat_gateways) check(n);
  }

 private:
  void check(const model::NatGateway& n) {
    if (n.isPrivate()) {
      checkPrivate(n);
    } else {
      checkPublic(n);
    }
    const size_t secondary = natSecondaryAddressCount(n);
    if (1 + secondary > model::kMaxNatGatewayAddresses) {
      error(n.where, n.isPrivate() ? "secondary_private_ips" : "secondary_eips",
            "NAT gateway '" + n.name + "' has " + std::to_string(1 + secondary) +
                " addresses; AWS allows at most " + std::to_string(model::kMaxNatGatewayAddresses),
            "a primary and up to 7 secondary addresses");
    }
    if (secondary > 0 && n.dataplane == model::Dataplane::kKernel) {
      error(n.where, "dataplane", "secondary addresses need the userspace NAT engine",
            "remove `dataplane: kernel`, or the secondary addresses");
    }
    const auto* s = m_.findSubnet(n.subnet);
    for (size_t k = 0; s && k < n.secondary_private_ips.size(); ++k) {
      const auto a = n.secondary_private_ips[k];
      const std::string field = "secondary_private_ips[" + std::to_string(k) + "]";
      if (!s->cidr.contains(a) || a < s->firstUsable() || a > s->lastUsable()) {
        error(n.where, field, a.str() + " is not a usable address of subnet '" + s->name + "' (" +
                                  s->firstUsable().str() + " to " + s->lastUsable().str() + ")");
      }
    }
  }

  void checkPrivate(const model::NatGateway& n) {
    if (!n.eip.empty()) {
      error(n.where, "eip", "a private NAT gateway has no elastic IP",
            "remove eip, or set connectivity: public");
    }
    if (!n.secondary_eips.empty()) {
      error(n.where, "secondary_eips", "a private NAT gateway has no elastic IPs",
            "use secondary_private_ips or secondary_private_ip_count");
    }
    if (n.secondary_private_ip_count && !n.secondary_private_ips.empty()) {
      error(n.where, "secondary_private_ip_count",
            "give either secondary_private_ips or secondary_private_ip_count, not both");
    }
  }

  void checkPublic(const model::NatGateway& n) {
    if (n.secondary_private_ip_count) {
      error(n.where, "secondary_private_ip_count",
            "a public NAT gateway's secondary addresses come with its secondary_eips",
            "list one elastic IP per secondary address in secondary_eips");
    }
    if (!n.secondary_private_ips.empty() && n.secondary_private_ips.size() != n.secondary_eips.size()) {
      error(n.where, "secondary_private_ips",
            std::to_string(n.secondary_private_ips.size()) + " secondary private addresses for " +
                std::to_string(n.secondary_eips.size()) + " secondary elastic IPs",
            "pair each secondary elastic IP with one address, or leave the addresses out");
    }
  }
};

}  // namespace

void checkNatGatewayAddresses(model::Model& m, const LocationMap& loc, Diagnostics& d) {
  NatGatewayChecker(m, loc, d).run();
}

size_t natSecondaryAddressCount(const model::NatGateway& n) {
  if (!n.isPrivate()) return n.secondary_eips.size();
  return std::max(n.secondary_private_ips.size(), n.secondary_private_ip_count);
}

}  // namespace netsim::topology::detail
