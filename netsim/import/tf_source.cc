#include "netsim/import/tf_source.h"

#include <functional>

namespace netsim::import {

using nlohmann::json;

namespace {

int lineAt(const std::string& text, size_t pos) {
  int line = 1;
  for (size_t i = 0; i < pos && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// "module.a[\"x\"].module.b[0]" -> "module.a.module.b": a module instance's configuration path.
std::string stripIndexes(const std::string& s) {
  std::string out;
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (depth > 0) {
      if (quoted && c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && c == ']') {
        --depth;
      }
      continue;
    }
    if (c == '[') {
      depth = 1;
      continue;
    }
    out += c;
  }
  return out;
}

std::string indexSuffix(const json& index) {
  if (index.is_number_integer()) return "[" + std::to_string(index.get<long long>()) + "]";
  if (index.is_string()) return "[" + index.dump() + "]";
  return "";
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string regionOfArn(const std::string& arn) {
  // arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1
  if (arn.rfind("arn:aws", 0) != 0) return "";
  size_t p = 0;
  for (int i = 0; i < 3; ++i) {
    p = arn.find(':', p);
    if (p == std::string::npos) return "";
    ++p;
  }
  const size_t e = arn.find(':', p);
  return e == std::string::npos ? "" : arn.substr(p, e - p);
}

void finish(TfSource& out, const std::string& text_in) {
  for (size_t i = 0; i < out.resources.size(); ++i) {
    TfResource& r = out.resources[i];
    r.line = tfLineOf(text_in, r);
    const std::string id = r.attrs.is_object() ? text(r.attrs, "id") : "";
    r.id = id.empty() ? "${" + r.address + "}" : id;
    if (r.mode == "managed") out.by_id.emplace(r.id, i);
    out.by_address.emplace(r.address, i);
    if (out.region.empty() && r.attrs.is_object()) out.region = regionOfArn(text(r.attrs, "arn"));
  }
}

bool readValuesModule(const std::string& file, const json& m, TfSource& out,
                      std::vector<SourceError>& errors) {
  if (!m.is_object()) return true;
  if (auto rs = m.find("resources"); rs != m.end() && rs->is_array()) {
    for (const auto& jr : *rs) {
      TfResource r;
      r.address = text(jr, "address");
      r.mode = text(jr, "mode");
      r.type = text(jr, "type");
      r.name = text(jr, "name");
      if (r.address.empty() || r.type.empty() || r.name.empty()) {
        errors.push_back({file, 0, r.address, "a resource without address, type or name"});
        return false;
      }
      if (r.mode.empty()) r.mode = "managed";
      if (auto ix = jr.find("index"); ix != jr.end()) r.index = *ix;
      r.module = text(m, "address");
      if (auto v = jr.find("values"); v != jr.end() && v->is_object()) {
        r.attrs = *v;
      } else {
        r.attrs = json::object();
      }
      out.resources.push_back(std::move(r));
    }
  }
  if (auto cs = m.find("child_modules"); cs != m.end() && cs->is_array()) {
    for (const auto& c : *cs) {
      if (!readValuesModule(file, c, out, errors)) return false;
    }
  }
  return true;
}

bool readState(const std::string& file, const std::string& text_in, const json& root, TfSource& out,
               std::vector<SourceError>& errors) {
  const json version = root.value("version", json());
  if (!version.is_number_integer() || version.get<long long>() != 4) {
    errors.push_back({file, 0, "",
                      "Terraform state version " + version.dump() +
                          ": netsim reads format version 4 (Terraform 0.12 and later)"});
    return false;
  }
  const json& resources = root.value("resources", json::array());
  if (!resources.is_array()) {
    errors.push_back({file, 0, "", "`resources` is not a list"});
    return false;
  }
  for (const auto& jr : resources) {
    if (!jr.is_object()) {
      errors.push_back({file, 0, "", "an entry of `resources` is not an object"});
      return false;
    }
    const std::string module = text(jr, "module");
    const std::string mode = jr.contains("mode") ? text(jr, "mode") : "managed";
    const std::string type = text(jr, "type");
    const std::string name = text(jr, "name");
    const std::string base =
        (module.empty() ? "" : module + ".") + (mode == "data" ? "data." : "") + type + "." + name;
    if (type.empty() || name.empty()) {
      errors.push_back({file, 0, base, "a resource without type or name"});
      return false;
    }
    const json instances = jr.value("instances", json::array());
    if (!instances.is_array()) {
      errors.push_back({file, 0, base, "`instances` is not a list"});
      return false;
    }
    for (const auto& ji : instances) {
      TfResource r;
      r.module = module;
      r.mode = mode;
      r.type = type;
      r.name = name;
      if (ji.is_object() && ji.contains("index_key")) r.index = ji["index_key"];
      r.address = base + indexSuffix(r.index);
      if (!ji.is_object()) {
        errors.push_back({file, tfLineOf(text_in, r), r.address, "an instance is not an object"});
        return false;
      }
      auto a = ji.find("attributes");
      if (a == ji.end() || !a->is_object()) {
        errors.push_back({file, tfLineOf(text_in, r), r.address,
                          ji.contains("attributes_flat")
                              ? "flat attributes (a state written before Terraform 0.12)"
                              : "an instance without attributes"});
        return false;
      }
      r.attrs = *a;
      out.resources.push_back(std::move(r));
    }
  }
  return true;
}

// The configuration of every module path: "module.vpc.aws_subnet.private" -> expressions.
void readConfiguration(const json& m, const std::string& path, std::map<std::string, json>& out) {
  if (!m.is_object()) return;
  if (auto rs = m.find("resources"); rs != m.end() && rs->is_array()) {
    for (const auto& r : *rs) {
      const std::string a = text(r, "address");
      if (!a.empty() && r.contains("expressions"))
        out[(path.empty() ? "" : path + ".") + a] = r["expressions"];
    }
  }
  if (auto calls = m.find("module_calls"); calls != m.end() && calls->is_object()) {
    for (const auto& [name, call] : calls->items()) {
      if (call.is_object() && call.contains("module"))
        readConfiguration(call["module"], (path.empty() ? "" : path + ".") + "module." + name, out);
    }
  }
}

}  // namespace

std::string tfScalar(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return "";
}

const TfResource* TfSource::byId(const std::string& id) const {
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : &resources[it->second];
}

const TfResource* TfSource::byAddress(const std::string& address) const {
  auto it = by_address.find(address);
  return it == by_address.end() ? nullptr : &resources[it->second];
}

std::vector<const TfResource*> TfSource::resolveReference(const TfResource& from,
                                                          const std::string& ref) const {
  for (const char* p :
       {"var.", "local.", "each.", "count.", "path.", "module.", "self.", "terraform."}) {
    if (ref.rfind(p, 0) == 0) return {};
  }
  // [data.]type.name[index] and then attributes.
  size_t pos = ref.rfind("data.", 0) == 0 ? 5 : 0;
  const size_t dot = ref.find('.', pos);
  if (dot == std::string::npos) return {};
  size_t end = dot + 1;
  while (end < ref.size() && ref[end] != '.' && ref[end] != '[') ++end;
  const std::string base = (from.module.empty() ? "" : from.module + ".") + ref.substr(0, end);
  std::string index;
  if (end < ref.size() && ref[end] == '[') {
    const size_t close = ref.find(']', end);
    if (close == std::string::npos) return {};
    index = ref.substr(end, close - end + 1);
    if (index[1] == '"' || std::isdigit(static_cast<unsigned char>(index[1]))) {
      const TfResource* r = byAddress(base + index);
      return r ? std::vector<const TfResource*>{r} : std::vector<const TfResource*>{};
    }
  }
  std::vector<const TfResource*> all;
  for (const auto& r : resources) {
    if (r.address == base || (r.address.size() > base.size() && r.address[base.size()] == '[' &&
                              r.address.compare(0, base.size(), base) == 0))
      all.push_back(&r);
  }
  if (all.size() > 1 && !from.index.is_null()) {
    for (const auto* r : all) {
      if (r->index == from.index) return {r};
    }
  }
  return all;
}

int tfLineOf(const std::string& text_in, const TfResource& r) {
  const std::string quoted = json(r.address).dump();
  for (size_t p = text_in.find(quoted); p != std::string::npos; p = text_in.find(quoted, p + 1)) {
    size_t b = p;
    while (b > 0 && std::isspace(static_cast<unsigned char>(text_in[b - 1]))) --b;
    if (b > 0 && text_in[b - 1] == ':') {
      size_t k = b - 1;
      while (k > 0 && std::isspace(static_cast<unsigned char>(text_in[k - 1]))) --k;
      if (k >= 9 && text_in.compare(k - 9, 9, "\"address\"") == 0) return lineAt(text_in, p);
    }
  }
  // A state: "type": "<type>" followed by "name": "<name>" (and the index_key of the instance).
  const std::string type = "\"" + r.type + "\"";
  const std::string name = json(r.name).dump();
  for (size_t p = text_in.find(type); p != std::string::npos; p = text_in.find(type, p + 1)) {
    const size_t n = text_in.find(name, p);
    const size_t next_type = text_in.find("\"type\"", p + type.size());
    if (n == std::string::npos || (next_type != std::string::npos && n > next_type)) continue;
    if (r.index.is_null()) return lineAt(text_in, n);
    const std::string key = r.index.dump();
    const size_t next_res = text_in.find("\"type\"", n);
    for (size_t k = text_in.find("\"index_key\"", n);
         k != std::string::npos && (next_res == std::string::npos || k < next_res);
         k = text_in.find("\"index_key\"", k + 1)) {
      size_t v = k + 11;
      while (v < text_in.size() &&
             (std::isspace(static_cast<unsigned char>(text_in[v])) || text_in[v] == ':'))
        ++v;
      if (text_in.compare(v, key.size(), key) == 0) return lineAt(text_in, k);
    }
    return lineAt(text_in, n);
  }
  return 0;
}

bool readTerraform(const std::string& file, const std::string& text_in, TfSource& out,
                   std::vector<SourceError>& errors) {
  out.file = file;
  json root = json::parse(text_in, nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    errors.push_back({file, 0, "", "not valid JSON"});
    return false;
  }
  bool ok = true;
  if (root.contains("planned_values") || root.contains("resource_changes")) {
    out.plan = true;
    const json pv = root.value("planned_values", json::object());
    ok = readValuesModule(file, pv.is_object() ? pv.value("root_module", json()) : json(), out,
                          errors);
    std::map<std::string, json> config;
    const json cfg = root.value("configuration", json::object());
    if (cfg.is_object()) {
      readConfiguration(cfg.value("root_module", json()), "", config);
      const json pc = cfg.value("provider_config", json::object());
      if (pc.is_object()) {
        for (const auto& [k, p] : pc.items()) {
          if (k.rfind("aws", 0) != 0 || !p.is_object() || !p.contains("expressions")) continue;
          const json& e = p["expressions"];
          if (e.is_object() && e.contains("region") && e["region"].is_object())
            out.region = text(e["region"], "constant_value");
          if (!out.region.empty()) break;
        }
      }
    }
    std::map<std::string, json> unknown;
    const json changes = root.value("resource_changes", json::array());
    if (changes.is_array()) {
      for (const auto& c : changes) {
        if (c.is_object() && c.contains("change") && c["change"].is_object())
          unknown[text(c, "address")] = c["change"].value("after_unknown", json());
      }
    }
    for (auto& r : out.resources) {
      const std::string key =
          stripIndexes((r.module.empty() ? "" : r.module + ".") +
                       (r.mode == "data" ? "data." : "") + r.type + "." + r.name);
      if (auto it = config.find(key); it != config.end()) r.expressions = it->second;
      if (auto it = unknown.find(r.address); it != unknown.end()) r.unknown = it->second;
    }
  } else if (root.contains("values")) {
    const json v = root["values"];
    ok = readValuesModule(file, v.is_object() ? v.value("root_module", json()) : json(), out,
                          errors);
  } else {
    ok = readState(file, text_in, root, out, errors);
  }
  if (!ok) {
    for (auto& e : errors) {
      if (e.line == 0 && !e.resource.empty()) {
        TfResource r;
        r.address = e.resource;
        e.line = tfLineOf(text_in, r);
      }
    }
    return false;
  }
  finish(out, text_in);
  return true;
}

}  // namespace netsim::import
