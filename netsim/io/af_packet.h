#pragma once
// AF_PACKET backend: an mmap RX ring (zero-copy receive) and sendmmsg() for transmission, both
// with PACKET_VNET_HDR so TCP super-packets (GSO/GRO on veth) pass whole with their
// CHECKSUM_PARTIAL state. The send side goes through the interface's queueing layer by default,
// whose packet taps show every capture what was sent; PACKET_QDISC_BYPASS (`qdisc_bypass`) calls
// the driver directly and so hides the sent frames from captures. The socket never reads back
// its own transmissions (PACKET_IGNORE_OUTGOING), so nothing loops either way.
//
// The ring is TPACKET_V2 (one fixed-size slot per frame, handed over at once) by default, or
// TPACKET_V3 (frames packed into blocks; a block reaches user space when it is full or its
// retire timer, >= 1 ms, fires). V2 is the default because a lone request/response packet would
// wait for that timer under V3; docs/benchmarks.md has both measured.
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
  int tpacket_version = 2;  // 2 or 3
  // V2 geometry: frame_size must hold the largest super-packet (64 KiB + headers) for GSO.
  uint32_t frame_size = 69632;  // 17 pages
  uint32_t frame_count = 128;
  // V3 geometry (about the same memory as V2): a block holds many small frames or a few large.
  uint32_t block_size = 256 << 10;
  uint32_t block_count = 32;
  uint32_t block_retire_ms = 1;  // the kernel's minimum
  bool vnet_hdr = true;
  bool qdisc_bypass = false;  // true: skip the qdisc layer and with it the capture taps
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
  common::Status setUpRing();
  size_t receiveV2(std::span<Frame> out);
  size_t receiveV3(std::span<Frame> out);
  // Points `f` at a received frame that starts at `mac`; false if it was truncated.
  bool takeFrame(Frame& f, uint8_t* mac, uint32_t snaplen, uint32_t len);

  common::UniqueFd fd_;
  InterfaceInfo info_;
  AfPacketOptions options_;
  uint8_t* ring_ = nullptr;
  size_t ring_bytes_ = 0;
  uint32_t slot_size_ = 0;   // V2: frame size, V3: block size
  uint32_t slot_count_ = 0;  // V2: frames, V3: blocks
  uint32_t head_ = 0;        // next slot to look at
  uint32_t released_ = 0;    // first slot not yet given back
  uint32_t held_ = 0;        // slots taken since release()
  // V3: the block being read (the last one taken), how many of its frames are left, the next.
  uint32_t block_frames_left_ = 0;
  uint8_t* block_next_ = nullptr;
  mutable IoStats stats_;
};

}  // namespace netsim::io
