#pragma once
// Duration-based stickiness (AWSALB for application, AWSELB for classic load balancers): the
// cookie names the target that served the client and when the stickiness ends. Opaque to the
// client; a keyed hash makes an edited or forged cookie count as absent.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netsim::proxy {

std::string encodeStickyCookie(const std::string& target_key, int64_t expires_unix, uint64_t secret);
// The target key, if the value is genuine and not expired at `now_unix`.
std::optional<std::string> decodeStickyCookie(std::string_view value, int64_t now_unix, uint64_t secret);

// The value of cookie `name` in a Cookie request header ("a=1; AWSALB=...; b=2").
std::optional<std::string_view> cookieValue(std::string_view cookie_header, std::string_view name);

}  // namespace netsim::proxy
