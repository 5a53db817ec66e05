#pragma once
// In-memory PacketIo for tests: frames are injected with push() and whatever the data plane
// sends is collected in sent().
#include <cstdint>
#include <deque>
#include <vector>

#include "netsim/io/packet_io.h"

namespace netsim::io {

struct OwnedFrame {
  std::vector<uint8_t> bytes;
  VnetHdr vnet;
};

class FakeIo final : public PacketIo {
 public:
  int fd() const override { return -1; }
  size_t receive(std::span<Frame> out) override;
  void release() override { held_.clear(); }
  size_t send(std::span<const Frame> frames) override;
  IoStats stats() const override { return stats_; }

  void push(std::vector<uint8_t> bytes, VnetHdr vnet = {}) { rx_.push_back({std::move(bytes), vnet}); }
  std::vector<OwnedFrame>& sent() { return sent_; }
  // Removes and returns everything sent so far.
  std::vector<OwnedFrame> takeSent();
  size_t pending() const { return rx_.size(); }
  // Refuse every send (to test error counting).
  void failSends(bool fail) { fail_sends_ = fail; }

 private:
  std::deque<OwnedFrame> rx_;
  std::deque<OwnedFrame> held_;  // received, not yet released (deque: stable addresses)
  std::vector<OwnedFrame> sent_;
  IoStats stats_;
  bool fail_sends_ = false;
};

}  // namespace netsim::io
