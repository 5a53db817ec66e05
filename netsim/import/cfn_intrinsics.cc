// The Fn:: intrinsic functions of Template::eval.
#include <charconv>

#include "netsim/common/ipv4.h"
#include "netsim/import/cfn_eval.h"

namespace netsim::import {

namespace {

int toInt(const Node& n, int line, const std::string& what) {
  const std::string t = scalarText(n);
  int v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size())
    throw EvalError{line, what + " '" + t + "' is not a whole number"};
  return v;
}

Node unknownText(const std::string& text, int line) {
  Node n = Node::text(text, line);
  n.unknown = true;
  return n;
}

bool anyUnknown(const Node& n) {
  if (n.unknown) return true;
  for (const auto& i : n.items) {
    if (anyUnknown(i)) return true;
  }
  return false;
}

}  // namespace

std::string scalarText(const Node& n) {
  if (n.isScalar()) return n.scalar;
  if (n.isNull()) return "";
  if (n.isList()) {
    std::string out;
    for (const auto& i : n.items) out += (out.empty() ? "" : ",") + scalarText(i);
    return out;
  }
  return "{...}";
}

std::vector<std::string> availabilityZones(const std::string& region) {
  std::vector<std::string> out;
  for (char c = 'a'; c <= 'f'; ++c) out.push_back(region + c);
  return out;
}

std::optional<std::vector<std::string>> cidrSplit(const std::string& block, int count,
                                                  int cidr_bits, std::string& why) {
  auto b = common::Cidr::parse(block);
  if (!b) {
    why = "'" + block + "' is not an IPv4 CIDR block";
    return std::nullopt;
  }
  if (count < 1 || count > 256) {
    why = "the count must be 1 to 256, not " + std::to_string(count);
    return std::nullopt;
  }
  const int prefix = 32 - cidr_bits;
  if (cidr_bits < 0 || cidr_bits > 32 || prefix < b->prefixLength()) {
    why = std::to_string(cidr_bits) + " subnet bits do not fit in " + block;
    return std::nullopt;
  }
  const uint64_t size = uint64_t{1} << cidr_bits;
  if (size * static_cast<uint64_t>(count) > b->size()) {
    why =
        std::to_string(count) + " blocks of /" + std::to_string(prefix) + " do not fit in " + block;
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    common::Cidr c(common::Ipv4Address(static_cast<uint32_t>(b->network().value() +
                                                             size * static_cast<uint64_t>(i))),
                   prefix);
    out.push_back(c.str());
  }
  return out;
}

Node Template::intrinsic(const std::string& fn, const Node& arg, int line) {
  if (fn == "Fn::GetAtt") return getAtt(arg, line);
  if (fn == "Fn::Sub") return sub(arg, line);
  if (fn == "Fn::FindInMap") return findInMap(arg, line);
  if (fn == "Fn::If") return fnIf(arg, line);
  if (fn == "Fn::Equals" || fn == "Fn::And" || fn == "Fn::Or" || fn == "Fn::Not")
    return logic(fn, arg, line);
  if (fn == "Fn::Select") return select(arg, line);
  if (fn == "Fn::Join") return join(arg, line);
  if (fn == "Fn::Split") return split(arg, line);
  if (fn == "Fn::Cidr") return cidr(arg, line);
  if (fn == "Fn::GetAZs") return getAzs(arg, line);
  if (fn == "Fn::Base64") return eval(arg);
  if (fn == "Fn::ImportValue") return unknownText("ImportValue:" + scalarText(eval(arg)), line);
  if (fn == "Fn::Length") {
    Node l = eval(arg);
    return Node::text(std::to_string(l.isList() ? l.items.size() : 0), line);
  }
  if (fn == "Fn::ToJsonString" || fn == "Fn::Transform" || fn == "Fn::GetParam")
    return unknownText(fn, line);
  throw EvalError{line, "unknown intrinsic function " + fn};
}

