#include "netsim/io/fake_io.h"

namespace netsim::io {

size_t FakeIo::receive(std::span<Frame> out) {
  size_t n = 0;
  while (n < out.size() && !rx_.empty()) {
    held_.push_back(std::move(rx_.front()));
    rx_.pop_front();
    auto& f = held_.back();
    out[n++] = Frame{f.bytes.data(), static_cast<uint32_t>(f.bytes.size()), f.vnet};
    stats_.rx_bytes += f.bytes.size();
  }
  stats_.rx_frames += n;
  if (n) ++stats_.rx_batches;
  return n;
}

size_t FakeIo::send(std::span<const Frame> frames) {
  ++stats_.tx_calls;
  if (fail_sends_) {
    stats_.tx_errors += frames.size();
    return 0;
  }
  for (const auto& f : frames) {
    sent_.push_back({std::vector<uint8_t>(f.data, f.data + f.len), f.vnet});
    stats_.tx_bytes += f.len;
  }
  stats_.tx_frames += frames.size();
  return frames.size();
}

std::vector<OwnedFrame> FakeIo::takeSent() {
  std::vector<OwnedFrame> out;
  out.swap(sent_);
  return out;
}

}  // namespace netsim::io
