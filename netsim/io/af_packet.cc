#include "netsim/io/af_packet.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace netsim::io {

using common::ErrorCode;
using common::makeError;

namespace {

common::Error sysError(const std::string& what) { return common::systemError(what, errno); }

// struct virtio_net_hdr (linux/virtio_net.h does not compile as C++: a field is named `class`).
struct virtio_net_hdr {
  uint8_t flags;
  uint8_t gso_type;
  uint16_t hdr_len;
  uint16_t gso_size;
  uint16_t csum_start;
  uint16_t csum_offset;
};
static_assert(sizeof(virtio_net_hdr) == 10);

uint8_t* slotAt(uint8_t* ring, uint32_t slot_size, uint32_t i) {
  return ring + size_t{i} * slot_size;
}

// The first word of both a V2 frame header and a V3 block header's status is what the kernel
// and user space hand each other.
uint32_t* v2Status(uint8_t* slot) { return &reinterpret_cast<tpacket2_hdr*>(slot)->tp_status; }
uint32_t* v3Status(uint8_t* slot) {
  return &reinterpret_cast<tpacket_block_desc*>(slot)->hdr.bh1.block_status;
}

}  // namespace

common::Result<InterfaceInfo> interfaceInfo(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ)
    return makeError(ErrorCode::kInvalidArgument, "bad interface name '" + name + "'");
  common::UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!s.valid()) return sysError("socket");
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.c_str(), name.size());
  InterfaceInfo info;
  if (::ioctl(s.get(), SIOCGIFINDEX, &ifr) != 0) return sysError("interface " + name);
  info.ifindex = ifr.ifr_ifindex;
  if (::ioctl(s.get(), SIOCGIFHWADDR, &ifr) != 0) return sysError("SIOCGIFHWADDR " + name);
  std::memcpy(info.mac, ifr.ifr_hwaddr.sa_data, 6);
  if (::ioctl(s.get(), SIOCGIFMTU, &ifr) != 0) return sysError("SIOCGIFMTU " + name);
  info.mtu = static_cast<uint32_t>(ifr.ifr_mtu);
  return info;
}

common::Result<std::unique_ptr<AfPacketIo>> AfPacketIo::open(const std::string& ifname,
                                                             const AfPacketOptions& options) {
  auto info = interfaceInfo(ifname);
  if (!info) return info.error();
  std::unique_ptr<AfPacketIo> io(new AfPacketIo());
  io->info_ = *info;
  io->options_ = options;
  io->fd_.reset(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL)));
  if (!io->fd_.valid()) return sysError("AF_PACKET socket");
  const int fd = io->fd_.get();
  auto opt = [&](int level, int name, int value, const char* what) -> common::Status {
    if (::setsockopt(fd, level, name, &value, sizeof value) != 0) return sysError(what);
    return {};
  };
  if (options.vnet_hdr) {
    if (auto st = opt(SOL_PACKET, PACKET_VNET_HDR, 1, "PACKET_VNET_HDR"); !st) return st.error();
  }
  if (options.tpacket_version != 2 && options.tpacket_version != 3) {
    return makeError(ErrorCode::kInvalidArgument, "TPACKET version must be 2 or 3");
  }
  const int version = options.tpacket_version == 3 ? TPACKET_V3 : TPACKET_V2;
  if (auto st = opt(SOL_PACKET, PACKET_VERSION, version, "PACKET_VERSION"); !st) return st.error();
  // Transmissions on the interface are not wanted back: neither our own (the kernel skips the
  // sending socket anyway) nor another sender's, such as a second appliance socket or a probe on
  // the same interface. Only what arrives is forwarded, so nothing sent can loop back in.
  if (auto st = opt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING"); !st)
    return st.error();
  if (options.qdisc_bypass) {
    if (auto st = opt(SOL_PACKET, PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS"); !st)
      return st.error();
  }
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &options.sndbuf, sizeof options.sndbuf) != 0) {
    (void)opt(SOL_SOCKET, SO_SNDBUF, options.sndbuf, "SO_SNDBUF");
  }
  if (auto st = io->setUpRing(); !st) return st.error();
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = info->ifindex;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0)
    return sysError("bind to " + ifname);
  return io;
}

