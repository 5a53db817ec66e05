#include "netsim/import/importer.h"

#include <map>
#include <sstream>

#include "netsim/import/awscli_import.h"
#include "netsim/import/cfn_network.h"
#include "netsim/import/emit.h"
#include "netsim/import/tf_import.h"

namespace netsim::import {

namespace {

std::string stem(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  const auto dot = base.find('.');
  return dot == std::string::npos ? base : base.substr(0, dot);
}

std::string labName(const std::string& from) {
  std::string n = netsimName(from);
  if (n.size() > 16) n.resize(16);
  while (!n.empty() && n.back() == '-') n.pop_back();
  return n.empty() ? "imported" : n;
}

const char* kindName(ReportItem::Kind k) {
  switch (k) {
    case ReportItem::Kind::kMapped:
      return "mapped";
    case ReportItem::Kind::kImplicit:
      return "added";
    case ReportItem::Kind::kApproximated:
      return "approximated";
    case ReportItem::Kind::kIgnored:
      return "ignored";
    case ReportItem::Kind::kUnsupported:
      return "unsupported";
  }
  return "?";
}

}  // namespace

Format detectFormat(const std::string& text) {
  ParsedText p = parseTemplateText(text);
  if (!p.error.empty() || !p.root.isMap()) return Format::kUnknown;
  const Node& r = p.root;
  if (r.get("AWSTemplateFormatVersion")) return Format::kCloudFormation;
  if (const Node* res = r.get("Resources"); res && res->isMap()) {
    for (const auto& [id, v] : res->fields) {
      const Node* t = v.get("Type");
      if (t && t->isScalar() && t->scalar.find("::") != std::string::npos)
        return Format::kCloudFormation;
    }
  }
  if (r.get("planned_values") || r.get("resource_changes")) return Format::kTerraformPlan;
  if (r.get("terraform_version") && (r.get("resources") || r.get("values")))
    return Format::kTerraformState;
  for (const auto& [key, v] : r.fields) {
    if (isAwsCliKey(key)) return Format::kAwsCli;
  }
  return Format::kUnknown;
}

const char* formatName(Format f) {
  switch (f) {
    case Format::kCloudFormation:
      return "CloudFormation";
    case Format::kTerraformState:
      return "Terraform state";
    case Format::kTerraformPlan:
      return "Terraform plan JSON";
    case Format::kAwsCli:
      return "AWS CLI describe output";
    case Format::kUnknown:
      return "unknown";
  }
  return "unknown";
}

// Errors for files netsim cannot import, or cannot import together; the number of AWS CLI ones.
static size_t checkFormats(const std::vector<SourceFile>& files, std::vector<SourceError>& errors) {
  size_t aws_cli = 0;
  for (const auto& f : files) aws_cli += detectFormat(f.text) == Format::kAwsCli;
  for (const auto& f : files) {
    const Format fmt = detectFormat(f.text);
    if (fmt == Format::kAwsCli) {
      if (aws_cli != files.size())
        errors.push_back(
            {f.path, 0, "", "AWS CLI outputs cannot be mixed with a template or a state"});
    } else if (fmt == Format::kTerraformState || fmt == Format::kTerraformPlan) {
      if (files.size() > 1) {
        errors.push_back({f.path, 0, "",
                          "one Terraform state or plan at a time (several are not supported yet)"});
      }
    } else if (fmt != Format::kCloudFormation) {
      ParsedText p = parseTemplateText(f.text);
      errors.push_back(
          {f.path, p.error.empty() ? 0 : p.error_line, "",
           !p.error.empty()
               ? "not valid YAML or JSON: " + p.error
               : "not a format netsim imports (CloudFormation, Terraform state or plan, AWS CLI "
                 "describe output)"});
    }
  }
  return aws_cli;
}

ImportResult importFiles(const std::vector<SourceFile>& files, const ImportOptions& given) {
  ImportResult out;
  if (files.empty()) {
    out.errors.push_back({"", 0, "", "no source file given"});
    return out;
  }
  const size_t aws_cli = checkFormats(files, out.errors);
  if (!out.errors.empty()) return out;
  if (files.size() > 1 && aws_cli == 0) {
    out.errors.push_back(
        {files[1].path, 0, "",
         "one CloudFormation template at a time (several stacks are not supported yet)"});
    return out;
  }
  out.format = detectFormat(files[0].text);
  ImportOptions options = given;
  if (options.stack_name.empty()) options.stack_name = stem(files[0].path);
  Network& net = out.network;
  net.region = options.region;
  net.name = labName(options.lab_name.empty() ? options.stack_name : options.lab_name);
  if (out.format == Format::kCloudFormation) {
    ParsedText parsed = parseTemplateText(files[0].text);
    Template t(files[0].path, parsed.root, options);
    if (t.prepare()) CfnMapper(t, net).run();
    out.errors = t.errors();
    out.parameters = t.parameterValues();
  } else if (out.format == Format::kAwsCli) {
    std::vector<std::pair<std::string, std::string>> texts;
    for (const auto& f : files) texts.emplace_back(f.path, f.text);
    importAwsCli(texts, net, out.errors);
    options.region = net.region;
  } else {
    importTerraform(files[0].path, files[0].text, net, out.errors);
    options.region = net.region;
  }
  if (!out.errors.empty()) return out;
  if (net.vpcs.empty()) {
    out.errors.push_back({files[0].path, 0, "",
                          out.format == Format::kCloudFormation
                              ? "the template has no AWS::EC2::VPC: nothing to build a lab from"
                          : out.format == Format::kAwsCli
                              ? "no VPC in the AWS CLI outputs (add `aws ec2 describe-vpcs`): "
                                "nothing to build a lab from"
                              : "the source has no aws_vpc: nothing to build a lab from"});
    return out;
  }
  if (options.probes) addProbes(net);
  assignPublicAddresses(net);
  if (options.expect_auto) {
    addAutoExpectations(net);
    addIpv6Expectations(net);
    addTransitGatewayExpectations(net);
    addPeeringExpectations(net);
  }
  std::string from = files[0].path;
  for (size_t i = 1; i < files.size(); ++i) from += ", " + files[i].path;
  std::string header = "# netsim topology imported from " + from + " (" + formatName(out.format) +
                       ") by `netsim import`";
  for (const auto& [k, v] : out.parameters) header += "\n#   parameter " + k + " = " + v;
  header += "\n# Each entry names the resource it came from. Region " + options.region + ".\n";
  out.yaml = emitTopology(net, header);
  return out;
}

std::string shortReport(const ImportResult& r) {
  std::map<ReportItem::Kind, int> counts;
  std::map<std::string, int> unsupported;
  for (const auto& i : r.network.report) {
    ++counts[i.kind];
    if (i.kind == ReportItem::Kind::kUnsupported) ++unsupported[i.type];
  }
  std::ostringstream o;
  o << "netsim import: " << formatName(r.format) << ": " << counts[ReportItem::Kind::kMapped]
    << " mapped, " << counts[ReportItem::Kind::kImplicit] << " added, "
    << counts[ReportItem::Kind::kApproximated] << " approximated, "
    << counts[ReportItem::Kind::kIgnored] << " ignored, " << counts[ReportItem::Kind::kUnsupported]
    << " unsupported; " << r.network.subnets.size() << " subnets, " << r.network.expectations.size()
    << " expectations\n";
  for (const auto& [type, n] : unsupported) o << "  unsupported: " << type << " (" << n << ")\n";
  for (const auto& e : r.network.eips)
    o << "  elastic IP " << e.name << " -> " << e.address << "\n";
  return o.str();
}

std::string fullReport(const ImportResult& r) {
  std::ostringstream o;
  o << "netsim import report (" << formatName(r.format) << ", region " << r.network.region
    << ", lab '" << r.network.name << "')\n";
  for (const auto& [k, v] : r.parameters) o << "  parameter " << k << " = " << v << "\n";
  for (const auto& i : r.network.report) {
    o << "  " << kindName(i.kind) << ": ";
    if (!i.origin.id.empty())
      o << i.origin.id << " (" << i.type << ", " << i.origin.file << ":" << i.origin.line << "): ";
    o << i.text << "\n";
  }
  return o.str();
}

std::string sourceNoteOfLine(const std::string& yaml, int line) {
  std::vector<std::string> lines;
  std::istringstream in(yaml);
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  for (int i = std::min<int>(line, static_cast<int>(lines.size())); i >= 1; --i) {
    const auto& l = lines[static_cast<size_t>(i - 1)];
    const auto pos = l.find("  # from ");
    if (pos != std::string::npos) return l.substr(pos + 4);
    if (!l.empty() && l[0] != ' ' && l[0] != '#' && i != line)
      return "";  // left the top-level section
  }
  return "";
}

}  // namespace netsim::import
