// libFuzzer target: the CloudFormation importer on arbitrary text (YAML/JSON parsing, tags,
// intrinsic functions, mapping), with probes and expectations; what it writes must load.
#include <cstddef>
#include <cstdint>
#include <string>

#include "netsim/import/importer.h"
#include "netsim/topology/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  netsim::import::ImportOptions options;
  options.probes = true;
  options.expect_auto = true;
  auto r = netsim::import::importFiles({{"fuzz.yaml", text}}, options);
  if (r.ok()) {
    // Oracle: the importer's output is YAML the loader reads (it may break an AWS rule, never the
    // syntax).
    auto loaded = netsim::topology::loadTopologyText(r.yaml, "imported");
    for (const auto& d : loaded.diagnostics.items()) {
      if (d.message.find("YAML syntax error") != std::string::npos) __builtin_trap();
    }
  }
  (void)netsim::import::shortReport(r);
  return 0;
}
