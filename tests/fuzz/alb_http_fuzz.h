#pragma once
// Shared by alb_http_fuzz and alb_http_fuzz_seeds: the stickiness secret and the clock the
// harness uses, so the seed corpus can carry genuine AWSALB cookies.
#include <cstdint>

namespace netsim::fuzz {

inline constexpr uint64_t kAlbCookieSecret = 0x6e657473696d4c42ULL;
inline constexpr int64_t kAlbNowUnix = 1'800'000'000;  // the harness's "now"

}  // namespace netsim::fuzz
