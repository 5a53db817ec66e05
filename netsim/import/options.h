#pragma once
// What `netsim import` (and a verb importing a file on the fly) asks of an importer.
#include <map>
#include <string>

namespace netsim::import {

struct ImportOptions {
  std::map<std::string, std::string> params;  // --param K=V
  std::string region = "us-east-1";           // --region, the value of AWS::Region
  std::string account_id = "123456789012";    // AWS::AccountId
  std::string stack_name;                     // AWS::StackName; default: the first file's stem
  std::string lab_name;                       // the topology's `name`; default from the stack name
  bool probes = false;                        // --probes
  bool expect_auto = false;                   // --expect auto
};

// An error in the source, naming the resource and the line.
struct SourceError {
  std::string file;
  int line = 0;
  std::string resource;  // logical id, empty for template-level errors
  std::string message;
  std::string str() const {
    return file + (line > 0 ? ":" + std::to_string(line) : "") +
           ": error: " + (resource.empty() ? "" : resource + ": ") + message;
  }
};

}  // namespace netsim::import
