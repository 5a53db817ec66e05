#include "netsim/import/cfn_node.h"

#include <yaml-cpp/yaml.h>

#include <map>

namespace netsim::import {

const Node* Node::get(std::string_view key) const {
  if (kind != Kind::kMap) return nullptr;
  for (const auto& [k, v] : fields) {
    if (k == key) return &v;
  }
  return nullptr;
}

Node Node::text(std::string s, int line) {
  Node n;
  n.kind = Kind::kScalar;
  n.scalar = std::move(s);
  n.line = line;
  return n;
}

Node Node::noValue() {
  Node n;
  n.kind = Kind::kNoValue;
  return n;
}

Node Node::list(std::vector<Node> items, int line) {
  Node n;
  n.kind = Kind::kList;
  n.items = std::move(items);
  n.line = line;
  return n;
}

namespace {

constexpr int kMaxDepth = 200;

struct TagError {
  std::string message;
  int line;
};

// The long-form key of a short-form tag, or empty for an unknown one.
std::string longFormKey(const std::string& tag) {
  static const std::map<std::string, std::string> kTags = {{"!Ref", "Ref"},
                                                           {"!Condition", "Condition"},
                                                           {"!GetAtt", "Fn::GetAtt"},
                                                           {"!If", "Fn::If"},
                                                           {"!Sub", "Fn::Sub"},
                                                           {"!Join", "Fn::Join"},
                                                           {"!Select", "Fn::Select"},
                                                           {"!Split", "Fn::Split"},
                                                           {"!GetAZs", "Fn::GetAZs"},
                                                           {"!Cidr", "Fn::Cidr"},
                                                           {"!Equals", "Fn::Equals"},
                                                           {"!And", "Fn::And"},
                                                           {"!Or", "Fn::Or"},
                                                           {"!Not", "Fn::Not"},
                                                           {"!FindInMap", "Fn::FindInMap"},
                                                           {"!Base64", "Fn::Base64"},
                                                           {"!ImportValue", "Fn::ImportValue"},
                                                           {"!Transform", "Fn::Transform"},
                                                           {"!Length", "Fn::Length"},
                                                           {"!ToJsonString", "Fn::ToJsonString"},
                                                           {"!GetParam", "Fn::GetParam"}};
  auto it = kTags.find(tag);
  return it == kTags.end() ? std::string() : it->second;
}

Node convert(const YAML::Node& y, int depth) {
  const int line = y.Mark().line + 1;
  if (depth > kMaxDepth)
    throw TagError{"the template nests deeper than " + std::to_string(kMaxDepth), line};
  Node n;
  n.line = line;
  switch (y.Type()) {
    case YAML::NodeType::Scalar:
      n.kind = Node::Kind::kScalar;
      n.scalar = y.Scalar();
      break;
    case YAML::NodeType::Sequence:
      n.kind = Node::Kind::kList;
      for (const auto& item : y) n.items.push_back(convert(item, depth + 1));
      break;
    case YAML::NodeType::Map:
      n.kind = Node::Kind::kMap;
      for (const auto& kv : y) {
        if (!kv.first.IsScalar()) throw TagError{"a mapping key must be a plain value", line};
        n.fields.emplace_back(kv.first.Scalar(), convert(kv.second, depth + 1));
      }
      break;
    default:
      n.kind = Node::Kind::kNull;
      break;
  }
  const std::string& tag = y.Tag();
  if (tag.empty() || tag == "?" || tag == "!") return n;
  if (tag.rfind("tag:yaml.org,2002:", 0) == 0) return n;  // !!str and friends
  const std::string key = longFormKey(tag);
  if (key.empty()) throw TagError{"unknown tag '" + tag + "'", line};
  if (key == "Fn::GetAtt" && n.isScalar()) {
    // !GetAtt Resource.Attribute (the attribute may itself contain dots).
    const auto dot = n.scalar.find('.');
    if (dot == std::string::npos)
      throw TagError{"!GetAtt needs Resource.Attribute, not '" + n.scalar + "'", line};
    Node list = Node::list(
        {Node::text(n.scalar.substr(0, dot), line), Node::text(n.scalar.substr(dot + 1), line)},
        line);
    n = std::move(list);
  }
  if (key == "Fn::GetAZs" && n.isNull()) n = Node::text("", line);
  Node wrapped;
  wrapped.kind = Node::Kind::kMap;
  wrapped.line = line;
  wrapped.fields.emplace_back(key, std::move(n));
  return wrapped;
}

}  // namespace

ParsedText parseTemplateText(const std::string& text) {
  ParsedText out;
  try {
    out.root = convert(YAML::Load(text), 0);
  } catch (const TagError& e) {
    out.error = e.message;
    out.error_line = e.line;
  } catch (const YAML::Exception& e) {
    out.error = e.msg;
    out.error_line = e.mark.line + 1;
  }
  return out;
}

}  // namespace netsim::import
