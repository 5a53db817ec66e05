#include "netsim/import/cfn_eval.h"

#include <algorithm>
#include <sstream>

namespace netsim::import {

namespace {
constexpr int kMaxEvalDepth = 100;

std::vector<std::string> splitList(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    out.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
  }
  return out;
}

bool isListType(const std::string& type) {
  return type == "CommaDelimitedList" || type.rfind("List<", 0) == 0 ||
         type.rfind("AWS::SSM::Parameter::Value<List<", 0) == 0 ||
         type == "AWS::SSM::Parameter::Value<CommaDelimitedList>";
}
}  // namespace

Template::Template(std::string file, const Node& root, const ImportOptions& options)
    : file_(std::move(file)), root_(root), options_(options) {}

void Template::error(int line, const std::string& resource, const std::string& message) {
  errors_.push_back({file_, line, resource, message});
}

const CfnResource* Template::find(const std::string& id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &resources_[it->second];
}

bool Template::prepare() {
  if (!root_.isMap()) {
    error(root_.line, "", "a CloudFormation template is a mapping with a Resources section");
    return false;
  }
  mappings_ = root_.get("Mappings");
  conditions_ = root_.get("Conditions");
  if (conditions_ && !conditions_->isMap()) {
    error(conditions_->line, "", "Conditions must be a mapping");
    conditions_ = nullptr;
  }
  const bool params_ok = readParameters();
  return readResources() && params_ok;
}

bool Template::readParameters() {
  const Node* params = root_.get("Parameters");
  std::set<std::string> declared;
  bool ok = true;
  if (params && params->isMap()) {
    for (const auto& [name, p] : params->fields) {
      declared.insert(name);
      const Node* type = p.get("Type");
      const std::string type_text = type && type->isScalar() ? type->scalar : "String";
      std::optional<std::string> value;
      if (auto it = options_.params.find(name); it != options_.params.end()) {
        value = it->second;
      } else if (const Node* d = p.get("Default"); d && d->isScalar()) {
        value = d->scalar;
      } else if (d && d->isList()) {
        std::string joined;
        for (const auto& i : d->items) joined += (joined.empty() ? "" : ",") + i.scalar;
        value = joined;
      }
      if (!value) {
        missing_params_[name] = {
            "parameter " + name + " has no Default; give --param " + name + "=VALUE", p.line};
        continue;
      }
      if (const Node* allowed = p.get("AllowedValues"); allowed && allowed->isList()) {
        const bool found = std::any_of(allowed->items.begin(), allowed->items.end(),
                                       [&](const Node& a) { return a.scalar == *value; });
        if (!found) {
          error(p.line, "",
                "parameter " + name + ": '" + *value + "' is not one of its AllowedValues");
          ok = false;
        }
      }
      param_text_[name] = *value;
      if (isListType(type_text)) {
        std::vector<Node> items;
        for (auto& s : splitList(*value)) items.push_back(Node::text(s, p.line));
        params_[name] = Node::list(std::move(items), p.line);
      } else {
        params_[name] = Node::text(*value, p.line);
      }
    }
  }
  for (const auto& [k, v] : options_.params) {
    if (!declared.count(k)) {
      error(0, "", "--param " + k + "=" + v + ": the template has no parameter " + k);
      ok = false;
    }
  }
  return ok;
}

bool Template::readResources() {
  const Node* res = root_.get("Resources");
  if (!res || !res->isMap()) {
    error(res ? res->line : root_.line, "", "the template has no Resources mapping");
    return false;
  }
  for (const auto& [id, r] : res->fields) {
    CfnResource c;
    c.id = id;
    c.line = r.line;
    const Node* type = r.get("Type");
    if (!type || !type->isScalar()) {
      error(r.line, id, "a resource needs a Type");
      continue;
    }
    c.type = type->scalar;
    if (const Node* p = r.get("Properties"); p && p->isMap()) c.properties = p;
    index_[id] = resources_.size();
    resources_.push_back(std::move(c));
  }
  // Conditions need the parameters and resources indexed (a condition may not Ref a resource).
  for (size_t i = 0; i < resources_.size(); ++i) {
    const Node* cond = res->fields[i].second.get("Condition");
    if (!cond || !cond->isScalar()) continue;
    auto& c = resources_[i];
    c.condition = cond->scalar;
    try {
      c.created = conditionTrue(cond->scalar, cond->line);
    } catch (const EvalError& e) {
      error(e.line, c.id, e.message);
    }
  }
  return errors_.empty();
}

bool Template::conditionTrue(const std::string& name, int line) {
  if (auto it = condition_cache_.find(name); it != condition_cache_.end()) return it->second;
  const Node* def = conditions_ ? conditions_->get(name) : nullptr;
  if (!def) throw EvalError{line, "condition " + name + " is not defined under Conditions"};
  if (!conditions_in_progress_.insert(name).second) {
    throw EvalError{def->line, "condition " + name + " depends on itself"};
  }
  Node v = eval(*def);
  conditions_in_progress_.erase(name);
  if (!v.isScalar() || (v.scalar != "true" && v.scalar != "false")) {
    throw EvalError{def->line, "condition " + name + " is not true or false"};
  }
  condition_cache_[name] = v.scalar == "true";
  return v.scalar == "true";
}

Node Template::prop(const CfnResource& r, const std::string& key) {
  const Node* p = r.properties ? r.properties->get(key) : nullptr;
  if (!p) return {};
  try {
    Node v = eval(*p);
    if (v.kind == Node::Kind::kNoValue) return {};
    return v;
  } catch (const EvalError& e) {
    error(e.line, r.id, key + ": " + e.message);
    return {};
  }
}