Node Template::getAzs(const Node& arg, int line) {
  std::string region = scalarText(eval(arg));
  if (region.empty()) region = options_.region;
  std::vector<Node> items;
  for (auto& az : availabilityZones(region)) items.push_back(Node::text(az, line));
  return Node::list(std::move(items), line);
}

Node Template::fnIf(const Node& arg, int line) {
  if (!arg.isList() || arg.items.size() != 3)
    throw EvalError{line, "Fn::If takes [Condition, IfTrue, IfFalse]"};
  const std::string cond = scalarText(eval(arg.items[0]));
  return eval(conditionTrue(cond, arg.items[0].line) ? arg.items[1] : arg.items[2]);
}

Node Template::logic(const std::string& fn, const Node& arg, int line) {
  if (!arg.isList()) throw EvalError{line, fn + " takes a list"};
  auto truth = [&](const Node& n) {
    Node v = eval(n);
    if (!v.isScalar() || (v.scalar != "true" && v.scalar != "false")) {
      throw EvalError{n.line ? n.line : line, fn + ": '" + scalarText(v) + "' is not a condition"};
    }
    return v.scalar == "true";
  };
  bool result = false;
  if (fn == "Fn::Equals") {
    if (arg.items.size() != 2) throw EvalError{line, "Fn::Equals takes two values"};
    Node a = eval(arg.items[0]), b = eval(arg.items[1]);
    result = scalarText(a) == scalarText(b);
  } else if (fn == "Fn::Not") {
    if (arg.items.size() != 1) throw EvalError{line, "Fn::Not takes one condition"};
    result = !truth(arg.items[0]);
  } else {
    if (arg.items.size() < 2 || arg.items.size() > 10)
      throw EvalError{line, fn + " takes 2 to 10 conditions"};
    result = fn == "Fn::And";
    for (const auto& i : arg.items)
      result = fn == "Fn::And" ? (truth(i) && result) : (truth(i) || result);
  }
  return Node::text(result ? "true" : "false", line);
}

Node Template::select(const Node& arg, int line) {
  if (!arg.isList() || arg.items.size() != 2)
    throw EvalError{line, "Fn::Select takes [Index, List]"};
  const int index = toInt(eval(arg.items[0]), line, "Fn::Select index");
  Node list = eval(arg.items[1]);
  if (list.unknown) return unknownText(scalarText(list) + "[" + std::to_string(index) + "]", line);
  if (!list.isList()) throw EvalError{line, "Fn::Select needs a list"};
  if (index < 0 || static_cast<size_t>(index) >= list.items.size()) {
    throw EvalError{line, "Fn::Select index " + std::to_string(index) +
                              " is out of range (the list has " +
                              std::to_string(list.items.size()) + " items)"};
  }
  return list.items[static_cast<size_t>(index)];
}

Node Template::join(const Node& arg, int line) {
  if (!arg.isList() || arg.items.size() != 2)
    throw EvalError{line, "Fn::Join takes [Delimiter, List]"};
  const std::string delim = scalarText(eval(arg.items[0]));
  Node list = eval(arg.items[1]);
  if (!list.isList()) throw EvalError{line, "Fn::Join needs a list"};
  std::string out;
  for (size_t i = 0; i < list.items.size(); ++i)
    out += (i ? delim : "") + scalarText(list.items[i]);
  Node n = Node::text(out, line);
  n.unknown = anyUnknown(list);
  return n;
}

Node Template::split(const Node& arg, int line) {
  if (!arg.isList() || arg.items.size() != 2)
    throw EvalError{line, "Fn::Split takes [Delimiter, String]"};
  const std::string delim = scalarText(eval(arg.items[0]));
  if (delim.empty()) throw EvalError{line, "Fn::Split needs a delimiter"};
  Node source = eval(arg.items[1]);
  const std::string text = scalarText(source);
  std::vector<Node> items;
  size_t start = 0;
  for (size_t pos; (pos = text.find(delim, start)) != std::string::npos;
       start = pos + delim.size()) {
    items.push_back(Node::text(text.substr(start, pos - start), line));
  }
  items.push_back(Node::text(text.substr(start), line));
  Node out = Node::list(std::move(items), line);
  out.unknown = source.unknown;
  return out;
}

