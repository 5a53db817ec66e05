#pragma once
// A CloudFormation template as a plain tree with source lines: YAML (short-form tags such as
// `!Ref` rewritten to their long form `{Ref: ...}`) and JSON (read by the same YAML 1.2 parser,
// which keeps line numbers) give the same tree.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netsim::import {

struct Field;

struct Node {
  enum class Kind { kNull, kScalar, kList, kMap, kNoValue };
  Kind kind = Kind::kNull;
  std::string scalar;
  std::vector<Node> items;    // kList
  std::vector<Field> fields;  // kMap, in file order
  int line = 0;               // 1-based; 0 when made by the importer
  // Set on values an intrinsic made from a resource: `Ref` (attr empty) or `Fn::GetAtt`.
  std::string ref;
  std::string ref_attr;
  // A value that only exists once AWS creates the stack (an Amazon-provided IPv6 block, an
  // imported output): usable as an opaque label, never as an address.
  bool unknown = false;

  bool isNull() const { return kind == Kind::kNull; }
  bool isScalar() const { return kind == Kind::kScalar; }
  bool isList() const { return kind == Kind::kList; }
  bool isMap() const { return kind == Kind::kMap; }
  const Node* get(std::string_view key) const;

  static Node text(std::string s, int line = 0);
  static Node list(std::vector<Node> items, int line = 0);
  static Node noValue();
};

// One key of a mapping (a complete type after Node, so that Node may hold a vector of them).
struct Field {
  Field(std::string k, Node v) : first(std::move(k)), second(std::move(v)) {}
  std::string first;
  Node second;
};

struct ParsedText {
  Node root;
  std::string error;  // empty when parsed
  int error_line = 0;
};

// Parses YAML or JSON text. Short-form tags become one-key maps (`!GetAtt A.B` becomes
// `{Fn::GetAtt: [A, B]}`); an unknown tag is an error.
ParsedText parseTemplateText(const std::string& text);

}  // namespace netsim::import
