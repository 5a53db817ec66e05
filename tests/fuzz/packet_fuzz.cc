// libFuzzer target over the packet parser and the checksum helpers. The input is an arbitrary
// buffer, parsed as a complete packet (parseIpv4) and as the packet quoted by an ICMP error
// (parseEmbeddedIpv4), and the same for IPv6 (parseIpv6, parseEmbeddedIpv6: the extension-header
// walk). Oracles besides the sanitizers:
//  - a successful parse only describes bytes inside the buffer (the L4 range is then read, so
//    ASan sees any overrun), and the status is the same on a second parse;
//  - sumBytes agrees with a byte-by-byte reference sum, at any length and alignment;
//  - incremental checksum updates (RFC 1624: checksumReplace16/32, ChecksumDelta, the
//    CHECKSUM_PARTIAL seed) agree with a full recomputation, modulo one's complement zero.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "netsim/packet/checksum.h"
#include "netsim/packet/headers.h"
#include "netsim/packet/ipv6.h"
#include "netsim/packet/parse.h"

namespace {

using namespace netsim::packet;

// One's complement zero has two forms (0x0000, 0xffff): compare modulo 0xffff.
bool sameOnesComplement(uint16_t a, uint16_t b) { return a % 0xffff == b % 0xffff; }

uint16_t referenceFold(const uint8_t* p, size_t n, uint64_t initial = 0) {
  uint64_t s = initial;
  for (size_t i = 0; i + 1 < n; i += 2) s += uint64_t{p[i]} << 8 | p[i + 1];
  if (n & 1) s += uint64_t{p[n - 1]} << 8;
  return foldSum(s);
}

void checkParsed(std::span<uint8_t> buf, const Ipv4Packet& ip, bool embedded) {
  if (ip.ip != buf.data()) std::abort();
  if (ip.ip_header_len < kIpv4MinHeader || ip.ip_header_len > 60) std::abort();
  if (ip.ip_header_len > buf.size()) std::abort();
  if (!embedded && (ip.total_len > buf.size() || ip.total_len < ip.ip_header_len)) std::abort();
  if (!ip.first_fragment) return;
  if (size_t{ip.l4_offset} + ip.l4_len > buf.size()) std::abort();
  // Touch every byte the parse promised (ASan reports an overrun of the copied buffer).
  volatile uint16_t sink = foldSum(sumBytes(ip.l4(), ip.l4_len));
  (void)sink;
  if (!embedded && ip.proto == kProtoTcp) {
    const size_t doff = static_cast<size_t>(ip.l4()[12] >> 4) * 4;
    if (doff < kTcpMinHeader || doff > ip.l4_len) std::abort();
  }
  if (embedded && (ip.proto == kProtoTcp || ip.proto == kProtoUdp || ip.proto == kProtoIcmp) &&
      ip.l4_len < 8) {
    std::abort();
  }
}

void fuzzParse(const uint8_t* data, size_t size) {
  // An exact-size heap copy: any read past the end is an ASan report.
  std::vector<uint8_t> copy(data, data + size);
  std::span<uint8_t> buf(copy.data(), copy.size());
  Ipv4Packet a, b;
  const ParseStatus full = parseIpv4(buf, a);
  if (parseIpv4(buf, b) != full) std::abort();
  if (parseStatusName(full).empty()) std::abort();
  if (full == ParseStatus::kOk) checkParsed(buf, a, false);
  Ipv4Packet e;
  const ParseStatus emb = parseEmbeddedIpv4(buf, e);
  if (emb == ParseStatus::kOk) checkParsed(buf, e, true);
  // A complete packet is also acceptable as a quoted one.
  if (full == ParseStatus::kOk && emb != ParseStatus::kOk) std::abort();
  if (size > 0 && std::memcmp(copy.data(), data, size) != 0) std::abort();  // no writes
}

void checkParsed6(std::span<uint8_t> buf, const Ipv6Packet& ip, bool embedded) {
  if (ip.ip != buf.data() || ip.total_len > buf.size()) std::abort();
  if (ip.l4_offset < kIpv6Header || size_t{ip.l4_offset} + ip.l4_len != ip.total_len) std::abort();
  if (ip.ext_headers > kIpv6MaxExtensionHeaders) std::abort();
  if (ip.is_fragment != (ip.frag_header_offset != 0)) std::abort();
  if (ip.is_fragment && size_t{ip.frag_header_offset} + kIpv6FragmentHeader > ip.l4_offset) {
    std::abort();
  }
  if (!embedded && ip.total_len != kIpv6Header + ip.payload_len) std::abort();
  volatile uint16_t sink = foldSum(sumBytes(ip.l4(), ip.l4_len));
  (void)sink;
  if (!ip.first_fragment) return;
  if (!embedded && ip.proto == kProtoTcp) {
    const size_t doff = static_cast<size_t>(ip.l4()[12] >> 4) * 4;
    if (doff < kTcpMinHeader || doff > ip.l4_len) std::abort();
  }
  if ((ip.proto == kProtoTcp || ip.proto == kProtoUdp || ip.proto == kProtoIcmpv6) &&
      ip.l4_len < 8) {
    std::abort();
  }
}

void fuzzParse6(const uint8_t* data, size_t size) {
  std::vector<uint8_t> copy(data, data + size);
  if (!copy.empty()) copy[0] = static_cast<uint8_t>(0x60 | (copy[0] & 0x0f));  // version 6
  std::span<uint8_t> buf(copy.data(), copy.size());
  Ipv6Packet a, e;
  const ParseStatus full = parseIpv6(buf, a);
  if (full == ParseStatus::kOk) checkParsed6(buf, a, false);
  const ParseStatus emb = parseEmbeddedIpv6(buf, e);
  if (emb == ParseStatus::kOk) checkParsed6(buf, e, true);
  if (full == ParseStatus::kOk && emb != ParseStatus::kOk) std::abort();
  if (full == ParseStatus::kOk && size >= 40) {
    // The incremental address change agrees with recomputing the pseudo-header.
    Ipv6View v(copy.data());
    ChecksumDelta d;
    uint8_t new_src[16];
    for (size_t i = 0; i < 16; ++i) new_src[i] = static_cast<uint8_t>(data[i] ^ data[size - 1]);
    addAddressChange6(d, v.srcBytes(), new_src);
    const uint16_t before =
        foldSum(pseudoHeaderSum6(v.srcBytes(), v.dstBytes(), a.proto, a.l4_len));
    const uint16_t after = foldSum(pseudoHeaderSum6(new_src, v.dstBytes(), a.proto, a.l4_len));
    if (!sameOnesComplement(d.applyPartial(before), after)) std::abort();
  }
}

void fuzzChecksums(const uint8_t* data, size_t size) {
  if (size < 1) return;
  // sumBytes at every small misalignment against the reference.
  for (size_t skip = 0; skip < 4 && skip < size; ++skip) {
    std::vector<uint8_t> v(data + skip, data + size);
    const uint64_t initial = size > 8 ? uint64_t{data[0]} << 24 | data[1] << 16 | data[2] : 0;
    if (foldSum(sumBytes(v.data(), v.size(), initial)) !=
        referenceFold(v.data(), v.size(), initial)) {
      std::abort();
    }
  }
  if (size < 8) return;
  // Incremental updates: the buffer's first word is a checksum field over an even-length
  // region; replace the word (or the 32-bit value) at a fuzzed even offset.
  std::vector<uint8_t> v(data, data + (size & ~size_t{1}));
  v[0] = v[1] = 0;
  const uint16_t csum = internetChecksum(v);
  const size_t off = 2 + (static_cast<size_t>(data[0]) * 2) % (v.size() - 2);
  const uint16_t old16 = load16(v.data() + off);
  const uint16_t new16 = static_cast<uint16_t>(data[size - 1] << 8 | data[size - 2]);
  std::vector<uint8_t> w = v;
  store16(w.data() + off, new16);
  const uint16_t full16 = internetChecksum(w);
  if (!sameOnesComplement(checksumReplace16(csum, old16, new16), full16)) std::abort();
  ChecksumDelta d16;
  d16.add16(old16, new16);
  if (!sameOnesComplement(d16.applyFull(csum), full16)) std::abort();
  // CHECKSUM_PARTIAL seed: an uncomplemented sum, updated by the same delta.
  const uint16_t seed = foldSum(sumBytes(v.data(), v.size()));
  if (!sameOnesComplement(d16.applyPartial(seed), foldSum(sumBytes(w.data(), w.size())))) {
    std::abort();
  }
  if (off + 4 <= v.size()) {
    const uint32_t old32 = load32(v.data() + off);
    const uint32_t new32 = uint32_t{new16} << 16 | data[size / 2];
    std::vector<uint8_t> x = v;
    store32(x.data() + off, new32);
    const uint16_t full32 = internetChecksum(x);
    if (!sameOnesComplement(checksumReplace32(csum, old32, new32), full32)) std::abort();
    ChecksumDelta d32;
    d32.add32(old32, new32);
    if (!sameOnesComplement(d32.applyFull(csum), full32)) std::abort();
  }
  // Pseudo-header helpers: l4Checksum is internetChecksum seeded with pseudoHeaderSum.
  const uint32_t src = load32(data), dst = load32(data + 4);
  const uint8_t proto = data[size / 3];
  if (l4Checksum(src, dst, proto, v) !=
      internetChecksum(v, pseudoHeaderSum(src, dst, proto, v.size()))) {
    std::abort();
  }
  if (partialSeed(src, dst, proto, v.size()) !=
      foldSum(pseudoHeaderSum(src, dst, proto, v.size()))) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzzParse(data, size);
  fuzzParse6(data, size);
  fuzzChecksums(data, size);
  return 0;
}
