#pragma once
// An NFLOG group of one namespace through libnetfilter_log: the packets an nftables `log group N`
// statement sends to userspace, with the statement's prefix. The socket is made inside the
// namespace and stays bound to it.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "netsim/common/result.h"
#include "netsim/netns/namespace.h"

namespace netsim::netns {

class NflogWatch {
 public:
  // Binds group `group` inside `ns`, copying the first `copy_bytes` of each packet.
  static common::Result<NflogWatch> open(const Namespace& ns, uint16_t group, uint16_t copy_bytes);
  NflogWatch(NflogWatch&&) noexcept;
  NflogWatch& operator=(NflogWatch&&) noexcept;
  ~NflogWatch();

  int fd() const;
  // Hands each waiting packet (from its network header on) and its prefix to `fn`; never blocks.
  // `lost` is set when the kernel dropped packets because the socket buffer was full.
  common::Status read(const std::function<void(std::string_view prefix, std::span<uint8_t> packet)>& fn,
                      bool& lost);

 private:
  NflogWatch() = default;
  struct Handles;
  std::unique_ptr<Handles> h_;
};

}  // namespace netsim::netns
