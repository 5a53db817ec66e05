// The egress-only internet gateway (AWS EgressOnlyInternetGateway): a namespace between the VPC
// router and the internet router that forwards IPv6 statefully. Connections the VPC starts go
// out; what belongs to them (answers, ICMPv6 errors such as "packet too big") comes back;
// anything else from the internet is dropped and counted.
#include "netsim/plan/ipv6.h"

namespace netsim::plan {

std::string egressOnlyGatewayRules(const model::EgressOnlyInternetGateway& g) {
  return "table ip6 netsim_eigw {\n"
         "  counter unsolicited {\n"
         "    comment \"" +
         g.name +
         ": inbound connections the internet started\"\n"
         "  }\n"
         "  chain forward {\n"
         "    type filter hook forward priority filter; policy drop;\n"
         "    iifname \"vpc\" oifname \"inet\" accept comment \"egress: anything the VPC sends\"\n"
         "    iifname \"inet\" oifname \"vpc\" ct state established,related accept comment "
         "\"answers\"\n"
         "    iifname \"inet\" counter name \"unsolicited\" drop comment \"egress-only: nothing "
         "starts outside\"\n"
         "  }\n"
         "}\n";
}

}  // namespace netsim::plan
