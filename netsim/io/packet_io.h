#pragma once
// Packet I/O behind one small interface: receive a batch of Ethernet frames (each with its
// virtio_net_hdr offload metadata), send a batch, release the received batch. Backends:
// AfPacketIo (TPACKET_V2 RX ring + sendmmsg, PACKET_VNET_HDR, PACKET_QDISC_BYPASS) and FakeIo
// for tests. The data plane never sees which one it is talking to.
#include <cstddef>
#include <cstdint>
#include <span>

namespace netsim::io {

// virtio_net_hdr in host byte order (the kernel's is little-endian on every Linux we run on).
struct VnetHdr {
  static constexpr uint8_t kNeedsCsum = 1;  // VIRTIO_NET_HDR_F_NEEDS_CSUM
  static constexpr uint8_t kDataValid = 2;  // VIRTIO_NET_HDR_F_DATA_VALID
  static constexpr uint8_t kGsoNone = 0;
  static constexpr uint8_t kGsoTcpV4 = 1;
  static constexpr uint8_t kGsoUdp = 3;
  static constexpr uint8_t kGsoTcpV6 = 4;
  static constexpr uint8_t kGsoUdpL4 = 5;
  static constexpr uint8_t kGsoEcn = 0x80;

  uint8_t flags = 0;
  uint8_t gso_type = kGsoNone;
  uint16_t hdr_len = 0;
  uint16_t gso_size = 0;
  uint16_t csum_start = 0;   // from the start of the Ethernet frame
  uint16_t csum_offset = 0;  // from csum_start

  bool gso() const { return (gso_type & ~kGsoEcn) != kGsoNone; }
};

// One Ethernet frame (destination MAC first). Received frames point into the backend's memory
// and stay valid until release(); frames to send may point anywhere until send() returns.
struct Frame {
  uint8_t* data = nullptr;
  uint32_t len = 0;
  VnetHdr vnet;
};

struct IoStats {
  uint64_t rx_frames = 0;
  uint64_t rx_bytes = 0;
  uint64_t rx_truncated = 0;  // larger than a ring frame: dropped
  uint64_t rx_kernel_drops = 0;  // ring full (PACKET_STATISTICS tp_drops)
  uint64_t tx_frames = 0;
  uint64_t tx_bytes = 0;
  uint64_t tx_errors = 0;  // refused by the kernel (queue full, bad offload header)
  uint64_t tx_calls = 0;   // sendmmsg calls (frames per call = batching)
  uint64_t rx_batches = 0;
};

class PacketIo {
 public:
  virtual ~PacketIo() = default;
  // Pollable descriptor (POLLIN when frames wait), -1 when there is none (FakeIo).
  virtual int fd() const = 0;
  // Fills `out` with up to out.size() frames; returns how many. Frames stay valid until
  // release(). Frames the interface sent itself are never returned.
  virtual size_t receive(std::span<Frame> out) = 0;
  // Gives every frame returned by receive() since the last release() back to the backend.
  virtual void release() = 0;
  // Sends the frames (copied before return); returns how many the kernel accepted. Frames it
  // refused are counted in tx_errors and skipped, never retried.
  virtual size_t send(std::span<const Frame> frames) = 0;
  virtual IoStats stats() const = 0;
};

}  // namespace netsim::io
