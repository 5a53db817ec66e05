// Terraform: netsim names from resource addresses, and the links between resources (ids in a
// state, configuration references in a plan).
#include <algorithm>
#include <functional>
#include <tuple>

#include "netsim/import/cfn_network.h"
#include "netsim/import/tf_network.h"

namespace netsim::import {

using nlohmann::json;


Origin TfMapper::origin(const TfResource& r) const {
  const bool real = r.id.rfind("${", 0) != 0;
  return {r.address + (real && r.id != r.address ? " " + r.id : ""),
          r.file.empty() ? src_.file : r.file, r.line};
}

void TfMapper::report(ReportItem::Kind kind, const TfResource& r, const std::string& text) {
  net_.report.push_back({kind, origin(r), r.type, text});
  mapped_.insert(r.address);
}

void TfMapper::error(const TfResource& r, const std::string& message) {
  errors_.push_back({r.file.empty() ? src_.file : r.file, r.line, r.address, message});
}

std::string TfMapper::str(const TfResource& r, const std::string& key) const {
  auto it = r.attrs.find(key);
  return it == r.attrs.end() ? "" : tfScalar(*it);
}

bool TfMapper::flag(const TfResource& r, const std::string& key, bool dflt) const {
  auto it = r.attrs.find(key);
  if (it == r.attrs.end() || it->is_null()) return dflt;
  if (it->is_boolean()) return it->get<bool>();
  return tfScalar(*it) == "true";
}

int TfMapper::num(const TfResource& r, const std::string& key, int dflt) const {
  auto it = r.attrs.find(key);
  if (it == r.attrs.end() || it->is_null()) return dflt;
  if (it->is_number_integer()) return static_cast<int>(it->get<long long>());
  try {
    return std::stoi(tfScalar(*it));
  } catch (...) {
    return dflt;
  }
}

bool TfMapper::isUnknown(const TfResource& r, const std::string& key) const {
  return r.unknown.is_object() && r.unknown.value(key, json()) == json(true);
}

std::string TfMapper::nameOf(const TfResource* r) const {
  if (!r) return "";
  auto it = names_.find(r->address);
  return it == names_.end() ? "" : it->second;
}

std::string TfMapper::vpcOfSubnet(const std::string& subnet) const {
  const NetSubnet* s = net_.subnet(subnet);
  return s ? s->vpc : "";
}

const TfResource* TfMapper::linkValue(const TfResource& r, const std::string& what,
                                      const json& value, const json& expr,
                                      std::initializer_list<const char*> types, bool required) {
  auto typeOk = [&](const TfResource* t) {
    return std::any_of(types.begin(), types.end(), [&](const char* ty) { return t->type == ty; });
  };
  auto want = [&] {
    std::string w;
    for (const char* t : types) w += (w.empty() ? "" : " or ") + std::string(t);
    return w;
  };
  const std::string id = tfScalar(value);
  if (!id.empty()) {
    const TfResource* t = src_.byId(id);
    if (!t) {
      if (auto it = extra_ids_.find(id); it != extra_ids_.end()) t = &extra_[it->second];
    }
    if (!t) {
      error(r, what + " '" + id + "' is not " +
                   (!src_.scope.empty()
                        ? "in " + src_.scope
                        : std::string("a resource of this ") + (src_.plan ? "plan" : "state") +
                              " (netsim imports one state or plan)"));
      return nullptr;
    }
    if (!typeOk(t)) {
      error(r, what + " '" + id + "' is " + t->address + ", not a " + want());
      return nullptr;
    }
    return t;
  }
  if (src_.plan && expr.is_object()) {
    for (const auto& ref : expr.value("references", json::array())) {
      if (!ref.is_string()) continue;
      for (const TfResource* t : src_.resolveReference(r, ref.get<std::string>())) {
        if (typeOk(t)) return t;
      }
    }
  }
  if (required && src_.plan) {
    report(ReportItem::Kind::kApproximated, r,
           "warning: the link " + what + " (a " + want() +
               ") is unknown before apply and no reference of the configuration recovers it: "
               "left out");
  } else if (required) {
    error(r, what + " is missing");
  }
  return nullptr;
}

const TfResource* TfMapper::link(const TfResource& r, const std::string& key,
                                 std::initializer_list<const char*> types, bool required) {
  const json value = r.attrs.value(key, json());
  const json expr = r.expressions.is_object() ? r.expressions.value(key, json()) : json();
  return linkValue(r, key, value, expr, types, required);
}

std::vector<const TfResource*> TfMapper::links(const TfResource& r, const std::string& key,
                                               std::initializer_list<const char*> types) {
  std::vector<const TfResource*> out;
  const json value = r.attrs.value(key, json());
  if (value.is_array() && !value.empty()) {
    for (const auto& v : value) {
      if (const TfResource* t = linkValue(r, key, v, json(), types, true)) out.push_back(t);
    }
    return out;
  }
  if (!src_.plan || !r.expressions.is_object()) return out;
  const json expr = r.expressions.value(key, json());
  if (!expr.is_object()) return out;
  for (const auto& ref : expr.value("references", json::array())) {
    if (!ref.is_string()) continue;
    for (const TfResource* t : src_.resolveReference(r, ref.get<std::string>())) {
      if (std::any_of(types.begin(), types.end(), [&](const char* ty) { return t->type == ty; }) &&
          std::find(out.begin(), out.end(), t) == out.end())
        out.push_back(t);
    }
  }
  return out;
}

void TfMapper::registerVpcDefaults(const TfResource& r, std::set<std::string>& used) {
  const std::string vpc = names_[r.address];
  for (const auto& [key, type, suffix] :
       {std::tuple{"default_security_group_id", "aws_default_security_group", "-default-sg"},
        std::tuple{"main_route_table_id", "aws_default_route_table", "-main"},
        std::tuple{"default_route_table_id", "aws_default_route_table", "-main"},
        std::tuple{"default_network_acl_id", "aws_default_network_acl", "-default-acl"}}) {
    const std::string id = str(r, key);
    if (id.empty() || extra_ids_.count(id)) continue;
    TfResource x;
    x.address = r.address + "." + key;
    x.type = type;
    x.mode = "managed";
    x.id = id;
    x.line = r.line;
    extra_.push_back(x);
    extra_ids_[id] = extra_.size() - 1;
    names_[x.address] = vpc + suffix;
    used.insert(vpc + suffix);
  }
}

void TfMapper::assignNames() {
  std::set<std::string> used = {"internet-host", "internet", "igw"};
  auto take = [&](const std::string& base) {
    std::string name = base;
    for (int i = 2; used.count(name); ++i) {
      const std::string suffix = "-" + std::to_string(i);
      name = base.substr(0, 32 - std::min<size_t>(32, suffix.size())) + suffix;
    }
    used.insert(name);
    return name;
  };
  // VPCs first: their default groups and main tables are named after them.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& r : src_.resources) {
      if (r.mode != "managed" || (pass == 0) != (r.type == "aws_vpc")) continue;
      if (r.type == "aws_default_security_group" || r.type == "aws_default_route_table") continue;
      // module.net["a"].aws_subnet.private[0] -> net-a-private-0
      std::string readable;
      for (const std::string& part :
           {r.module,
            r.name + (r.index.is_null() ? ""
                                        : "-" + (r.index.is_string() ? r.index.get<std::string>()
                                                                     : r.index.dump()))}) {
        std::string p = part;
        for (const char* drop : {"module."}) {
          for (size_t at = p.find(drop); at != std::string::npos; at = p.find(drop))
            p.erase(at, std::string(drop).size());
        }
        if (!p.empty()) readable += (readable.empty() ? "" : "-") + p;
      }
      std::string base = netsimName(readable);
      if (used.count(base)) {
        std::string kind = r.type.rfind("aws_", 0) == 0 ? r.type.substr(4) : r.type;
        base = netsimName(kind + "-" + readable);
      }
      names_[r.address] = take(base);
      if (r.type == "aws_vpc") registerVpcDefaults(r, used);
    }
  }
  nameDefaultObjects(used, take);
}

