#include "netsim/netns/nftables.h"

#include <nftables/libnftables.h>

#include <memory>

namespace netsim::netns {

namespace {

using common::ErrorCode;
using common::makeError;

struct CtxDeleter {
  void operator()(nft_ctx* c) const { nft_ctx_free(c); }
};

// Runs one nft command buffer in the calling thread's namespace; returns stdout on success.
Result<std::string> runNftHere(std::string_view text, const char* what, const std::string& ns_name) {
  std::unique_ptr<nft_ctx, CtxDeleter> ctx(nft_ctx_new(NFT_CTX_DEFAULT));
  if (!ctx) return makeError(ErrorCode::kSystem, "netns '" + ns_name + "': nft_ctx_new failed");
  nft_ctx_buffer_output(ctx.get());
  nft_ctx_buffer_error(ctx.get());
  std::string buf(text);  // libnftables wants a NUL-terminated buffer
  int rc = nft_run_cmd_from_buffer(ctx.get(), buf.c_str());
  if (rc != 0) {
    const char* err = nft_ctx_get_error_buffer(ctx.get());
    return makeError(ErrorCode::kSystem, "netns '" + ns_name + "': nft " + what + ": " +
                                             (err != nullptr && *err ? err : "failed"));
  }
  const char* out = nft_ctx_get_output_buffer(ctx.get());
  return std::string(out != nullptr ? out : "");
}

// Runs one nft command buffer inside ns.
Result<std::string> runNft(const Namespace& ns, std::string_view text, const char* what) {
  auto scope = NetnsScope::enter(ns);
  if (!scope) return scope.error();
  return runNftHere(text, what, ns.name());
}

}  // namespace

Status applyNftables(const Namespace& ns, std::string_view ruleset) {
  auto r = runNft(ns, ruleset, "apply ruleset");
  if (!r) return r.error();
  return common::Ok{};
}

Result<std::string> listNftables(const Namespace& ns) {
  return runNft(ns, "list ruleset", "list ruleset");
}

}  // namespace netsim::netns

namespace netsim::netns {

Result<std::string> runNftablesHere(std::string_view commands) {
  return runNftHere(commands, "command", "(current)");
}

}  // namespace netsim::netns
