// libFuzzer target: the AWS CLI importer on arbitrary text. The input is split at each 0x1e byte
// into up to 8 files (several describe outputs, as `netsim import DIR/` reads them); with probes
// and expectations; what it writes must load (it may break an AWS rule, never the YAML syntax),
// and every error names its file and says what is wrong.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "netsim/import/awscli_import.h"
#include "netsim/import/importer.h"
#include "netsim/topology/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<netsim::import::SourceFile> files;
  size_t start = 0;
  while (files.size() < 8) {
    const size_t end = text.find('\x1e', start);
    files.push_back({"f" + std::to_string(files.size()) + ".json",
                     text.substr(start, end == std::string::npos ? end : end - start)});
    if (end == std::string::npos) break;
    start = end + 1;
  }
  // The importer directly (whatever detectFormat says).
  {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& f : files) pairs.emplace_back(f.path, f.text);
    netsim::import::Network net;
    net.region = "us-east-1";
    std::vector<netsim::import::SourceError> errors;
    netsim::import::importAwsCli(pairs, net, errors);
    for (const auto& e : errors) {
      if (e.message.empty() || e.file.empty()) __builtin_trap();
    }
  }
  netsim::import::ImportOptions options;
  options.probes = true;
  options.expect_auto = true;
  auto r = netsim::import::importFiles(files, options);
  if (r.ok()) {
    auto loaded = netsim::topology::loadTopologyText(r.yaml, "imported");
    for (const auto& d : loaded.diagnostics.items()) {
      if (d.message.find("YAML syntax error") != std::string::npos) __builtin_trap();
    }
  }
  (void)netsim::import::fullReport(r);
  return 0;
}