Node Template::cidr(const Node& arg, int line) {
  if (!arg.isList() || arg.items.size() != 3)
    throw EvalError{line, "Fn::Cidr takes [IpBlock, Count, CidrBits]"};
  Node block = eval(arg.items[0]);
  const int count = toInt(eval(arg.items[1]), line, "Fn::Cidr count");
  const int bits = toInt(eval(arg.items[2]), line, "Fn::Cidr cidrBits");
  if (block.unknown) {
    std::vector<Node> items;
    for (int i = 0; i < count && i < 256; ++i)
      items.push_back(unknownText(
          "Cidr(" + block.scalar + ")/" + std::to_string(bits) + "[" + std::to_string(i) + "]",
          line));
    Node out = Node::list(std::move(items), line);
    out.unknown = true;
    return out;
  }
  std::string why;
  auto blocks = cidrSplit(scalarText(block), count, bits, why);
  if (!blocks) throw EvalError{line, "Fn::Cidr: " + why};
  std::vector<Node> items;
  for (auto& b : *blocks) items.push_back(Node::text(b, line));
  return Node::list(std::move(items), line);
}

Node Template::findInMap(const Node& arg, int line) {
  if (!arg.isList() || arg.items.size() < 3)
    throw EvalError{line, "Fn::FindInMap takes [Map, TopKey, SecondKey]"};
  const std::string map = scalarText(eval(arg.items[0]));
  const std::string top = scalarText(eval(arg.items[1]));
  const std::string second = scalarText(eval(arg.items[2]));
  const Node* m = mappings_ ? mappings_->get(map) : nullptr;
  if (!m) throw EvalError{line, "Fn::FindInMap: no mapping " + map + " under Mappings"};
  const Node* t = m->get(top);
  const Node* v = t ? t->get(second) : nullptr;
  if (!v) {
    // The language extension's DefaultValue.
    if (arg.items.size() == 4) {
      if (const Node* d = arg.items[3].get("DefaultValue")) return eval(*d);
    }
    throw EvalError{line, "Fn::FindInMap: mapping " + map + " has no " + top + "/" + second};
  }
  return eval(*v);
}

Node Template::sub(const Node& arg, int line) {
  std::string text;
  const Node* vars = nullptr;
  if (arg.isScalar()) {
    text = arg.scalar;
  } else if (arg.isList() && arg.items.size() == 2 && arg.items[0].isScalar() &&
             arg.items[1].isMap()) {
    text = arg.items[0].scalar;
    vars = &arg.items[1];
  } else {
    throw EvalError{line, "Fn::Sub takes a string or [String, {Var: Value}]"};
  }
  std::string out;
  bool unknown = false;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("${", i);
    if (open == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    const size_t close = text.find('}', open);
    if (close == std::string::npos) throw EvalError{line, "Fn::Sub: '${' without '}'"};
    const std::string name = text.substr(open + 2, close - open - 2);
    i = close + 1;
    if (!name.empty() && name[0] == '!') {  // ${!Literal}
      out += "${" + name.substr(1) + "}";
      continue;
    }
    Node v;
    if (const Node* given = vars ? vars->get(name) : nullptr) {
      v = eval(*given);
    } else if (auto dot = name.find('.'); dot != std::string::npos && name.rfind("AWS::", 0) != 0) {
      v = getAtt(
          Node::list({Node::text(name.substr(0, dot)), Node::text(name.substr(dot + 1))}, line),
          line);
    } else {
      v = ref(name, line);
    }
    unknown = unknown || anyUnknown(v);
    out += scalarText(v);
  }
  Node n = Node::text(out, line);
  n.unknown = unknown;
  return n;
}

}  // namespace netsim::import
