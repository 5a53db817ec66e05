#include "netsim/cli/topology_arg.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "netsim/autoscaler/live_model.h"
#include "netsim/import/importer.h"
#include "netsim/lab/state.h"
#include "netsim/topology/loader.h"

namespace netsim::cli {

namespace {
std::string fileText(const std::string& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool isTemplate(const std::string& file, const std::string& text) {
  if (file.empty()) return false;
  if (std::filesystem::is_directory(file)) return true;  // AWS CLI outputs
  const import::Format f = import::detectFormat(text);
  return f != import::Format::kUnknown;
}

// Imports a source with the defaults a verb uses: parameter defaults (or --param), probes,
// expectations.
import::ImportResult importOnTheFly(const std::string& file, const std::string& text, const ImportParams& params) {
  import::ImportOptions options;
  options.probes = true;
  options.expect_auto = true;
  options.params = params;
  if (!std::filesystem::is_directory(file)) return import::importFiles({{file, text}}, options);
  options.stack_name = sourceDirName(file);
  return import::importFiles(readImportSources(file), options);
}

std::optional<model::Model> report(topology::LoadResult result, const std::string& file) {
  if (!result.ok()) {
    std::cerr << result.diagnostics.format();
    std::cerr << "netsim: " << result.diagnostics.size() << " error"
              << (result.diagnostics.size() == 1 ? "" : "s") << " in "
              << (file.empty() ? topology::kDefaultTopologyLabel : file) << "\n";
    return std::nullopt;
  }
  return std::move(result.model);
}

}  // namespace

void addParamOption(VerbParser& p) {
  p.options()("param", boost::program_options::value<std::vector<std::string>>()->composing(),
              "a CloudFormation template's parameter, KEY=VALUE (repeatable; FILE imported on the fly)");
}

std::optional<ImportParams> paramsOf(const boost::program_options::variables_map& vm, const char* verb) {
  ImportParams out;
  if (!vm.count("param")) return out;
  for (const auto& kv : vm["param"].as<std::vector<std::string>>()) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::cerr << "netsim" << (*verb ? std::string(" ") + verb : "") << ": --param takes KEY=VALUE, not '" << kv
                << "'\n";
      return std::nullopt;
    }
    out[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  return out;
}

std::string sourceDirName(const std::string& dir) {
  std::filesystem::path p = std::filesystem::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p.filename().string();
}

std::vector<import::SourceFile> readImportSources(const std::string& path) {
  std::vector<import::SourceFile> out;
  if (!std::filesystem::is_directory(path)) {
    std::ifstream in(path);
    if (in) out.push_back({path, fileText(path)});
    return out;
  }
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".json") names.push_back(e.path().string());
  }
  std::sort(names.begin(), names.end());
  for (const auto& n : names) out.push_back({n, fileText(n)});
  return out;
}

topology::LoadResult loadTopologyArg(const std::string& file, const ImportParams& params) {
  const std::string text = file.empty() || std::filesystem::is_directory(file) ? "" : fileText(file);
  if (!params.empty() && !isTemplate(file, text)) {
    topology::LoadResult refused;
    refused.diagnostics.add({file.empty() ? topology::kDefaultTopologyLabel : file, 0, 0, ""}, "--param",
                            "--param is for a CloudFormation template imported on the fly; this is a netsim topology");
    return refused;
  }
  if (file.empty()) {
    return topology::loadTopologyText(topology::defaultTopologyText(),
                                      topology::kDefaultTopologyLabel);
  }
  if (!isTemplate(file, text)) return topology::loadTopologyFile(file);
  auto imported = importOnTheFly(file, text, params);
  topology::LoadResult result;
  if (!imported.ok()) {
    for (const auto& e : imported.errors) {
      result.diagnostics.add({e.file, e.line, 0, ""}, e.resource, e.message);
    }
    return result;
  }
  std::cerr << import::shortReport(imported);
  const std::string label = file + " (imported)";
  result = topology::loadTopologyText(imported.yaml, label);
  if (result.ok()) return result;
  // Point each diagnostic of the generated topology at the source resource it came from.
  topology::Diagnostics mapped;
  for (const auto& d : result.diagnostics.items()) {
    const std::string note = import::sourceNoteOfLine(imported.yaml, d.where.line);
    mapped.add(d.where, d.path, d.message + (note.empty() ? "" : " [" + note + "]"), d.hint);
  }
  result.diagnostics = mapped;
  return result;
}

std::optional<model::Model> loadTopologyOrReport(const std::string& file, const ImportParams& params) {
  return report(loadTopologyArg(file, params), file);
}

std::string readTopologyText(const std::string& file, const ImportParams& params) {
  if (file.empty()) return topology::defaultTopologyText();
  const std::string text = std::filesystem::is_directory(file) ? "" : fileText(file);
  if (!isTemplate(file, text)) return text;
  return importOnTheFly(file, text, params).yaml;
}

std::optional<model::Model> loadLabTopologyOrReport(const std::string& lab) {
  auto text = lab::savedTopology(lab);
  if (text.empty()) {
    std::cerr << "netsim: lab '" << lab
              << "' is not running here (or was built by an older netsim); "
              << "give the topology with --file\n";
    return std::nullopt;
  }
  const std::string label = lab::stateDir(lab) + "/topology.yaml";
  auto m = report(topology::loadTopologyText(text, label), label);
  if (!m) return m;
  // The auto scaling groups' instances as they are now, not as the lab started.
  auto live = autoscaler::liveModel(*m, lab);
  if (!live) {
    std::cerr << "netsim: warning: the auto scaling controller of lab '" << lab
              << "' did not answer (" << live.error().message
              << "); using the instances the topology started with\n";
    return m;
  }
  return std::move(*live);
}

std::optional<model::Model> loadDaemonTopology(const char* verb, const std::string& file) {
  auto loaded = topology::loadTopologyText(readTopologyText(file), file);
  if (!loaded.ok()) {
    std::cerr << "netsim " << verb << ": " << loaded.diagnostics.format();
    return std::nullopt;
  }
  return std::move(loaded.model);
}

}  // namespace netsim::cli
