// libFuzzer target over the text the relays are driven by: the bastion forwarder's rules
// (netsim/proxy/forwarder.h: parseForwardRule for --forward, parseAllow for --allow,
// sourceAllowed over the allow-list they build) and the control-socket requests every server
// reads (netsim/control/messages.h: decodeRequest), framed as the server reads them: at most
// 64 KiB up to the first newline. The input is taken as lines; each line goes through all
// three parsers.
// Oracles besides the sanitizers (no exception may escape either):
//  - a parsed --forward rule written back in canonical form parses to the same rule;
//  - a parsed --allow entry written back parses to the same port and block;
//  - sourceAllowed agrees with a reference (no entry for the port: all; else any block holds the
//    address, by shifting instead of masking) at each block's edges and just outside them;
//  - a control request decodes or is refused with a reason (kInvalidArgument); a decoded request
//    encoded again decodes to the same request; register and deregister requests carry a port
//    1..65535.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "netsim/proxy/forwarder.h"
#include "netsim/control/messages.h"

namespace {

using netsim::common::Cidr;
using netsim::common::Ipv4Address;

void check(bool ok) {
  if (!ok) std::abort();
}

std::string ruleText(const netsim::proxy::ForwardRule& r) {
  std::string s;
  if (r.listen_address) s += r.listen_address->str() + ":";
  s += std::to_string(r.listen_port) + "=" + r.target.str() + ":" + std::to_string(r.target_port);
  if (r.source) s += "@" + r.source->str();
  return s;
}

bool sameRule(const netsim::proxy::ForwardRule& a, const netsim::proxy::ForwardRule& b) {
  return a.listen_address == b.listen_address && a.listen_port == b.listen_port && a.target == b.target &&
         a.target_port == b.target_port && a.source == b.source;
}

bool referenceContains(const Cidr& c, Ipv4Address a) {
  const int shift = 32 - c.prefixLength();
  return (uint64_t{a.value()} >> shift) == (uint64_t{c.address().value()} >> shift);
}

void checkControl(const std::string& line) {
  const auto r = netsim::control::decodeRequest(line);
  if (!r) {
    check(r.error().code == netsim::common::ErrorCode::kInvalidArgument && !r.error().message.empty());
    return;
  }
  if (const auto* reg = std::get_if<netsim::control::RegisterTarget>(&*r)) check(reg->port >= 1);
  if (const auto* dereg = std::get_if<netsim::control::DeregisterTarget>(&*r)) check(dereg->port >= 1);
  const auto again = netsim::control::decodeRequest(netsim::control::encodeRequest(*r));
  check(again && *again == *r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  // A control server reads one request: up to 64 KiB, cut at the first newline.
  std::string control(input.substr(0, 64 * 1024));
  if (auto nl = control.find('\n'); nl != std::string::npos) control.resize(nl);
  checkControl(control);

  netsim::proxy::ForwarderConfig cfg;
  std::vector<Ipv4Address> probes;
  size_t start = 0;
  for (int lines = 0; start <= input.size() && lines < 64; ++lines) {
    size_t nl = input.find('\n', start);
    if (nl == std::string_view::npos) nl = input.size();
    const std::string line(input.substr(start, nl - start));
    start = nl + 1;

    checkControl(line);
    if (auto r = netsim::proxy::parseForwardRule(line)) {
      check(r->listen_port >= 1 && r->target_port >= 1);
      auto again = netsim::proxy::parseForwardRule(ruleText(*r));
      check(again && sameRule(*again, *r));
      cfg.rules.push_back(*r);
      probes.push_back(r->target);
      if (r->source) probes.push_back(*r->source);
    }
    if (auto a = netsim::proxy::parseAllow(line)) {
      const auto& [port, block] = *a;
      check(port >= 1 && block.prefixLength() >= 0 && block.prefixLength() <= 32);
      auto again = netsim::proxy::parseAllow(std::to_string(port) + "=" + block.str());
      check(again && again->first == port && again->second.network() == block.network() &&
            again->second.prefixLength() == block.prefixLength());
      cfg.allow[port].push_back(block);
      const uint32_t lo = block.network().value(), hi = block.broadcast().value();
      for (uint32_t v : {lo, hi, lo - 1, hi + 1, lo + (hi - lo) / 2}) probes.push_back(Ipv4Address(v));
    }
  }

  std::vector<uint16_t> ports = {1, 22, 2222, 65535};
  for (const auto& [port, blocks] : cfg.allow) ports.push_back(port);
  for (const auto& r : cfg.rules) ports.push_back(r.listen_port);
  if (probes.size() > 256) probes.resize(256);
  for (uint16_t port : ports) {
    auto it = cfg.allow.find(port);
    for (Ipv4Address a : probes) {
      bool want = it == cfg.allow.end();
      if (!want) {
        for (const auto& b : it->second) want = want || referenceContains(b, a);
      }
      check(netsim::proxy::sourceAllowed(cfg, port, a) == want);
    }
  }
  return 0;
}