void TfMapper::nameDefaultObjects(std::set<std::string>& used,
                                  const std::function<std::string(const std::string&)>& take) {
  // What stands for a VPC's own default objects takes their names.
  for (const auto& r : src_.resources) {
    if (r.type != "aws_default_security_group" && r.type != "aws_default_route_table") continue;
    const bool sg = r.type == "aws_default_security_group";
    const std::string vpc = sg ? nameOf(link(r, "vpc_id", {"aws_vpc"}, false)) : "";
    std::string name;
    if (sg && !vpc.empty()) name = vpc + "-default-sg";
    if (!sg) {
      const std::string id = str(r, "default_route_table_id");
      if (auto it = extra_ids_.find(id); it != extra_ids_.end())
        name = names_[extra_[it->second].address];
      if (name.empty()) {
        const TfResource* v = nullptr;
        for (const auto& x : src_.resources) {
          if (x.type == "aws_vpc" && x.attrs.value("default_route_table_id", json()) == json(id))
            v = &x;
        }
        if (v) name = nameOf(v) + "-main";
      }
      if (name.empty() && src_.plan) {
        const json e = r.expressions.is_object()
                           ? r.expressions.value("default_route_table_id", json())
                           : json();
        for (const auto& ref : e.is_object() ? e.value("references", json::array()) : json()) {
          for (const TfResource* t : src_.resolveReference(r, ref.get<std::string>()))
            if (t->type == "aws_vpc") name = nameOf(t) + "-main";
        }
      }
    }
    if (name.empty()) name = take(netsimName(r.name));
    used.insert(name);
    names_[r.address] = name;
  }
}

}  // namespace netsim::import
