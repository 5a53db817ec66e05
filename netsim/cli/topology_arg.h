#pragma once
// Loading the topology a verb was given (or the built-in default), with diagnostics printed.
// A CloudFormation template, Terraform state or plan, or AWS CLI outputs are imported on the fly
// (netsim/import: parameter defaults or --param, --probes and --expect auto), the short report on
// stderr.
#include <boost/program_options.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "netsim/cli/verb.h"
#include "netsim/import/importer.h"
#include "netsim/model/model.h"
#include "netsim/topology/loader.h"

namespace netsim::cli {

// The source files of an import: `path` itself, or the *.json files of a directory (AWS CLI
// outputs), sorted. Empty when nothing can be read.
std::vector<import::SourceFile> readImportSources(const std::string& path);
// The name of directory `dir` ("outputs/" -> "outputs"): the default lab name of its import.
std::string sourceDirName(const std::string& dir);
// A template's parameters given with `--param K=V`.
using ImportParams = std::map<std::string, std::string>;
// Adds `--param` to a verb that takes a topology FILE.
void addParamOption(VerbParser& p);
// The --param values; nullopt (and a message naming `verb`) when one is not KEY=VALUE.
std::optional<ImportParams> paramsOf(const boost::program_options::variables_map& vm, const char* verb);
// Empty `file`: the built-in default. Prints every diagnostic to stderr on failure.
std::optional<model::Model> loadTopologyOrReport(const std::string& file, const ImportParams& params = {});
// The text of `file`, or of the built-in default when empty (an imported file: the topology
// imported from it).
std::string readTopologyText(const std::string& file, const ImportParams& params = {});
// Loads `file` as a topology (importing it when it is a template or other source): the loader's
// result, diagnostics of an imported file pointing at the source resource. Import errors are
// printed to stderr and returned as diagnostics too. Parameters for a plain topology are refused.
topology::LoadResult loadTopologyArg(const std::string& file, const ImportParams& params = {});
// The topology file `up` wrote for one of the lab's daemons (`lb-dns`, `flow-log-collector`),
// loaded; the diagnostics printed as "netsim VERB: ..." when it does not load.
std::optional<model::Model> loadDaemonTopology(const char* verb, const std::string& file);
// The topology a running lab was built from (saved by `up`), reported like a file, with its auto
// scaling groups' instances as the controller runs them now (autoscaler/live_model.h).
std::optional<model::Model> loadLabTopologyOrReport(const std::string& lab);

}  // namespace netsim::cli
