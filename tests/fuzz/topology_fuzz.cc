// libFuzzer target over the topology loader: any bytes, taken as YAML text, go through
// loadTopologyText (YAML parse, model parse, structure checks, completion, final checks).
// It must never crash, leak, hang or throw; diagnostics are the expected answer to bad input.
// Oracle besides the sanitizers: a result has a model exactly when it has no diagnostics.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "netsim/topology/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  netsim::topology::LoadResult result = netsim::topology::loadTopologyText(text, "<fuzz>");
  if (result.ok() != result.diagnostics.empty()) std::abort();
  return 0;
}
