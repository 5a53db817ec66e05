// AWS CLI: one function per kind of described object, each adding the Terraform-shaped
// resource(s) it stands for.
#include <algorithm>

#include "netsim/import/awscli_reader.h"
#include "netsim/import/mapping.h"

namespace netsim::import::awscli {

void Reader::vpc(const Item& it) {
  const json& o = it.obj;
  const std::string id = s(o, "VpcId");
  json a = vpc_defaults_[id];
  a["cidr_block"] = s(o, "CidrBlock");
  const json v6 = ids(o, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock");
  a["assign_generated_ipv6_cidr_block"] = !v6.empty();
  if (!v6.empty()) a["ipv6_cidr_block"] = v6[0];
  if (!add(it, "aws_vpc", id, "VpcId", a)) return;
  if (!s(o, "OwnerId").empty())
    net_.report.push_back({ReportItem::Kind::kMapped,
                           {id, files_[it.file].first, src_.resources.back().line},
                           "aws_vpc",
                           "account " + s(o, "OwnerId") + " (OwnerId), kept as this comment"});
  for (const auto& c : list(o, "CidrBlockAssociationSet")) {
    const std::string state = s(c.value("CidrBlockState", json::object()), "State");
    if (s(c, "CidrBlock") == s(o, "CidrBlock") || (!state.empty() && state != "associated"))
      continue;
    Item sub = it;
    add(sub, "aws_vpc_ipv4_cidr_block_association", s(c, "AssociationId"), "AssociationId",
        {{"vpc_id", id}, {"cidr_block", s(c, "CidrBlock")}});
  }
}

void Reader::routeTable(const Item& it) {
  const json& o = it.obj;
  const std::string id = s(o, "RouteTableId");
  bool main = false;
  for (const auto& a : list(o, "Associations")) main = main || a.value("Main", false);
  json routes = json::array();
  const auto& [path, text] = files_[it.file];
  for (const auto& r : list(o, "Routes")) {
    if (s(r, "GatewayId") == "local") continue;
    if (s(r, "State") == "blackhole" && !s(r, "DestinationCidrBlock").empty()) {
      blackholes_.push_back({id,
                             s(r, "DestinationCidrBlock"),
                             {id, path, lineOfField(text, it.base, "RouteTableId", id)}});
      continue;
    }
    // VPN gateways are not imported: such a route is reported and left out (not an error about
    // an unknown id).
    const std::string other = s(r, "GatewayId").rfind("vgw-", 0) == 0 ? s(r, "GatewayId") : "";
    if (!other.empty()) {
      net_.report.push_back({ReportItem::Kind::kUnsupported,
                             {id, path, lineOfField(text, it.base, "RouteTableId", id)},
                             "route",
                             "route " + s(r, "DestinationCidrBlock") + " to " + other +
                                 " (VPN gateways are not imported yet): left out"});
      continue;
    }
    json x = {{"cidr_block", s(r, "DestinationCidrBlock")},
              {"ipv6_cidr_block", s(r, "DestinationIpv6CidrBlock")}};
    for (const auto& [from, to] :
         {std::pair{"GatewayId", "gateway_id"}, std::pair{"NatGatewayId", "nat_gateway_id"},
          std::pair{"InstanceId", "instance_id"},
          std::pair{"VpcPeeringConnectionId", "vpc_peering_connection_id"},
          std::pair{"TransitGatewayId", "transit_gateway_id"},
          std::pair{"EgressOnlyInternetGatewayId", "egress_only_gateway_id"},
          std::pair{"NetworkInterfaceId", "network_interface_id"}}) {
      if (!s(r, from).empty()) x[to] = s(r, from);
    }
    // A route to an instance also names its interface: the instance is the target.
    if (x.contains("instance_id")) x.erase("network_interface_id");
    routes.push_back(x);
  }
  TfResource* t =
      add(it, main ? "aws_default_route_table" : "aws_route_table", id, "RouteTableId",
          {{"vpc_id", s(o, "VpcId")}, {"route", routes}, {"default_route_table_id", id}});
  if (!t) return;
  for (const auto& a : list(o, "Associations")) {
    if (a.value("Main", false)) continue;
    const std::string assoc = s(a, "RouteTableAssociationId");
    json attrs = {{"route_table_id", id}};
    if (!s(a, "SubnetId").empty()) attrs["subnet_id"] = s(a, "SubnetId");
    if (!s(a, "GatewayId").empty()) attrs["gateway_id"] = s(a, "GatewayId");
    add(it, "aws_route_table_association", assoc, "RouteTableAssociationId", attrs);
  }
}

json Reader::rules(const json& perms) {
  json out = json::array();
  for (const auto& p : perms) {
    json r = {{"protocol", s(p, "IpProtocol")},
              {"from_port", p.value("FromPort", json())},
              {"to_port", p.value("ToPort", json())},
              {"cidr_blocks", ids(p, "IpRanges", "CidrIp")},
              {"security_groups", ids(p, "UserIdGroupPairs", "GroupId")},
              {"prefix_list_ids", ids(p, "PrefixListIds", "PrefixListId")},
              {"ipv6_cidr_blocks", ids(p, "Ipv6Ranges", "CidrIpv6")}};
    out.push_back(r);
  }
  return out;
}

void Reader::securityGroup(const Item& it) {
  const json& o = it.obj;
  const bool dflt = s(o, "GroupName") == "default";
  add(it, dflt ? "aws_default_security_group" : "aws_security_group", s(o, "GroupId"), "GroupId",
      {{"vpc_id", s(o, "VpcId")},
       {"name", s(o, "GroupName")},
       {"ingress", rules(list(o, "IpPermissions"))},
       {"egress", rules(list(o, "IpPermissionsEgress"))}});
}

void Reader::acl(const Item& it) {
  const json& o = it.obj;
  const std::string id = s(o, "NetworkAclId");
  json in = json::array(), out = json::array();
  for (const auto& e : list(o, "Entries")) {
    const int number = e.value("RuleNumber", 0);
    if (number >= 32767) continue;  // the final deny-all, which every ACL has
    const json range = e.value("PortRange", json::object());
    json x = {{"rule_no", number},
              {"action", s(e, "RuleAction")},
              {"cidr_block", s(e, "CidrBlock")},
              {"ipv6_cidr_block", s(e, "Ipv6CidrBlock")},
              {"protocol", s(e, "Protocol")},
              {"from_port", range.value("From", json(0))},
              {"to_port", range.value("To", json(0))}};
    (e.value("Egress", false) ? out : in).push_back(x);
  }
  const bool dflt = o.value("IsDefault", false);
  add(it, dflt ? "aws_default_network_acl" : "aws_network_acl", id, "NetworkAclId",
      {{"vpc_id", s(o, "VpcId")},
       {"default_network_acl_id", id},
       {"subnet_ids", ids(o, "Associations", "SubnetId")},
       {"ingress", in},
       {"egress", out}});
}

void Reader::instance(const Item& it, const json& i) {
  const std::string state = s(i.value("State", json::object()), "Name");
  if (state == "terminated" || state == "shutting-down") return;
  json a = {{"subnet_id", s(i, "SubnetId")},
            {"private_ip", s(i, "PrivateIpAddress")},
            {"public_ip", s(i, "PublicIpAddress")},
            {"vpc_security_group_ids", ids(i, "SecurityGroups", "GroupId")},
            {"source_dest_check", i.value("SourceDestCheck", true)}};
  if (s(i, "SubnetId").empty()) a.erase("subnet_id");
  for (const auto& nic : list(i, "NetworkInterfaces")) {  // what a flow log of its ENI names
    if (nic.value("Attachment", json::object()).value("DeviceIndex", -1) == 0)
      a["primary_network_interface_id"] = s(nic, "NetworkInterfaceId");
  }
  Item x = it;
  x.obj = i;
  add(x, "aws_instance", s(i, "InstanceId"), "InstanceId", a);
}

void Reader::loadBalancing(const Item& it) {
  const json& o = it.obj;
  if (it.kind == "LoadBalancers") {
    if (s(o, "LoadBalancerArn").empty()) {
      add(it, "aws_elb", s(o, "LoadBalancerName"), "LoadBalancerName", json::object());
      return;
    }
    add(it, "aws_lb", s(o, "LoadBalancerArn"), "LoadBalancerArn",
        {{"name", s(o, "LoadBalancerName")},
         {"load_balancer_type", s(o, "Type")},
         {"internal", s(o, "Scheme") == "internal"},
         {"subnets", ids(o, "AvailabilityZones", "SubnetId")},
         {"security_groups", list(o, "SecurityGroups")}});
    src_.resources.back().name = s(o, "LoadBalancerName");
  } else if (it.kind == "TargetGroups") {
    json a = {{"port", o.value("Port", json(80))},
              {"protocol", s(o, "Protocol")},
              {"target_type", s(o, "TargetType")},
              {"vpc_id", s(o, "VpcId")}};
    if (!s(o, "HealthCheckPath").empty())
      a["health_check"] = json::array({{{"path", s(o, "HealthCheckPath")}}});
    if (add(it, "aws_lb_target_group", s(o, "TargetGroupArn"), "TargetGroupArn", a))
      src_.resources.back().name = s(o, "TargetGroupName");
  } else if (it.kind == "Listeners") {
    json actions = json::array();
    for (const auto& d : list(o, "DefaultActions")) {
      json x = {{"type", lowerCase(s(d, "Type"))}, {"target_group_arn", s(d, "TargetGroupArn")}};
      if (s(d, "TargetGroupArn").empty()) {
        const json fwd = d.value("ForwardConfig", json::object());
        const json tgs = ids(fwd, "TargetGroups", "TargetGroupArn");
        if (!tgs.empty()) x["target_group_arn"] = tgs[0];
      }
      actions.push_back(x);
    }
    add(it, "aws_lb_listener", s(o, "ListenerArn"), "ListenerArn",
        {{"load_balancer_arn", s(o, "LoadBalancerArn")},
         {"port", o.value("Port", json(80))},
         {"protocol", s(o, "Protocol")},
         {"default_action", actions}});
  }
}

void Reader::subnet(const Item& it) {
  const json& o = it.obj;
  json a = {{"vpc_id", s(o, "VpcId")},
            {"cidr_block", s(o, "CidrBlock")},
            {"availability_zone", s(o, "AvailabilityZone")},
            {"map_public_ip_on_launch", o.value("MapPublicIpOnLaunch", false)}};
  const json v6 = ids(o, "Ipv6CidrBlockAssociationSet", "Ipv6CidrBlock");
  if (!v6.empty()) a["ipv6_cidr_block"] = v6[0];
  a["assign_ipv6_address_on_creation"] = o.value("AssignIpv6AddressOnCreation", false);
  a["ipv6_native"] = o.value("Ipv6Native", false);
  a["enable_dns64"] = o.value("EnableDns64", false);
  add(it, "aws_subnet", s(o, "SubnetId"), "SubnetId", a);
}

void Reader::internetGateway(const Item& it) {
  const json& o = it.obj;
  json a = json::object();
  const json att = ids(o, "Attachments", "VpcId");
  if (!att.empty()) a["vpc_id"] = att[0];
  add(it, "aws_internet_gateway", s(o, "InternetGatewayId"), "InternetGatewayId", a);
}

void Reader::egressOnlyGateway(const Item& it) {
  const json& o = it.obj;
  json a = json::object();
  const json att = ids(o, "Attachments", "VpcId");
  if (!att.empty()) a["vpc_id"] = att[0];
  add(it, "aws_egress_only_internet_gateway", s(o, "EgressOnlyInternetGatewayId"),
      "EgressOnlyInternetGatewayId", a);
}

void Reader::address(const Item& it) {
  const json& o = it.obj;
  json a = {{"public_ip", s(o, "PublicIp")}};
  if (!s(o, "InstanceId").empty()) a["instance"] = s(o, "InstanceId");
  add(it, "aws_eip", s(o, "AllocationId"), "AllocationId", a);
}

void Reader::natGateway(const Item& it) {
  const json& o = it.obj;
  const std::string state = s(o, "State");
  if (state == "deleted" || state == "deleting" || state == "failed") return;
  json a = {{"subnet_id", s(o, "SubnetId")},
            {"connectivity_type", s(o, "ConnectivityType")},
            {"availability_mode", s(o, "AvailabilityMode")}};
  for (const auto& addr : list(o, "NatGatewayAddresses")) {
    const std::string alloc = s(addr, "AllocationId");
    if (alloc.empty() || a.contains("allocation_id")) return;
    a["allocation_id"] = alloc;
    if (!eips_.count(alloc)) {
      // describe-addresses not given (or without it): the NAT gateway's own address list
      // names the elastic IP.
      Item x = it;
      x.obj = json::object();
      if (add(x, "aws_eip", alloc, "AllocationId", {{"public_ip", s(addr, "PublicIp")}})) {
        src_.resources.back().name = nameTag(o).empty() ? alloc : nameTag(o) + "-eip";
        net_.report.push_back(
            {ReportItem::Kind::kImplicit,
             {alloc, files_[it.file].first, src_.resources.back().line},
             "aws_eip",
             "elastic IP taken from the NAT gateway's NatGatewayAddresses (not in a "
             "describe-addresses output)"});
      }
      eips_.insert(alloc);
    }
  }
  add(it, "aws_nat_gateway", s(o, "NatGatewayId"), "NatGatewayId", a);
}

void Reader::endpoint(const Item& it) {
  const json& o = it.obj;
  json a = {{"vpc_id", s(o, "VpcId")},
            {"vpc_endpoint_type", s(o, "VpcEndpointType")},
            {"service_name", s(o, "ServiceName")},
            {"route_table_ids", list(o, "RouteTableIds")},
            {"subnet_ids", list(o, "SubnetIds")},
            {"security_group_ids", ids(o, "Groups", "GroupId")}};
  // The default policy (full access) is what no policy means.
  const std::string policy = s(o, "PolicyDocument");
  if (!policy.empty() && policy.find("\"Principal\":\"*\"") == std::string::npos &&
      policy.find("\"Principal\": \"*\"") == std::string::npos)
    a["policy"] = policy;
  add(it, "aws_vpc_endpoint", s(o, "VpcEndpointId"), "VpcEndpointId", a);
}

void Reader::peering(const Item& it) {
  const json& o = it.obj;
  const std::string status = s(o.value("Status", json::object()), "Code");
  if (status == "deleted" || status == "rejected" || status == "failed" || status == "expired")
    return;
  add(it, "aws_vpc_peering_connection", s(o, "VpcPeeringConnectionId"), "VpcPeeringConnectionId",
      {{"vpc_id", s(o.value("RequesterVpcInfo", json::object()), "VpcId")},
       {"peer_vpc_id", s(o.value("AccepterVpcInfo", json::object()), "VpcId")},
       {"accept_status", status}});
}

// describe-flow-logs: the resource the flow log is of, as aws_flow_log names it. A resource the
// other outputs do not describe is left unnamed (the mapper reports the flow log left out).
void Reader::flowLog(const Item& it) {
  const json& o = it.obj;
  const std::string id = s(o, "ResourceId");
  json a = {{"resource_id", id},
            {"traffic_type", s(o, "TrafficType")},
            {"log_format", s(o, "LogFormat")},
            {"log_destination_type", s(o, "LogDestinationType")},
            {"max_aggregation_interval", o.value("MaxAggregationInterval", 600)}};
  const bool known = src_.byId(id) != nullptr;
  if (id.rfind("vpc-", 0) == 0 && known) {
    a["vpc_id"] = id;
  } else if (id.rfind("subnet-", 0) == 0 && known) {
    a["subnet_id"] = id;
  } else if (id.rfind("eni-", 0) == 0) {
    a["eni_id"] = id;
  } else if (id.rfind("tgw-attach-", 0) == 0) {
    a["transit_gateway_attachment_id"] = id;
  } else if (id.rfind("tgw-", 0) == 0) {
    a["transit_gateway_id"] = id;
  }
  add(it, "aws_flow_log", s(o, "FlowLogId"), "FlowLogId", a);
}

void Reader::targetHealth(const Item& it) {
  const json& o = it.obj;
  const json target = o.value("Target", json::object());
  const auto& [path, text] = files_[it.file];
  if (s(o, "TargetGroupArn").empty()) {
    errors_.push_back({path, lineOfField(text, it.base, "Id", s(target, "Id")), s(target, "Id"),
                       "describe-target-health output names no target group: add "
                       "\"TargetGroupArn\" beside TargetHealthDescriptions"});
    return;
  }
  json a = {{"target_group_arn", s(o, "TargetGroupArn")}, {"target_id", s(target, "Id")}};
  if (target.contains("Port")) a["port"] = target["Port"];
  Item x = it;
  x.obj = json::object();
  if (add(x, "aws_lb_target_group_attachment", s(o, "TargetGroupArn") + "/" + s(target, "Id"), "Id",
          a))
    src_.resources.back().line = lineOfField(text, it.base, "Id", s(target, "Id"));
}

void Reader::transitGateway(const Item& it) {
  const json& o = it.obj;
  const json opt = o.value("Options", json::object());
  if (it.kind == "TransitGateways") {
    add(it, "aws_ec2_transit_gateway", s(o, "TransitGatewayId"), "TransitGatewayId",
        {{"default_route_table_association", s(opt, "DefaultRouteTableAssociation")},
         {"default_route_table_propagation", s(opt, "DefaultRouteTablePropagation")},
         {"association_default_route_table_id", s(opt, "AssociationDefaultRouteTableId")}});
    default_tables_[s(o, "TransitGatewayId")] = s(opt, "AssociationDefaultRouteTableId");
  } else if (it.kind == "TransitGatewayRouteTables") {
    // The default association table is the gateway's "<tgw>-default" (made with the gateway).
    if (o.value("DefaultAssociationRouteTable", false)) return;
    add(it, "aws_ec2_transit_gateway_route_table", s(o, "TransitGatewayRouteTableId"),
        "TransitGatewayRouteTableId", {{"transit_gateway_id", s(o, "TransitGatewayId")}});
  } else if (it.kind == "TransitGatewayVpcAttachments") {
    add(it, "aws_ec2_transit_gateway_vpc_attachment", s(o, "TransitGatewayAttachmentId"),
        "TransitGatewayAttachmentId",
        {{"transit_gateway_id", s(o, "TransitGatewayId")},
         {"vpc_id", s(o, "VpcId")},
         {"subnet_ids", list(o, "SubnetIds")},
         {"appliance_mode_support", s(opt, "ApplianceModeSupport")}});
  } else if (s(o, "ResourceType") == "vpc") {
    // describe-transit-gateway-attachments: the association (the subnets are in the VPC
    // attachments' output); a table other than the default one is an explicit association.
    const std::string table =
        s(o.value("Association", json::object()), "TransitGatewayRouteTableId");
    attachment_tables_[s(o, "TransitGatewayAttachmentId")] = {s(o, "TransitGatewayId"), table};
  }
}

void Reader::tgwTableContents(const Item& it) {
  const json& o = it.obj;
  const auto& [path, text] = files_[it.file];
  const std::string table = s(o, "TransitGatewayRouteTableId");
  const bool routes = it.kind == "Routes";
  if (table.empty()) {
    errors_.push_back(
        {path, lineAt(text, it.base), "",
         std::string(routes ? "search-transit-gateway-routes" : "get-transit-gateway-route-table-propagations") +
             " output names no route table: add \"TransitGatewayRouteTableId\" beside " + it.kind +
             ", or put the tgw-rtb-... id in the file's name"});
    return;
  }
  tables_with_propagations_.insert(table);
  Origin where{table, path, lineAt(text, it.base)};
  if (!routes) {
    const std::string attachment = s(o, "TransitGatewayAttachmentId");
    where.line = lineOfField(text, it.base, "TransitGatewayAttachmentId", attachment);
    if (s(o, "ResourceType") != "vpc") {
      net_.report.push_back({ReportItem::Kind::kUnsupported, where, "propagation",
                             "propagation of " + s(o, "ResourceType") + " attachment " + attachment +
                                 " into " + table + ": only VPC attachments are emulated"});
    } else if (s(o, "State") == "enabled" || s(o, "State") == "enabling") {
      propagations_.insert({table, attachment});
    }
    return;
  }
  const std::string destination = s(o, "DestinationCidrBlock");
  if (!destination.empty()) where.line = lineOfField(text, it.base, "DestinationCidrBlock", destination);
  if (destination.empty()) {
    net_.report.push_back({ReportItem::Kind::kUnsupported, where, "route",
                           "route to prefix list " + s(o, "PrefixListId") + " in " + table + ": left out"});
    return;
  }
  const std::string type = s(o, "Type"), state = s(o, "State");
  if (destination.find(':') != std::string::npos && type != "propagated") {
    net_.report.push_back({ReportItem::Kind::kUnsupported, where, "route",
                           "IPv6 route " + destination + " in " + table +
                               ": IPv6 over transit gateways is not emulated"});
    return;
  }
  std::vector<std::string> vpc_attachments;
  for (const auto& a : list(o, "TransitGatewayAttachments")) {
    if (s(a, "ResourceType") == "vpc") {
      vpc_attachments.push_back(s(a, "TransitGatewayAttachmentId"));
    } else {
      net_.report.push_back({ReportItem::Kind::kUnsupported, where, "route",
                             "route " + destination + " in " + table + " to " + s(a, "ResourceType") +
                                 " attachment " + s(a, "TransitGatewayAttachmentId") +
                                 ": only VPC attachments are emulated"});
    }
  }
  if (type == "propagated") {
    // A propagated route says its attachment propagates into the table; the route itself is
    // the attachment VPC's CIDR, which the lab derives again.
    for (const auto& a : vpc_attachments) propagations_.insert({table, a});
    return;
  }
  if (state != "active" && state != "blackhole") return;  // pending or deleted
  if (state == "active" && vpc_attachments.empty()) return;  // reported above
  Item x = it;
  x.obj = json::object();
  json a = {{"transit_gateway_route_table_id", table}, {"destination_cidr_block", destination}};
  if (state == "blackhole") {
    a["blackhole"] = true;
  } else {
    // ECMP over several attachments is not emulated: the first one carries the route.
    a["transit_gateway_attachment_id"] = vpc_attachments.front();
    if (vpc_attachments.size() > 1)
      net_.report.push_back({ReportItem::Kind::kApproximated, where, "route",
                             "route " + destination + " in " + table + " has " +
                                 std::to_string(vpc_attachments.size()) +
                                 " attachments: only the first, " + vpc_attachments.front() + ", is used"});
  }
  if (add(x, "aws_ec2_transit_gateway_route", table + "/" + destination, "DestinationCidrBlock", a))
    src_.resources.back().line = where.line;
}

void Reader::tgwAssociations() {
  for (const auto& [attachment, tt] : attachment_tables_) {
    auto found = src_.by_id.find(attachment);
    if (found == src_.by_id.end()) continue;
    TfResource& r = src_.resources[found->second];
    const auto& [tgw, table] = tt;
    const bool by_default = !table.empty() && default_tables_[tgw] == table;
    r.attrs["transit_gateway_default_route_table_association"] = by_default;
    if (table.empty() || by_default) continue;
    TfResource x = r;
    x.address = attachment + "/association";
    x.type = "aws_ec2_transit_gateway_route_table_association";
    x.attrs = {{"transit_gateway_route_table_id", table},
               {"transit_gateway_attachment_id", attachment}};
    x.id = x.address;
    src_.resources.push_back(x);
    src_.by_id[x.id] = src_.by_address[x.id] = src_.resources.size() - 1;
  }
  // Where the outputs give a table's propagations, they are all it has; elsewhere an
  // attachment propagates to its gateway's default table as the gateway's options say.
  for (auto& r : src_.resources) {
    if (r.type != "aws_ec2_transit_gateway_vpc_attachment") continue;
    const std::string default_table = default_tables_[s(r.attrs, "transit_gateway_id")];
    if (tables_with_propagations_.count(default_table)) {
      r.attrs["transit_gateway_default_route_table_propagation"] = false;
    } else {
      net_.report.push_back({ReportItem::Kind::kApproximated, Origin{r.id, r.file, r.line}, r.type,
                             "no search-transit-gateway-routes or propagations output for the "
                             "gateway's default table: its default propagation is assumed"});
    }
  }
  for (const auto& [table, attachment] : propagations_) {
    TfResource x;
    x.address = table + "/propagation/" + attachment;
    x.mode = "managed";
    x.type = "aws_ec2_transit_gateway_route_table_propagation";
    x.name = x.address;
    x.attrs = {{"transit_gateway_route_table_id", table}, {"transit_gateway_attachment_id", attachment}};
    x.id = x.address;
    if (auto found = src_.by_id.find(attachment); found != src_.by_id.end()) {
      x.file = src_.resources[found->second].file;
      x.line = src_.resources[found->second].line;
    }
    src_.resources.push_back(x);
    src_.by_id[x.id] = src_.by_address[x.id] = src_.resources.size() - 1;
  }
}

void Reader::reservation(const Item& it) {
  for (const auto& i : list(it.obj, "Instances")) instance(it, i);
}

}  // namespace netsim::import::awscli
