#pragma once
// AF_PACKET backend: a TPACKET_V2 RX ring (mmap, zero-copy receive) and sendmmsg() for
// transmission, both with PACKET_VNET_HDR so TCP super-packets (GSO/GRO on veth) pass whole
// with their CHECKSUM_PARTIAL state, and PACKET_QDISC_BYPASS on the send side.
//
// Why V2 and not V3: a V3 block is handed to user space only when it is full or its retire
// timer (>= 1 ms) fires, so a lone request/response packet waits up to that timer. V2 hands
// over every frame at once. See docs/dataplane.md for the measurement.
#include <memory>
#include <string>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"
#include "netsim/common/unique_fd.h"
#include "netsim/io/packet_io.h"

namespace netsim::io {

struct InterfaceInfo {
  int ifindex = 0;
  uint8_t mac[6]{};
  uint32_t mtu = 1500;
};

// Looks `name` up in the calling thread's network namespace.
common::Result<InterfaceInfo> interfaceInfo(const std::string& name);

struct AfPacketOptions {
  // Ring geometry: frame_size must hold the largest super-packet (64 KiB + headers) for GSO.
  uint32_t frame_size = 69632;  // 17 pages
  uint32_t frame_count = 128;
  bool vnet_hdr = true;
  bool qdisc_bypass = true;
  int sndbuf = 4 << 20;
};

class AfPacketIo final : public PacketIo {
 public:
  // Opens, configures and binds a socket on `ifname` (needs CAP_NET_RAW).
  static common::Result<std::unique_ptr<AfPacketIo>> open(const std::string& ifname,
                                                          const AfPacketOptions& options = {});
  ~AfPacketIo() override;
  AfPacketIo(const AfPacketIo&) = delete;
  AfPacketIo& operator=(const AfPacketIo&) = delete;

  int fd() const override { return fd_.get(); }
  size_t receive(std::span<Frame> out) override;
  void release() override;
  size_t send(std::span<const Frame> frames) override;
  IoStats stats() const override;

  const InterfaceInfo& info() const { return info_; }

 private:
  AfPacketIo() = default;

  common::UniqueFd fd_;
  InterfaceInfo info_;
  AfPacketOptions options_;
  uint8_t* ring_ = nullptr;
  size_t ring_bytes_ = 0;
  uint32_t head_ = 0;      // next frame to look at
  uint32_t released_ = 0;  // first frame not yet given back
  uint32_t held_ = 0;      // frames handed out since release()
  mutable IoStats stats_;
};

}  // namespace netsim::io
