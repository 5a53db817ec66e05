#pragma once
// AF_PACKET helpers for the malformed-packet tests: a sender that puts any bytes on one leg of a
// namespace (no kernel IP stack on the way to clean them up), a receiver that waits for a packet
// by its IP id, and the packet crafting the cases share.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>
#include <string>
#include <vector>

#include "netsim/common/unique_fd.h"
#include "netsim/netns/namespace.h"
#include "netsim/packet/build.h"
#include "netsim/packet/bytes.h"
#include "netsim/packet/checksum.h"
#include "tests/integration/root_snapshot.h"

namespace netsim::testing {

using Bytes = std::vector<uint8_t>;
using Mac = std::array<uint8_t, 6>;

inline std::optional<Mac> macOf(const std::string& ns, const std::string& ifname) {
  auto out = runCommand("ip -n " + ns + " -o link show " + ifname);
  auto at = out.find("link/ether ");
  if (at == std::string::npos) return std::nullopt;
  Mac m{};
  unsigned v[6];
  if (std::sscanf(out.c_str() + at + 11, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6) {
    return std::nullopt;
  }
  for (int i = 0; i < 6; ++i) m[i] = static_cast<uint8_t>(v[i]);
  return m;
}

// The other end of veth `ifname` in namespace `ns`: {namespace, interface}, or empty strings.
inline std::pair<std::string, std::string> vethPeer(const std::string& ns, const std::string& ifname) {
  auto out = runCommand("ip -n " + ns + " -o link show " + ifname);
  auto at = out.find("@if"), netns = out.find("link-netns ");
  if (at == std::string::npos || netns == std::string::npos) return {};
  const std::string index = out.substr(at + 3, out.find(':', at) - at - 3);
  std::string peer_ns = out.substr(netns + 11);
  peer_ns = peer_ns.substr(0, peer_ns.find_first_of(" \n"));
  auto peer = runCommand("ip -n " + peer_ns + " -o link show | awk -F': ' '$1 == " + index + " {print $2}'");
  peer = peer.substr(0, peer.find_first_of("@\n"));
  if (peer.empty()) return {};
  return {peer_ns, peer};
}

// A packet socket bound to `ifname` inside namespace `ns`: sends whole frames, and receives
// every frame seen on the leg (ETH_P_ALL) with a short timeout.
class RawLink {
 public:
  static std::optional<RawLink> open(const std::string& ns, const std::string& ifname) {
    auto handle = netns::openNamespace(ns);
    if (!handle) return std::nullopt;
    auto fd = netns::runIn(*handle, [&]() -> int {
      int s = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
      if (s < 0) return -1;
      sockaddr_ll sll{};
      sll.sll_family = AF_PACKET;
      sll.sll_protocol = htons(ETH_P_ALL);
      sll.sll_ifindex = static_cast<int>(::if_nametoindex(ifname.c_str()));
      if (sll.sll_ifindex == 0 || ::bind(s, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
        ::close(s);
        return -1;
      }
      timeval tv{0, 50'000};
      ::setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      return s;
    });
    if (!fd || *fd < 0) return std::nullopt;
    auto mac = macOf(ns, ifname);
    if (!mac) return std::nullopt;
    RawLink l;
    l.fd_ = common::UniqueFd(*fd);
    l.mac_ = *mac;
    return l;
  }

  // Ethernet header (to `dst`, from this leg) + payload.
  bool send(const Mac& dst, const Bytes& payload, uint16_t ethertype = ETHERTYPE_IP) const {
    Bytes f(14 + payload.size());
    std::memcpy(f.data(), dst.data(), 6);
    std::memcpy(f.data() + 6, mac_.data(), 6);
    packet::store16(f.data() + 12, ethertype);
    std::memcpy(f.data() + 14, payload.data(), payload.size());
    return ::send(fd_.get(), f.data(), f.size(), 0) == static_cast<ssize_t>(f.size());
  }

  // The IPv4 packets with this IP id seen within `wait`, headers first (may be several
  // fragments).
  std::vector<Bytes> receiveById(uint16_t id, std::chrono::milliseconds wait, size_t want = 1) const {
    std::vector<Bytes> got;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    uint8_t buf[70000];
    while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
      ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
      if (n < 34 || packet::load16(buf + 12) != ETHERTYPE_IP) continue;
      if (packet::load16(buf + 14 + 4) != id) continue;
      got.emplace_back(buf + 14, buf + n);
    }
    return got;
  }

  void drain() const {
    uint8_t buf[2048];
    while (::recv(fd_.get(), buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
  }

 private:
  common::UniqueFd fd_;
  Mac mac_{};
};

// --- crafting ---------------------------------------------------------------------------------

inline void fixIpChecksum(Bytes& p) {
  const size_t hl = static_cast<size_t>(p[0] & 0x0f) * 4;
  if (hl < 20 || hl > p.size()) return;
  packet::store16(p.data() + 10, 0);
  packet::store16(p.data() + 10, packet::internetChecksum({p.data(), hl}));
}

inline Bytes udpPacket(uint32_t src, uint32_t dst, uint16_t dport, uint16_t id, size_t payload = 16,
                       packet::IpOptions o = {}) {
  o.id = id;
  Bytes data(payload, 0x5a);
  Bytes p(20 + 8 + payload + 64);
  p.resize(packet::buildUdp(p, src, 40000, dst, dport, data, o));
  return p;
}

inline Bytes tcpSyn(uint32_t src, uint32_t dst, uint16_t dport, uint16_t id, packet::IpOptions o = {}) {
  o.id = id;
  Bytes p(128);
  p.resize(packet::buildTcp(p, src, 40001, dst, dport, 0x02, 1000, 0, {}, o));
  return p;
}

inline Bytes icmpQuery(uint32_t src, uint32_t dst, uint8_t type, uint16_t id) {
  packet::IpOptions o;
  o.id = id;
  Bytes p(128);
  p.resize(packet::buildIcmpQuery(p, src, dst, type, 0x4242, 1, {}, o));
  return p;
}

// Cuts the packet to `len` bytes and makes the IP total length say so (a valid IP header
// around a truncated L4 header).
inline Bytes truncatedTo(Bytes p, size_t len) {
  p.resize(len);
  packet::store16(p.data() + 2, static_cast<uint16_t>(len));
  fixIpChecksum(p);
  return p;
}

// Four bytes of IP options (NOP, NOP, NOP, EOL) after the fixed header.
inline Bytes withIpOptions(Bytes p) {
  static const uint8_t kOpts[4] = {1, 1, 1, 0};
  p.insert(p.begin() + 20, kOpts, kOpts + 4);
  p[0] = 0x46;
  packet::store16(p.data() + 2, static_cast<uint16_t>(p.size()));
  fixIpChecksum(p);
  return p;
}

inline bool l4ChecksumValid(const Bytes& ip) {
  const size_t hl = static_cast<size_t>(ip[0] & 0x0f) * 4;
  const uint32_t src = packet::load32(ip.data() + 12), dst = packet::load32(ip.data() + 16);
  return packet::l4Checksum(src, dst, ip[9], {ip.data() + hl, ip.size() - hl}) == 0;
}

inline bool ipChecksumValid(const Bytes& ip) {
  const size_t hl = static_cast<size_t>(ip[0] & 0x0f) * 4;
  return hl >= 20 && hl <= ip.size() && packet::internetChecksum({ip.data(), hl}) == 0;
}

}  // namespace netsim::testing