Node Template::eval(const Node& n) {
  struct Depth {
    int& d;
    explicit Depth(int& x) : d(x) { ++d; }
    ~Depth() { --d; }
  } depth(depth_);
  if (depth_ > kMaxEvalDepth) throw EvalError{n.line, "intrinsic functions nest too deeply"};
  if (n.isList()) {
    Node out = Node::list({}, n.line);
    for (const auto& i : n.items) {
      Node v = eval(i);
      if (v.kind != Node::Kind::kNoValue) out.items.push_back(std::move(v));
    }
    return out;
  }
  if (!n.isMap()) return n;
  if (n.fields.size() == 1) {
    const auto& [key, arg] = n.fields.front();
    if (key == "Ref") return ref(scalarText(eval(arg)), arg.line);
    if (key == "Condition") {
      return Node::text(conditionTrue(scalarText(eval(arg)), arg.line) ? "true" : "false", n.line);
    }
    if (key.rfind("Fn::", 0) == 0) return intrinsic(key, arg, n.line);
  }
  Node out;
  out.kind = Node::Kind::kMap;
  out.line = n.line;
  for (const auto& [k, v] : n.fields) {
    Node e = eval(v);
    if (e.kind != Node::Kind::kNoValue) out.fields.emplace_back(k, std::move(e));
  }
  return out;
}

Node Template::pseudo(const std::string& name, int line, bool& found) {
  found = true;
  const auto& region = options_.region;
  const bool china = region.rfind("cn-", 0) == 0;
  if (name == "AWS::Region") return Node::text(region, line);
  if (name == "AWS::AccountId") return Node::text(options_.account_id, line);
  if (name == "AWS::StackName") return Node::text(options_.stack_name, line);
  if (name == "AWS::Partition") {
    return Node::text(china                             ? "aws-cn"
                      : region.rfind("us-gov-", 0) == 0 ? "aws-us-gov"
                                                        : "aws",
                      line);
  }
  if (name == "AWS::URLSuffix")
    return Node::text(china ? "amazonaws.com.cn" : "amazonaws.com", line);
  if (name == "AWS::StackId") {
    return Node::text("arn:aws:cloudformation:" + region + ":" + options_.account_id + ":stack/" +
                          options_.stack_name + "/00000000-0000-0000-0000-000000000000",
                      line);
  }
  if (name == "AWS::NotificationARNs") return Node::list({}, line);
  if (name == "AWS::NoValue") return Node::noValue();
  found = false;
  return {};
}

Node Template::ref(const std::string& name, int line) {
  bool found = false;
  Node p = pseudo(name, line, found);
  if (found) return p;
  if (auto it = params_.find(name); it != params_.end()) return it->second;
  if (auto it = missing_params_.find(name); it != missing_params_.end()) {
    throw EvalError{line, it->second.first};
  }
  const CfnResource* r = find(name);
  if (!r)
    throw EvalError{line,
                    "Ref " + name + ": no parameter or resource of that name in the template"};
  if (!r->created) {
    throw EvalError{line, "Ref " + name + ": the resource is not created (its condition " +
                              r->condition + " is false)"};
  }
  Node out = Node::text(name, line);
  out.ref = name;
  return out;
}

Node Template::getAtt(const Node& arg, int line) {
  Node a = eval(arg);
  if (!a.isList() || a.items.size() != 2)
    throw EvalError{line, "Fn::GetAtt takes [Resource, Attribute]"};
  const std::string id = scalarText(a.items[0]);
  const std::string attr = scalarText(a.items[1]);
  const CfnResource* r = find(id);
  if (!r)
    throw EvalError{line,
                    "Fn::GetAtt " + id + "." + attr + ": no resource " + id + " in the template"};
  if (!r->created) {
    throw EvalError{line, "Fn::GetAtt " + id + "." + attr +
                              ": the resource is not created (its condition " + r->condition +
                              " is false)"};
  }
  const std::string key = id + "." + attr;
  // Attributes that are properties the template itself sets.
  static const std::map<std::string, std::map<std::string, std::string>> kFromProperty = {
      {"AWS::EC2::VPC", {{"CidrBlock", "CidrBlock"}}},
      {"AWS::EC2::Subnet",
       {{"AvailabilityZone", "AvailabilityZone"}, {"CidrBlock", "CidrBlock"}, {"VpcId", "VpcId"}}},
      {"AWS::EC2::SecurityGroup", {{"VpcId", "VpcId"}}},
      {"AWS::EC2::Instance",
       {{"PrivateIp", "PrivateIpAddress"}, {"AvailabilityZone", "AvailabilityZone"}}},
  };
  if (auto t = kFromProperty.find(r->type); t != kFromProperty.end()) {
    if (auto p = t->second.find(attr); p != t->second.end()) {
      if (!attrs_in_progress_.insert(key).second)
        throw EvalError{line, "Fn::GetAtt " + key + " depends on itself"};
      const Node* raw = r->properties ? r->properties->get(p->second) : nullptr;
      Node v = raw ? eval(*raw) : Node{};
      attrs_in_progress_.erase(key);
      if (!v.isNull()) return v;
    }
  }
  Node out = Node::text(key, line);
  out.ref = id;
  out.ref_attr = attr;
  // Values AWS assigns at creation (IPv6 blocks, addresses, DNS names, ARNs).
  static const std::set<std::string> kAwsAssigned = {"Ipv6CidrBlocks",
                                                     "CidrBlockAssociations",
                                                     "Ipv6CidrBlock",
                                                     "PublicIp",
                                                     "PrivateIp",
                                                     "DNSName",
                                                     "Arn",
                                                     "PublicDnsName",
                                                     "PrivateDnsName"};
  if (kAwsAssigned.count(attr)) out.unknown = true;
  return out;
}

}  // namespace netsim::import
