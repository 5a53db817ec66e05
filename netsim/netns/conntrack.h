#pragma once
// Conntrack in one namespace through libnetfilter_conntrack: its entries with packet and byte
// counters (nf_conntrack_acct), and the events of entries created and destroyed. The sockets are
// made inside the namespace and stay bound to it, so one process can watch many namespaces.
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
};

enum class ConntrackEvent { kNew, kUpdate, kDestroy };

class ConntrackWatch {
 public:
  // Opens an event socket (new and destroy events) and a query socket inside `ns`.
  static common::Result<ConntrackWatch> open(const Namespace& ns);
  ConntrackWatch(ConntrackWatch&&) noexcept;
  ConntrackWatch& operator=(ConntrackWatch&&) noexcept;
  ~ConntrackWatch();

  int eventFd() const;
  // Reads the events waiting on the socket (never blocks). `lost` is set when the kernel dropped
  // events because the socket buffer was full.
  common::Status readEvents(const std::function<void(ConntrackEvent, const ConntrackEntry&)>& fn, bool& lost);
  // Every entry of the namespace (IPv4 and IPv6), with counters.
  common::Status dump(const std::function<void(const ConntrackEntry&)>& fn);

 private:
  ConntrackWatch() = default;
  struct Handles;
  std::unique_ptr<Handles> h_;
};

}  // namespace netsim::netns
