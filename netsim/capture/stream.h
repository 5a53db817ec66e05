#pragma once
// `netsim capture`: one interface of one node, streamed as pcap to a file or stdout, flushed
// packet by packet so `... | wireshark -k -i -` follows live.
#include <atomic>
#include <csignal>
#include <string>

#include "netsim/common/result.h"

namespace netsim::capture {

struct StreamOptions {
  std::string ns;          // namespace of the node
  std::string ifname;      // interface, or "any" (Linux cooked capture of every interface)
  std::string filter;      // BPF ("" = everything)
  std::string out = "-";   // file path, "-" = stdout
  long count = 0;          // stop after this many packets (0 = no limit)
  double duration = 0;     // stop after this many seconds (0 = no limit)
  const volatile std::sig_atomic_t* stop = nullptr;  // stop when it becomes non-zero
};

// Captures until a limit, *stop, or a write error (a closed pipe). Returns the packet count.
common::Result<long> streamCapture(const StreamOptions& options);

}  // namespace netsim::capture
