#pragma once
// The ways into and around a lab that are not plain routing: real OpenSSH servers with per-lab
// keys, the bastion's port forwards (netsim-forwarder), the VPC resolver (dnsmasq at VPC base
// + 2) and gateway-endpoint policies (nftables). Each adds files, processes and rules to a
// Wiring the planner has already laid out.
#include <string>
#include <vector>

#include "netsim/model/model.h"
#include "netsim/plan/wiring.h"

namespace netsim::plan {

// Where a lab's ssh material lives: keys, sshd_config, ssh_config, known_hosts (mode 0700).
std::string sshDir(const std::string& lab);

// sshd on every instance with `ssh: true`; forwarders for `forwards:`; the ssh client config.
void planSsh(const model::Model& m, Wiring& w);

// The allow-list (CIDRs) of an instance's security groups for inbound TCP on `port`. Groups as
// sources become the /32s of their members. No security group at all: allow everything.
std::vector<common::Cidr> inboundAllowList(const model::Model& m, const model::Instance& i, uint16_t port);

// The VPC resolver: dnsmasq in the vpc-router namespace on VPC base + 2, every VPC node's
// resolv.conf pointing at it.
void planResolver(const model::Model& m, Wiring& w);

// A public resolver for the internet hosts (dnsmasq on the internet router's address on their
// segment): service names and internet-facing load balancers' names.
void planInternetResolver(const model::Model& m, Wiring& w);
std::vector<std::pair<std::string, std::vector<common::Ipv4Address>>> internetResolverRecords(const model::Model& m);

// The DNS answers the resolver gives: name → addresses (instances, services, private DNS,
// load balancers).
std::vector<std::pair<std::string, std::vector<common::Ipv4Address>>> resolverRecords(const model::Model& m);

// An nftables ruleset enforcing a gateway endpoint's policy on traffic entering from the VPC
// leg `vpc_if` ("" when the policy is empty: allow all). Drops are counted per rule.
std::string endpointPolicyRules(const model::Model& m, const model::Endpoint& e, const std::string& vpc_if);

}  // namespace netsim::plan
