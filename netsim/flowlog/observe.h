#pragma once
// What the kernel hands the collector, turned into the aggregator's inputs: the TCP flags a
// conntrack state implies, and the refused packet an NFLOG message carries.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "netsim/flowlog/aggregator.h"
#include "netsim/nat/flow_count_board.h"

namespace netsim::flowlog {

// Conntrack keeps a TCP state, not the flags: SYN once it saw the first packet, SYN-ACK once the
// reply side answered, FIN when a side closed, RST when it closed without FIN. Sets the flags each
// direction has sent by `tcp_state` (TCP_CONNTRACK_*; `replied`: the reply direction counted a
// packet).
void tcpFlagsOfState(int tcp_state, bool replied, uint8_t& original, uint8_t& reply);

// The same from what a userspace NAT gateway's session saw: SYN and FIN each way, and a reset.
void tcpFlagsOfSession(bool syn_out, bool syn_in, bool fin_out, bool fin_in, bool rst, bool replied,
                       uint8_t& original, uint8_t& reply);

// A userspace NAT gateway's session as the aggregator takes it: the inside host's packets as they
// arrive (IPv6 for a NAT64 session, ICMPv6 for its echo), the replies as they arrive outside.
// Ports only for TCP and UDP, as conntrack gives them.
TrackedFlow flowOfNatSession(const nat::FlowCountRecord& session);

// A packet an nftables rule logged with one of rejectPointPrefix()'s prefixes; nullopt for another
// prefix or a packet that is not IPv4/IPv6. `packet` starts at the network header and may be cut
// short (bytes counts the IP length the header gives).
std::optional<RejectedPacket> rejectedPacketOf(std::string_view prefix, std::span<uint8_t> packet);

}  // namespace netsim::flowlog
