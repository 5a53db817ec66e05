#pragma once
// Conntrack in one namespace through libnetfilter_conntrack: its entries with packet and byte
// counters (nf_conntrack_acct) and start times (nf_conntrack_timestamp), and the events of
// entries destroyed. The sockets are made inside the namespace and stay bound to it, so one
// process can watch many namespaces.
#include <cstdint>
#include <functional>
#include <memory>

#include "netsim/common/ip_address.h"
#include "netsim/common/result.h"
#include "netsim/netns/namespace.h"

struct nfct_handle;

namespace netsim::netns {

struct ConntrackEntry {
  uint32_t id = 0;
  uint8_t protocol = 0;  // IP protocol number
  common::IpAddress original_src, original_dst, reply_src, reply_dst;
  uint16_t original_src_port = 0, original_dst_port = 0, reply_src_port = 0, reply_dst_port = 0;
  uint64_t original_packets = 0, original_bytes = 0, reply_packets = 0, reply_bytes = 0;
  int tcp_state = -1;  // TCP_CONNTRACK_* for TCP entries, -1 otherwise
  uint64_t start_ns = 0;  // when its first packet came (Unix ns; 0: nf_conntrack_timestamp was off)
};

class ConntrackWatch {
 public:
  // Opens an event socket (destroy events only) and a query socket inside `ns`. New entries are
  // not announced: at thousands of connections a second each event costs the collector a read,
  // and an entry's start time and counters are in its dump and its destroy event anyway.
  static common::Result<ConntrackWatch> open(const Namespace& ns);
  ConntrackWatch(ConntrackWatch&&) noexcept;
  ConntrackWatch& operator=(ConntrackWatch&&) noexcept;
  ~ConntrackWatch();

  int eventFd() const;
  // Reads the destroy events waiting on the socket (never blocks): each entry with its final
  // counters. `lost` is set when the kernel dropped events because the socket buffer was full.
  common::Status readDestroyed(const std::function<void(const ConntrackEntry&)>& fn, bool& lost);
  // Every entry of the namespace (IPv4 and IPv6), with counters.
  common::Status dump(const std::function<void(const ConntrackEntry&)>& fn);

 private:
  ConntrackWatch() = default;
  struct Handles;
  std::unique_ptr<Handles> h_;
};

}  // namespace netsim::netns
