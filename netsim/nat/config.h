#pragma once
// Every knob of the NAT engine, and the two behaviour profiles. A profile is only a starting
// Config: callers override any field before creating the engine.
#include <chrono>
#include <cstdint>
#include <vector>

#include "netsim/common/ipv4.h"
#include "netsim/common/result.h"

namespace netsim::nat {

using Millis = std::chrono::milliseconds;

enum class Mode : uint8_t {
  kNapt,    // many private endpoints behind the public addresses (NAT gateway)
  kStatic,  // 1:1 private <-> public address, ports untouched (internet gateway)
};

// RFC 4787 section 4.1 (mapping) and 5 (filtering).
enum class Behavior : uint8_t {
  kEndpointIndependent,
  kAddressDependent,
  kAddressAndPortDependent,
};

enum class PortAllocation : uint8_t { kRandom, kSequential };

// RFC 4787 REQ-2: "paired" keeps every session of an internal address on one external address.
enum class AddressPooling : uint8_t { kPaired, kArbitrary };

// What an outbound TCP segment that is not a SYN gets when it matches no session (typically a
// connection that idled out).
enum class NonSynOutbound : uint8_t { kDrop, kReset };

// Protocols other than TCP/UDP/ICMP.
enum class OtherProtocols : uint8_t {
  kDrop,
  kTranslateAddress,  // address-only NAT keyed by (proto, inside, remote); one inside host per
                      // (proto, remote, public address)
};

struct Timeouts {
  Millis udp{300'000};
  Millis tcp_established{7'440'000};
  Millis tcp_transitory{240'000};  // opening, closing (FIN both ways) and after RST
  Millis icmp{60'000};
  Millis other{300'000};
  Millis port_reuse_delay{120'000};  // a freed (public address, port, remote) is held this long
  Millis fragment{5'000};            // how long a first fragment's translation is remembered
};

// Which protocols' fragments are translated (the others are dropped and counted).
struct FragmentPolicy {
  bool tcp = true;
  bool udp = true;
  bool icmp = true;
  bool other = true;
};

struct StaticMapping {
  common::Ipv4Address inside;
  common::Ipv4Address outside;
};

struct Config {
  Mode mode = Mode::kNapt;
  std::vector<common::Ipv4Address> public_addresses;  // NAPT pool
  std::vector<StaticMapping> static_mappings;         // static mode

  Behavior mapping = Behavior::kEndpointIndependent;
  Behavior filtering = Behavior::kEndpointIndependent;
  uint16_t port_min = 1024;
  uint16_t port_max = 65535;
  PortAllocation port_allocation = PortAllocation::kRandom;
  bool port_preservation = false;  // try the internal port first
  bool port_parity = false;        // keep the internal port's parity (RFC 4787 REQ-4: MAY)
  AddressPooling pooling = AddressPooling::kPaired;
  uint32_t max_connections_per_destination = 0;  // per public address; 0 = no limit
  uint32_t max_sessions = 1u << 20;  // live + port cooldown; about 100 bytes each

  Timeouts timeouts;
  double time_factor = 1.0;  // multiplies every timer (labs shrink AWS timers)
  bool inbound_refreshes = true;  // RFC 4787 REQ-6: outbound always refreshes; inbound MAY
  bool hairpinning = true;
  NonSynOutbound non_syn_outbound = NonSynOutbound::kDrop;
  FragmentPolicy fragments;
  OtherProtocols other_protocols = OtherProtocols::kTranslateAddress;

  uint32_t initial_sessions = 1024;     // table sizes grow from here (amortised O(1))
  uint32_t fragment_table_size = 1024;  // entries, rounded up to a power of two
  uint64_t random_seed = 0x6e65'7473'696d'6e61ull;  // for the built-in generator
};

// Checks ranges and that filtering is not looser than mapping (EIF needs EIM, ADF needs EIM or
// ADM): with a looser filter an inbound packet could not name the mapping it is meant for.
common::Status validate(const Config& config);

namespace profiles {

// The AWS NAT gateway: APDM + APDF, ports 1024-65535 random, 55,000 connections per
// destination per address, 350 s idle timeout then RST, UDP fragments pass, TCP/ICMP fragments
// dropped, other protocols dropped, no hairpinning.
Config awsNatGateway(std::vector<common::Ipv4Address> public_addresses);

// RFC 4787/5382/5508 behaviour: EIM, the given filtering (EIF = full cone, ADF = restricted
// cone), hairpinning, paired pooling, RFC timers (UDP 300 s, TCP 7440 s / 240 s, ICMP 60 s).
Config rfc(std::vector<common::Ipv4Address> public_addresses,
           Behavior filtering = Behavior::kEndpointIndependent);

// The internet gateway: stateless 1:1 private <-> public (Elastic) IP.
Config staticOneToOne(std::vector<StaticMapping> mappings);

}  // namespace profiles

std::string_view behaviorName(Behavior behavior);

}  // namespace netsim::nat
