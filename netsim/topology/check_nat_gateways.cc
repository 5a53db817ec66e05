// NAT gateway connectivity and addresses (AWS CreateNatGateway rules): a private gateway has no
// elastic IP; a gateway has at most 8 private addresses (a primary and 7 secondary); a public
// gateway's secondary addresses each carry an elastic IP; several addresses need the userspace
// data plane (the kernel one translates to one address).
#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "netsim/topology/model_checker.h"

namespace netsim::topology::detail {
namespace {

class NatGatewayChecker : public ModelChecker {
 public:
  using ModelChecker::ModelChecker;

  void run() {
    for (auto& n : m_.nat_gateways) {
      // "a" is short for "<region>a", as in a VPC's azs.
      const auto* vpc = m_.findVpc(n.vpc);
      for (auto& p : n.presences) {
        if (vpc && p.az.size() == 1 && p.az[0] >= 'a' && p.az[0] <= 'z') p.az = vpc->region + p.az;
      }
    }
    for (const auto& n : m_.nat_gateways) check(n);
  }

 private:
  void check(const model::NatGateway& n) {
    if (n.isRegional()) return checkRegional(n);
    if (!n.presences.empty()) {
      error(n.where, "availability_zone_addresses", "only a regional NAT gateway lists addresses per AZ",
            "set availability_mode: regional (and no subnet), or use eip");
    }
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

  // AWS regional NAT gateway: public, no subnet, its elastic IPs given per AZ of its VPC (up to
  // 32 each), one entry for every AZ where the VPC has subnets, and the VPC's internet gateway.
  void checkRegional(const model::NatGateway& n) {
    if (n.isPrivate()) {
      error(n.where, "connectivity", "a regional NAT gateway has public connectivity only",
            "use a zonal private NAT gateway (subnet: ..., connectivity: private)");
    }
    const std::pair<const char*, bool> zonal_fields[] = {
        {"subnet", !n.subnet.empty()},
        {"eip", !n.eip.empty()},
        {"private_ip", n.private_ip.value() != 0},
        {"secondary_eips", !n.secondary_eips.empty()},
        {"secondary_private_ips", !n.secondary_private_ips.empty()},
        {"secondary_private_ip_count", n.secondary_private_ip_count != 0}};
    for (const auto& [field, written] : zonal_fields) {
      if (!written) continue;
      error(n.where, field, std::string("a regional NAT gateway has no ") + field +
                                ": it is present in each AZ of its VPC with that AZ's elastic IPs",
            "list them in availability_zone_addresses: [{az: a, eips: [...]}]");
    }
    if (n.dataplane == model::Dataplane::kKernel) {
      error(n.where, "dataplane", "a regional NAT gateway runs on the userspace NAT engine", "remove `dataplane: kernel`");
    }
    const auto* vpc = m_.findVpc(n.vpc);
    if (!vpc) return;
    if (!m_.internetGatewayOf(vpc->name)) {
      error(n.where, "availability_mode", "a regional NAT gateway needs the VPC's internet gateway",
            "add internet_gateway: {name: igw}");
    }
    if (n.presences.empty()) {
      error(n.where, "availability_zone_addresses", "a regional NAT gateway needs its AZs and their elastic IPs",
            "add availability_zone_addresses: [{az: a, eips: [...]}]");
    }
    std::set<std::string> seen;
    for (const auto& p : n.presences) {
      if (std::find(vpc->azs.begin(), vpc->azs.end(), p.az) == vpc->azs.end() && !p.az.empty()) {
        error(p.where, "az", "'" + p.az + "' is not an AZ of VPC '" + vpc->name + "'");
      }
      if (!seen.insert(p.az).second) error(p.where, "az", "AZ '" + p.az + "' is listed twice");
      if (p.eips.empty() || p.eips.size() > model::kMaxRegionalNatAddressesPerAz) {
        error(p.where, "eips", std::to_string(p.eips.size()) + " elastic IPs for AZ '" + p.az + "'",
              "AWS: 1 to " + std::to_string(model::kMaxRegionalNatAddressesPerAz) + " per AZ");
      }
    }
    for (const auto& az : vpc->azs) {
      const bool has_subnets = std::any_of(m_.subnets.begin(), m_.subnets.end(), [&](const model::Subnet& s) {
        return s.vpc == vpc->name && s.az == az;
      });
      if (has_subnets && !seen.count(az)) {
        error(n.where, "availability_zone_addresses", "VPC '" + vpc->name + "' has subnets in AZ '" + az +
                                                          "' but regional NAT gateway '" + n.name + "' no addresses there",
              "add {az: " + az + ", eips: [...]}");
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
