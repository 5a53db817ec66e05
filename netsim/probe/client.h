#pragma once
// How `netsim probe` behaves like a real client (pure: time is an argument, in seconds since the
// probe started). Two models:
//  - re-resolve (the default), as a client with a caching stub resolver and curl's connect logic:
//    the answer is kept for its TTL and asked again by the first request after it expires; each
//    request starts at the next address in turn (spreading load like the resolver's rotation)
//    and, on a connect failure (refused, unreachable, or its share of the connect time used up),
//    tries the following addresses of the answer in order, as curl 7.88 does: while another
//    address follows, an attempt may use half of the connect time left; the last one all of it.
//  - resolve-once (`--resolve-once`), the probe before issue #17: one resolution, addresses in
//    turn, one attempt per request.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "netsim/common/ipv4.h"

namespace netsim::probe {

enum class ClientMode { kReResolve, kResolveOnce };
const char* clientModeName(ClientMode mode);  // "re-resolve", "resolve-once"

// Where an answer came from: an IPv4 literal, the lab's DNS resolver (with a TTL), or the
// topology's own names (no DNS, so no TTL: resolved once).
enum class AnswerSource { kLiteral, kDns, kTopology };
const char* answerSourceName(AnswerSource source);  // "literal", "dns", "topology"

// One resolution of the target's name: when, what came back, for how long it may be kept.
struct Resolution {
  double at_s = 0;
  AnswerSource source = AnswerSource::kDns;
  std::vector<common::Ipv4Address> addresses;  // empty when it failed
  std::optional<double> ttl_s;                 // DNS answers only
  std::optional<common::Ipv4Address> server;   // the resolver asked (DNS answers)
  std::string error;                           // why a re-resolution failed ("" if it did not)
};

// A stub resolver's cache of one name. A DNS answer is kept until at_s + TTL (a TTL of 0 is not
// kept: every request asks again); other answers forever. A failed re-resolution keeps the
// previous answer and asks again once the previous TTL (at least kRetryAfterFailureS) has passed.
class NameCache {
 public:
  static constexpr double kRetryAfterFailureS = 0.1;
  explicit NameCache(Resolution first);
  // True when the request about to be sent at now_s must resolve the name again first.
  bool due(double now_s) const;
  // Records the answer to a re-resolution started at r.at_s (a failed one keeps the addresses).
  void update(const Resolution& r);
  const std::vector<common::Ipv4Address>& addresses() const { return addresses_; }

 private:
  std::vector<common::Ipv4Address> addresses_;
  std::optional<double> ttl_s_;
  double expires_at_s_ = 0;
};

// The indexes into an answer of `n` addresses that request number `k` tries, in order: k % n
// first, then (re-resolve) the others after it, wrapping around.
std::vector<size_t> attemptOrder(size_t n, uint64_t k, ClientMode mode);

// curl's share of the connect time for one attempt: half of what is left while another address
// follows, all of it for the last. curl moves on after every connect error (refused, host or
// network unreachable, its share used up); errors once connected (a reset, a read timeout, an
// HTTP 5xx) end the request: it has been sent.
double attemptBudgetMs(double left_ms, bool another_follows);

// "2026-12-04T17:30:01.123Z" for a wall-clock time in milliseconds since the Unix epoch.
std::string isoUtcMs(int64_t unix_ms);
// The file name of a probe record: started_at with ':' replaced by '-', then "-FROM.json".
std::string probeRecordFileName(const std::string& started_at, const std::string& from);

}  // namespace netsim::probe
