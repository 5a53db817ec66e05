#pragma once
// A CloudFormation template evaluated as AWS would at stack creation: parameters (defaults,
// AllowedValues, values from the command line), pseudo parameters, Mappings, Conditions and the
// intrinsic functions. Evaluation is lazy, per property, so a parameter without a default only
// matters where a mapped property uses it. Resource references stay references (Node::ref).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "netsim/import/cfn_node.h"
#include "netsim/import/options.h"

namespace netsim::import {

struct CfnResource {
  std::string id;
  std::string type;
  const Node* properties = nullptr;  // null when the resource has none
  int line = 0;
  bool created = true;    // false when its Condition is false
  std::string condition;  // the condition that decided it, if any
};

// Thrown inside evaluation, caught at the property that needed the value.
struct EvalError {
  int line;
  std::string message;
};

class Template {
 public:
  Template(std::string file, const Node& root, const ImportOptions& options);

  // Reads Parameters, Mappings, Conditions and Resources; false (with errors()) when broken.
  bool prepare();
  const std::string& file() const { return file_; }
  const std::vector<CfnResource>& resources() const { return resources_; }
  const CfnResource* find(const std::string& id) const;

  // A property of `r`, evaluated; a Null node when absent or AWS::NoValue. On an evaluation
  // error the error is recorded (naming the resource and line) and a Null node returned.
  Node prop(const CfnResource& r, const std::string& key);
  // Evaluates any node (intrinsics resolved). Throws EvalError.
  Node eval(const Node& n);
  bool conditionTrue(const std::string& name, int line);

  std::vector<SourceError>& errors() { return errors_; }
  void error(int line, const std::string& resource, const std::string& message);
  const std::string& region() const { return options_.region; }
  // The parameter values used (default or given), for the report.
  const std::map<std::string, std::string>& parameterValues() const { return param_text_; }

 private:
  Node intrinsic(const std::string& fn, const Node& arg, int line);
  Node ref(const std::string& name, int line);
  Node getAtt(const Node& arg, int line);
  Node sub(const Node& arg, int line);
  Node findInMap(const Node& arg, int line);
  Node fnIf(const Node& arg, int line);
  Node logic(const std::string& fn, const Node& arg, int line);
  Node select(const Node& arg, int line);
  Node join(const Node& arg, int line);
  Node split(const Node& arg, int line);
  Node cidr(const Node& arg, int line);
  Node getAzs(const Node& arg, int line);
  Node pseudo(const std::string& name, int line, bool& found);
  bool readParameters();
  bool readResources();

  std::string file_;
  const Node& root_;
  ImportOptions options_;
  std::map<std::string, Node> params_;
  std::map<std::string, std::string> param_text_;
  std::map<std::string, std::pair<std::string, int>> missing_params_;  // name -> (why, line)
  const Node* mappings_ = nullptr;
  const Node* conditions_ = nullptr;
  std::map<std::string, bool> condition_cache_;
  std::set<std::string> conditions_in_progress_;
  std::vector<CfnResource> resources_;
  std::map<std::string, size_t> index_;
  std::vector<SourceError> errors_;
  int depth_ = 0;
  std::set<std::string> attrs_in_progress_;
};

// The text of a scalar value (a reference gives the logical id, `Id.Attr` for an attribute).
std::string scalarText(const Node& n);
// Fn::Cidr as AWS computes it: `count` blocks of 2^cidr_bits addresses each, in order from the
// start of `block`. nullopt (with `why`) when they do not fit or an argument is out of range.
std::optional<std::vector<std::string>> cidrSplit(const std::string& block, int count,
                                                  int cidr_bits, std::string& why);
// AZ names of Fn::GetAZs: <region>a, <region>b, ... (six, as us-east-1 has).
std::vector<std::string> availabilityZones(const std::string& region);

}  // namespace netsim::import
