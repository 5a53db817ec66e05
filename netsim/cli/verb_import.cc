#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "netsim/cli/topology_arg.h"
#include "netsim/cli/verb.h"
#include "netsim/import/importer.h"
#include "netsim/topology/loader.h"

namespace po = boost::program_options;

namespace netsim::cli {

namespace {

std::optional<import::ImportOptions> parseOptions(const po::variables_map& vm) {
  import::ImportOptions o;
  auto params = paramsOf(vm, "import");
  if (!params) return std::nullopt;
  o.params = *params;
  o.region = vm["region"].as<std::string>();
  o.lab_name = vm["name"].as<std::string>();
  o.probes = vm.count("probes") > 0;
  const auto expect = vm["expect"].as<std::string>();
  if (!expect.empty() && expect != "auto") {
    std::cerr << "netsim import: --expect takes 'auto', not '" << expect << "'\n";
    return std::nullopt;
  }
  o.expect_auto = expect == "auto";
  return o;
}

nlohmann::json toJson(const import::ImportResult& r, const topology::LoadResult* loaded) {
  nlohmann::json j;
  j["format"] = import::formatName(r.format);
  j["ok"] = r.ok() && loaded && loaded->ok();
  j["errors"] = nlohmann::json::array();
  for (const auto& e : r.errors) {
    j["errors"].push_back(
        {{"file", e.file}, {"line", e.line}, {"resource", e.resource}, {"message", e.message}});
  }
  if (loaded) {
    for (const auto& d : loaded->diagnostics.items()) {
      j["errors"].push_back(
          {{"file", d.where.file},
           {"line", d.where.line},
           {"resource", d.path},
           {"message", d.message + " [" + import::sourceNoteOfLine(r.yaml, d.where.line) + "]"}});
    }
  }
  j["parameters"] = r.parameters;
  j["report"] = nlohmann::json::array();
  static const char* kKinds[] = {"mapped", "added", "approximated", "ignored", "unsupported"};
  for (const auto& i : r.network.report) {
    j["report"].push_back({{"kind", kKinds[static_cast<int>(i.kind)]},
                           {"resource", i.origin.id},
                           {"type", i.type},
                           {"line", i.origin.line},
                           {"text", i.text}});
  }
  nlohmann::json eips = nlohmann::json::object();
  for (const auto& e : r.network.eips) eips[e.origin.id] = e.address;
  j["elastic_ips"] = eips;
  j["topology"] = r.yaml;
  return j;
}

// The files of `paths` (a directory: its *.json files, whose name is the default lab name).
std::optional<std::vector<import::SourceFile>> readSources(const std::vector<std::string>& paths,
                                                           import::ImportOptions& options) {
  std::vector<import::SourceFile> files;
  if (paths.size() == 1 && std::filesystem::is_directory(paths[0]))
    options.stack_name = sourceDirName(paths[0]);
  for (const auto& f : paths) {
    auto read = readImportSources(f);
    if (read.empty()) {
      std::cerr << "netsim import: cannot read " << f
                << (std::filesystem::is_directory(f) ? " (a directory without *.json files)" : "")
                << "\n";
      return std::nullopt;
    }
    files.insert(files.end(), read.begin(), read.end());
  }
  return files;
}

}  // namespace

Outcome runImport(const Args& args) {
  VerbParser p(
      "netsim import FILE... [-o TOPOLOGY] [--param K=V ...] [--region R] [--probes] [--expect "
      "auto] "
      "[--report] [--json]",
      "Turns a CloudFormation template (YAML with short-form tags, or JSON), a Terraform state\n"
      "(format 4, or `terraform show -json`) or a Terraform plan JSON into a netsim\n"
      "topology: VPCs, subnets, route tables, gateways, NAT, endpoints, security groups, NACLs,\n"
      "instances, load balancers, auto scaling groups, peering, transit gateways and flow logs,\n"
      "each entry with a comment naming the resource it came from, plus what AWS adds\n"
      "implicitly (the main route table and default security group; the default NACL is\n"
      "reported). Elastic and public IPs are remapped into 203.0.113.0/24. The result is\n"
      "checked like any topology file. A short report goes to stderr (the full one with\n"
      "--report); the topology to stdout or -o.\n"
      "AWS CLI JSON: the outputs of aws ec2 describe-* and aws elbv2 describe-*, as several\n"
      "files, one directory of *.json files, or one file merging them. validate, path, plan,\n"
      "graph, up and check also take a template, state, plan or such a directory directly\n"
      "(imported with parameter defaults or their --param, --probes and --expect auto).",
      "netsim import stack.yaml --param Env=prod --region eu-west-1 --probes --expect auto -o "
      "lab.yaml");
  p.options()("output,o", po::value<std::string>()->default_value(""),
              "write the topology to this file")("param",
                                                 po::value<std::vector<std::string>>()->composing(),
                                                 "a template parameter, KEY=VALUE (repeatable)")(
      "region", po::value<std::string>()->default_value("us-east-1"),
      "AWS::Region (and the AZs of Fn::GetAZs)")("name",
                                                 po::value<std::string>()->default_value(""),
                                                 "the lab name (default: from the file name)")(
      "probes", "add a probe instance to every subnet without an instance")(
      "expect", po::value<std::string>()->default_value(""),
      "'auto': expectations derived from the route tables")(
      "report", "print the full report (every resource) on stderr")("json",
                                                                    "print the result as JSON");
  p.positionals()("files", po::value<std::vector<std::string>>(), "source files");
  p.positional("files", -1);
  Outcome outcome{};
  auto vm = p.parse(args, outcome);
  if (!vm) return outcome;
  auto options = parseOptions(*vm);
  if (!options) return Outcome::kBadInput;
  if (!vm->count("files")) {
    std::cerr << "netsim import: give at least one source file (see --help)\n";
    return Outcome::kBadInput;
  }
  auto files = readSources((*vm)["files"].as<std::vector<std::string>>(), *options);
  if (!files) return Outcome::kBadInput;
  auto result = import::importFiles(*files, *options);
  std::optional<topology::LoadResult> loaded;
  if (result.ok())
    loaded = topology::loadTopologyText(result.yaml, (*files)[0].path + " (imported)");
  const bool ok = result.ok() && loaded->ok();
  if (vm->count("json")) {
    std::cout << toJson(result, loaded ? &*loaded : nullptr).dump(2) << "\n";
    return ok ? Outcome::kOk : Outcome::kBadInput;
  }
  for (const auto& e : result.errors) std::cerr << e.str() << "\n";
  if (loaded) {
    for (const auto& d : loaded->diagnostics.items()) {
      std::cerr << d.format() << " [" << import::sourceNoteOfLine(result.yaml, d.where.line)
                << "]\n";
    }
  }
  if (result.ok())
    std::cerr << (vm->count("report") ? import::fullReport(result) : import::shortReport(result));
  if (!ok) return Outcome::kBadInput;
  const auto out = (*vm)["output"].as<std::string>();
  if (out.empty()) {
    std::cout << result.yaml;
  } else {
    std::ofstream f(out);
    f << result.yaml;
    if (!f) {
      std::cerr << "netsim import: cannot write " << out << "\n";
      return Outcome::kBadInput;
    }
    std::cerr << "netsim import: wrote " << out << " (lab '" << result.network.name << "')\n";
  }
  return Outcome::kOk;
}

}  // namespace netsim::cli