common::Status AfPacketIo::setUpRing() {
  const int fd = fd_.get();
  if (options_.tpacket_version == 3) {
    slot_size_ = options_.block_size;
    slot_count_ = options_.block_count;
    tpacket_req3 req{};
    req.tp_block_size = slot_size_;
    req.tp_block_nr = slot_count_;
    req.tp_frame_size = 2048;  // only checked against the block size by the kernel
    req.tp_frame_nr = slot_size_ / req.tp_frame_size * slot_count_;
    req.tp_retire_blk_tov = options_.block_retire_ms;
    if (::setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0)
      return sysError("PACKET_RX_RING (V3)");
  } else {
    slot_size_ = options_.frame_size;
    slot_count_ = options_.frame_count;
    tpacket_req req{};
    req.tp_block_size = slot_size_;
    req.tp_block_nr = slot_count_;
    req.tp_frame_size = slot_size_;
    req.tp_frame_nr = slot_count_;
    if (::setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0)
      return sysError("PACKET_RX_RING");
  }
  ring_bytes_ = size_t{slot_size_} * slot_count_;
  void* ring =
      ::mmap(nullptr, ring_bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
  if (ring == MAP_FAILED) return sysError("mmap of the RX ring");
  ring_ = static_cast<uint8_t*>(ring);
  return {};
}

AfPacketIo::~AfPacketIo() {
  if (ring_) ::munmap(ring_, ring_bytes_);
}

bool AfPacketIo::takeFrame(Frame& f, uint8_t* mac, uint32_t snaplen, uint32_t len) {
  if (snaplen < len) {
    ++stats_.rx_truncated;
    return false;
  }
  f.data = mac;
  f.len = snaplen;
  f.vnet = {};
  if (options_.vnet_hdr) {
    virtio_net_hdr v;
    std::memcpy(&v, mac - sizeof v, sizeof v);
    f.vnet.flags = v.flags;
    f.vnet.gso_type = v.gso_type;
    f.vnet.hdr_len = v.hdr_len;
    f.vnet.gso_size = v.gso_size;
    f.vnet.csum_start = v.csum_start;
    f.vnet.csum_offset = v.csum_offset;
  }
  stats_.rx_bytes += f.len;
  return true;
}

size_t AfPacketIo::receive(std::span<Frame> out) {
  const size_t n = options_.tpacket_version == 3 ? receiveV3(out) : receiveV2(out);
  stats_.rx_frames += n;
  if (n) ++stats_.rx_batches;
  return n;
}

size_t AfPacketIo::receiveV2(std::span<Frame> out) {
  size_t n = 0;
  while (n < out.size() && held_ < slot_count_) {
    uint8_t* slot = slotAt(ring_, slot_size_, head_);
    if ((__atomic_load_n(v2Status(slot), __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) break;
    head_ = head_ + 1 == slot_count_ ? 0 : head_ + 1;
    ++held_;
    const auto* h = reinterpret_cast<const tpacket2_hdr*>(slot);
    if (takeFrame(out[n], slot + h->tp_mac, h->tp_snaplen, h->tp_len)) ++n;
  }
  return n;
}

size_t AfPacketIo::receiveV3(std::span<Frame> out) {
  size_t n = 0;
  while (n < out.size()) {
    if (block_frames_left_ == 0) {  // take the next retired block
      if (held_ == slot_count_) break;
      uint8_t* block = slotAt(ring_, slot_size_, head_);
      if ((__atomic_load_n(v3Status(block), __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) break;
      head_ = head_ + 1 == slot_count_ ? 0 : head_ + 1;
      ++held_;
      const auto& bh = reinterpret_cast<const tpacket_block_desc*>(block)->hdr.bh1;
      block_frames_left_ = bh.num_pkts;
      block_next_ = block + bh.offset_to_first_pkt;
      continue;
    }
    auto* h = reinterpret_cast<tpacket3_hdr*>(block_next_);
    uint8_t* at = block_next_;
    block_next_ += h->tp_next_offset;
    --block_frames_left_;
    if (takeFrame(out[n], at + h->tp_mac, h->tp_snaplen, h->tp_len)) ++n;
  }
  return n;
}

void AfPacketIo::release() {
  // V3: the block still being read stays ours (its remaining frames come with the next call).
  const uint32_t keep = options_.tpacket_version == 3 && block_frames_left_ > 0 ? 1 : 0;
  auto* status = options_.tpacket_version == 3 ? v3Status : v2Status;
  while (held_ > keep) {
    __atomic_store_n(status(slotAt(ring_, slot_size_, released_)), TP_STATUS_KERNEL,
                     __ATOMIC_RELEASE);
    released_ = released_ + 1 == slot_count_ ? 0 : released_ + 1;
    --held_;
  }
}

size_t AfPacketIo::send(std::span<const Frame> frames) {
  constexpr size_t kChunk = 64;
  virtio_net_hdr hdrs[kChunk];
  iovec iov[kChunk][2];
  mmsghdr msgs[kChunk];
  size_t accepted = 0, i = 0;
  while (i < frames.size()) {
    const size_t n = std::min(kChunk, frames.size() - i);
    for (size_t k = 0; k < n; ++k) {
      const Frame& f = frames[i + k];
      hdrs[k] = {};
      hdrs[k].flags = f.vnet.flags & VnetHdr::kNeedsCsum;
      hdrs[k].gso_type = f.vnet.gso_type;
      hdrs[k].hdr_len = f.vnet.hdr_len;
      hdrs[k].gso_size = f.vnet.gso_size;
      hdrs[k].csum_start = f.vnet.csum_start;
      hdrs[k].csum_offset = f.vnet.csum_offset;
      int parts = 0;
      if (options_.vnet_hdr) iov[k][parts++] = {&hdrs[k], sizeof hdrs[k]};
      iov[k][parts++] = {f.data, f.len};
      msgs[k] = {};
      msgs[k].msg_hdr.msg_iov = iov[k];
      msgs[k].msg_hdr.msg_iovlen = static_cast<size_t>(parts);
    }
    ++stats_.tx_calls;
    int sent = ::sendmmsg(fd_.get(), msgs, static_cast<unsigned>(n), 0);
    if (sent < 0) {
      if (errno == EINTR) continue;
      // The first message was refused: skip it, keep going with the rest.
      ++stats_.tx_errors;
      ++i;
      continue;
    }
    for (int k = 0; k < sent; ++k) stats_.tx_bytes += frames[i + static_cast<size_t>(k)].len;
    accepted += static_cast<size_t>(sent);
    stats_.tx_frames += static_cast<uint64_t>(sent);
    i += static_cast<size_t>(sent);
  }
  return accepted;
}

IoStats AfPacketIo::stats() const {
  tpacket_stats st{};
  socklen_t len = sizeof st;
  // Reading resets the kernel's counters, so they are accumulated here.
  if (::getsockopt(fd_.get(), SOL_PACKET, PACKET_STATISTICS, &st, &len) == 0)
    stats_.rx_kernel_drops += st.tp_drops;
  return stats_;
}

}  // namespace netsim::io
