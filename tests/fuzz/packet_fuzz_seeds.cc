// Writes a few well-formed packets (built with netsim/packet/build.h) into a directory, as the
// seed corpus of packet_fuzz:  packet_fuzz_seeds DIR
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "netsim/packet/build.h"
#include "netsim/packet/ipv6.h"

using namespace netsim::packet;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  const std::string dir = argv[1];
  const uint32_t a = 0x0a000004, b = 0xc6336401;
  const std::vector<uint8_t> payload = {'h', 'e', 'l', 'l', 'o', '!', '\n'};
  int count = 0;
  auto write = [&](const std::string& name, const std::vector<uint8_t>& pkt, size_t n) {
    if (n == 0) return;
    std::ofstream(dir + "/seed-" + name, std::ios::binary)
        .write(reinterpret_cast<const char*>(pkt.data()), static_cast<std::streamsize>(n));
    ++count;
  };
  std::vector<uint8_t> buf(1600), tcp(1600);
  write("udp", buf, buildUdp(buf, a, 40000, b, 53, payload));
  write("udp-nocsum", buf, buildUdp(buf, a, 40000, b, 53, payload, {}, false));
  const size_t tcp_len = buildTcp(tcp, a, 40001, b, 443, 0x02, 1000, 0, {});
  write("tcp-syn", tcp, tcp_len);
  write("tcp-data", buf, buildTcp(buf, b, 443, a, 40001, 0x18, 5000, 1001, payload));
  write("icmp-echo", buf, buildIcmpQuery(buf, a, b, 8, 7, 1, payload));
  IpOptions frag;
  frag.id = 99;
  frag.more_fragments = true;
  write("udp-frag-first", buf, buildUdp(buf, a, 40000, b, 53, payload, frag));
  frag.more_fragments = false;
  frag.frag_offset_bytes = 16;
  write("udp-frag-last", buf, buildUdp(buf, a, 40000, b, 53, payload, frag));
  write("icmp-unreach-tcp", buf, buildIcmpError(buf, b, a, 3, 3, 0, {tcp.data(), tcp_len}));
  write("icmp-frag-needed", buf, buildIcmpError(buf, b, a, 3, 4, 1400, {tcp.data(), tcp_len}));
  // IPv6 (parseIpv6 / parseEmbeddedIpv6).
  const auto a6 = *netsim::common::Ipv6Address::parse("2001:db8:1::10");
  const auto b6 = *netsim::common::Ipv6Address::parse("64:ff9b::c633:6401");
  write("udp6", buf, buildUdp6(buf, a6, 40000, b6, 53, payload));
  const size_t tcp6_len = buildTcp6(tcp, a6, 40001, b6, 443, 0x02, 1000, 0, {});
  write("tcp6-syn", tcp, tcp6_len);
  write("icmp6-echo", buf, buildIcmpv6Echo(buf, a6, b6, 128, 7, 1, payload));
  Ipv6Options frag6;
  frag6.fragment_header = true;
  frag6.more_fragments = true;
  frag6.frag_id = 77;
  write("udp6-frag-first", buf, buildUdp6(buf, a6, 40000, b6, 53, payload, frag6));
  write("icmp6-too-big", buf, buildIcmpv6Error(buf, b6, a6, 2, 0, 1280, {tcp.data(), tcp6_len}));
  std::printf("packet_fuzz_seeds: %d seeds in %s\n", count, dir.c_str());
  return 0;
}
