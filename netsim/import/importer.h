#pragma once
// `netsim import`: detects a source's format and turns it into netsim topology YAML plus a
// report. Today: CloudFormation (YAML or JSON) and Terraform (state, show -json, plan JSON). AWS
// CLI describe output is recognised and refused as not supported yet.
#include <string>
#include <vector>

#include "netsim/import/network.h"
#include "netsim/import/options.h"

namespace netsim::import {

enum class Format { kCloudFormation, kTerraformState, kTerraformPlan, kAwsCli, kUnknown };
Format detectFormat(const std::string& text);
const char* formatName(Format f);

struct SourceFile {
  std::string path;
  std::string text;
};

struct ImportResult {
  std::string yaml;  // the topology; empty when there are errors
  std::vector<SourceError> errors;
  Network network;
  std::map<std::string, std::string> parameters;  // the values used
  Format format = Format::kUnknown;
  bool ok() const { return errors.empty(); }
};

ImportResult importFiles(const std::vector<SourceFile>& files, const ImportOptions& options);

// The report: short (a few lines, always printed on stderr) or full (every resource).
std::string shortReport(const ImportResult& r);
std::string fullReport(const ImportResult& r);

// For a line of generated YAML: the `# from ...` note of that line, or of its nearest entry
// above, so a loader diagnostic can name the source resource. Empty when there is none.
std::string sourceNoteOfLine(const std::string& yaml, int line);

}  // namespace netsim::import
