#pragma once
// Terraform sources read into one list of resource instances: a state file (format version 4),
// `terraform show -json` of a state (values.root_module, child_modules), or a plan
// (`terraform show -json PLANFILE`: planned_values plus the configuration's references, which
// recover the links whose ids are unknown before apply). Pure: JSON text in, resources out.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "netsim/import/options.h"

namespace netsim::import {

struct TfResource {
  std::string address;  // module.vpc.aws_subnet.private["a"]
  std::string module;   // module.vpc (the instance's module address; "" at the root)
  std::string mode;     // managed or data
  std::string type, name;
  nlohmann::json index;  // null, a number (count) or a string (for_each)
  nlohmann::json attrs;  // attributes (state) or planned values (plan)
  // Plan only: the configuration's expressions of the resource (null otherwise) and which
  // attributes are unknown before apply (after_unknown).
  nlohmann::json expressions, unknown;
  int line = 0;
  std::string id;    // attrs.id, or "${address}" when unknown (plan)
  std::string file;  // the file it came from when not TfSource::file (AWS CLI: several files)
};

struct TfSource {
  std::string file;
  bool plan = false;
  std::string scope;   // how a link error names the source ("" : "this state" or "this plan")
  std::string region;  // from the provider configuration or an ARN; empty if none
  std::vector<TfResource> resources;
  std::map<std::string, size_t> by_id, by_address;

  const TfResource* byId(const std::string& id) const;
  const TfResource* byAddress(const std::string& address) const;
  // The resources a configuration reference made in `from`'s module names ("aws_vpc.main",
  // "aws_subnet.private[0]", "aws_subnet.private" with count/for_each: the instance of the same
  // index as `from`, else every instance).
  std::vector<const TfResource*> resolveReference(const TfResource& from,
                                                  const std::string& reference) const;
};

// A JSON scalar as text (strings as they are, numbers, booleans "true"/"false"); "" otherwise.
std::string tfScalar(const nlohmann::json& v);

// Reads `text`; errors (not JSON, an unknown state version, a resource without type or name)
// name the file, the line and the address where one is known.
bool readTerraform(const std::string& file, const std::string& text, TfSource& out,
                   std::vector<SourceError>& errors);

// The 1-based line of the resource in `text`: of `"address": "<address>"`, else of its type and
// name in a state's resource list (and of its index_key); 0 when not found.
int tfLineOf(const std::string& text, const TfResource& r);

}  // namespace netsim::import
