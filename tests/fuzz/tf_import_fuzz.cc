// libFuzzer target: the Terraform importer on arbitrary text (state v4, show -json, plan JSON with
// configuration references; names from addresses, links, routes, rules), with probes and
// expectations; what it writes must load. The same bytes also go through the reader alone, so
// that inputs which are not a Terraform document still exercise it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "netsim/import/importer.h"
#include "netsim/import/tf_import.h"
#include "netsim/import/tf_source.h"
#include "netsim/topology/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The reader and the mapper directly (whatever detectFormat says).
  {
    netsim::import::Network net;
    net.region = "us-east-1";
    std::vector<netsim::import::SourceError> errors;
    netsim::import::importTerraform("fuzz.tfstate", text, net, errors);
    for (const auto& e : errors) {
      if (e.message.empty()) __builtin_trap();  // every error says what is wrong
    }
  }
  netsim::import::ImportOptions options;
  options.probes = true;
  options.expect_auto = true;
  auto r = netsim::import::importFiles({{"fuzz.tfstate", text}}, options);
  if (r.ok()) {
    // Oracle: the importer's output is YAML the loader reads (it may break an AWS rule, never the
    // syntax).
    auto loaded = netsim::topology::loadTopologyText(r.yaml, "imported");
    for (const auto& d : loaded.diagnostics.items()) {
      if (d.message.find("YAML syntax error") != std::string::npos) __builtin_trap();
    }
  }
  (void)netsim::import::fullReport(r);
  return 0;
}
