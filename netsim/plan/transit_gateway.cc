#include "netsim/plan/transit_gateway.h"

#include <algorithm>

#include "netsim/plan/route_metrics.h"

namespace netsim::plan {
namespace {

constexpr uint32_t kFirstTable = 100;
constexpr uint32_t kUnassociatedTable = 99;  // an attachment with no association: drop
constexpr uint32_t kPropagatedMetric = 200;  // static (route_metrics.h) beats propagated on an equal prefix

class TgwPlanner {
 public:
  TgwPlanner(detail::Builder& b, const model::TransitGateway& g) : b_(b), m_(b.m_), g_(g) {
    for (const auto& a : m_.tgw_attachments) {
      if (a.transit_gateway != g.name) continue;
      attachments_.push_back(&a);
      for (const auto& s : a.subnets) {
        const auto& az = m_.findSubnet(s)->az;
        if (std::find(azs_.begin(), azs_.end(), az) == azs_.end()) azs_.push_back(az);
      }
      if (a.appliance_mode) buckets_ = std::max(buckets_, static_cast<uint32_t>(a.subnets.size()));
    }
  }

  void run() {
    auto& spec = b_.addNamespace(g_.name, "transit-gateway", true);
    // A route through a leg whose link is down (its AZ failed) is skipped for the next one.
    spec.sysctls.push_back({"net/ipv4/conf/all/ignore_routes_with_linkdown", "1"});
    spec.sysctls.push_back({"net/ipv4/conf/default/ignore_routes_with_linkdown", "1"});
    if (buckets_ > 1) spec.nftables = flowHashRules();
    for (const auto* a : attachments_) {
      for (size_t k = 0; k < a->subnets.size(); ++k) {
        const auto* s = m_.findSubnet(a->subnets[k]);
        b_.attach(g_.name, s->name, s->name, common::Cidr(a->eni_ips[k], s->cidr.prefixLength()));
      }
    }
    uint32_t id = kFirstTable;
    for (const auto& t : m_.tgw_route_tables) {
      if (t.transit_gateway != g_.name) continue;
      for (const auto& az : azs_) {
        for (uint32_t bucket = 1; bucket <= buckets_; ++bucket) {
          b_.w_.tables.push_back({g_.name + ": " + t.name + " (" + az + bucketLabel(bucket) + ")", id});
          table_ids_[{t.name, az, bucket}] = id;
          planTable(t, az, bucket, id++);
        }
      }
    }
    b_.route(g_.name, kUnassociatedTable, common::Cidr(), std::nullopt, "", kCatchAllMetric,
             "attachment with no associated route table: drop", RouteType::kBlackhole);
    planRules();
  }

 private:
  std::string bucketLabel(uint32_t bucket) const {
    return buckets_ > 1 ? ", flow hash " + std::to_string(bucket) : "";
  }

  // Marks every packet with its flow's symmetric hash (1..buckets): both directions of a flow
  // get the same mark, so an appliance-mode attachment's ENI is the same both ways.
  std::string flowHashRules() const {
    return "table ip netsim_tgw {\n  chain prerouting {\n    type filter hook prerouting priority mangle;\n"
           "    meta mark set symhash mod " + std::to_string(buckets_) + " offset 1\n  }\n}\n";
  }

  // The ENIs of `a` that carry traffic which entered in `az` with flow hash `bucket`: the chosen
  // one first, then the others in order (used only while the chosen one's link is down).
  std::vector<const model::Subnet*> exits(const model::TgwAttachment& a, const std::string& az, uint32_t bucket) const {
    std::vector<const model::Subnet*> out;
    const model::Subnet* first = a.appliance_mode ? m_.findSubnet(a.subnets[(bucket - 1) % a.subnets.size()])
                                                  : m_.tgwExitSubnet(a, az);
    out.push_back(first);
    for (const auto& s : a.subnets) {
      if (s != first->name) out.push_back(m_.findSubnet(s));
    }
    return out;
  }

  void planTable(const model::TgwRouteTable& t, const std::string& az, uint32_t bucket, uint32_t id) {
    for (const auto& r : t.routes) {
      const uint32_t metric = r.propagated ? kPropagatedMetric : kStaticMetric;
      const std::string c = "tgw rtb " + t.name + ": " + r.destination.str() + " -> " +
                            (r.blackhole ? "blackhole" : r.attachment) + (r.propagated ? " (propagated)" : "");
      if (r.blackhole) {
        b_.route(g_.name, id, r.destination, std::nullopt, "", metric, c, RouteType::kBlackhole);
        continue;
      }
      const auto* a = m_.findTgwAttachment(r.attachment);
      uint32_t k = 0;
      for (const auto* s : exits(*a, az, bucket)) {
        b_.route(g_.name, id, r.destination, s->router(), s->name, metric + k,
                 c + (k == 0 ? "" : " (while the ENI before is down)"));
        ++k;
      }
    }
    b_.route(g_.name, id, common::Cidr(), std::nullopt, "", kCatchAllMetric, "no route: drop", RouteType::kBlackhole);
  }

  // Traffic is routed by the table associated with the attachment whose ENI it entered on, in
  // the copy for that ENI's AZ (and flow hash).
  void planRules() {
    uint32_t prio = 1000;
    for (const auto* a : attachments_) {
      for (const auto& subnet : a->subnets) {
        const auto& az = m_.findSubnet(subnet)->az;
        for (uint32_t bucket = 1; bucket <= buckets_; ++bucket) {
          RuleSpec r;
          r.ns = b_.ns(g_.name);
          r.priority = prio++;
          r.iif = interfaceName(subnet);
          if (buckets_ > 1) r.fwmark = bucket;
          r.table = a->association.empty() ? kUnassociatedTable : table_ids_.at({a->association, az, bucket});
          r.comment = "entered on " + a->name + " in " + az + bucketLabel(bucket) + ": route table " +
                      (a->association.empty() ? "(none)" : a->association);
          b_.w_.rules.push_back(r);
        }
      }
    }
  }

  detail::Builder& b_;
  const model::Model& m_;
  const model::TransitGateway& g_;
  std::vector<const model::TgwAttachment*> attachments_;
  std::vector<std::string> azs_;
  uint32_t buckets_ = 1;
  std::map<std::tuple<std::string, std::string, uint32_t>, uint32_t> table_ids_;
};

}  // namespace

void planTransitGateways(detail::Builder& b) {
  for (const auto& g : b.m_.transit_gateways) TgwPlanner(b, g).run();
}

}  // namespace netsim::plan
