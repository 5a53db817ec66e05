// Traffic control on one interface: netem (loss, delay, jitter) and tbf (a rate) as root
// qdiscs, through libnl-route-3. Used by fault injection (`netsim fail LAB link ...`).
#include <linux/pkt_sched.h>
#include <netlink/errno.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "netsim/netns/netlink.h"
#include "netsim/netns/nl_util.h"

namespace netsim::netns {

namespace {

using QdiscPtr = std::unique_ptr<rtnl_qdisc, nl::Deleter<rtnl_qdisc, rtnl_qdisc_put>>;

// libnl's TC_HANDLE takes the major number unshifted.
constexpr uint32_t kRootHandle = TC_HANDLE(1U, 0U);      // 1:
constexpr uint32_t kTbfClass = TC_HANDLE(1U, 1U);        // 1:1, tbf's only class
constexpr uint32_t kNetemUnderTbf = TC_HANDLE(10U, 0U);  // 10:

// netem's probabilities are 32-bit fractions: UINT32_MAX is 100 %.
uint32_t probability(double percent) {
  const double p = std::clamp(percent, 0.0, 100.0) / 100.0;
  return static_cast<uint32_t>(std::llround(p * static_cast<double>(std::numeric_limits<uint32_t>::max())));
}

int asInt(uint64_t v) { return static_cast<int>(std::min<uint64_t>(v, std::numeric_limits<int>::max())); }

}  // namespace

Result<QdiscInfo> Netlink::rootQdisc(const std::string& ifname) {
  auto idx = ifindex(ifname);
  if (!idx) return idx.error();
  nl_cache* raw = nullptr;
  if (int err = rtnl_qdisc_alloc_cache(sock_.get(), &raw); err < 0) return nlError("list qdiscs", err);
  nl::CachePtr cache(raw);
  QdiscInfo info;
  QdiscPtr root(rtnl_qdisc_get_by_parent(cache.get(), *idx, TC_H_ROOT));
  if (!root) return info;
  if (const char* kind = rtnl_tc_get_kind(TC_CAST(root.get()))) info.kind = kind;
  const uint32_t handle = rtnl_tc_get_handle(TC_CAST(root.get()));
  if (handle != 0) {
    // A child sits under the root's class (tbf: 1:1) or under the root itself.
    QdiscPtr child(rtnl_qdisc_get_by_parent(cache.get(), *idx, TC_H_MAKE(handle, 1U)));
    if (!child) child.reset(rtnl_qdisc_get_by_parent(cache.get(), *idx, handle));
    if (child) {
      if (const char* kind = rtnl_tc_get_kind(TC_CAST(child.get()))) info.child = kind;
    }
  }
  return info;
}

Status Netlink::clearQdisc(const std::string& ifname) {
  auto root = rootQdisc(ifname);
  if (!root) return root.error();
  if (root->kind != "netem" && root->kind != "tbf") return common::Ok{};  // the default: nothing of ours
  auto idx = ifindex(ifname);
  if (!idx) return idx.error();
  QdiscPtr q(rtnl_qdisc_alloc());
  if (!q) return nlError("clear qdisc on " + ifname, -NLE_NOMEM);
  rtnl_tc_set_ifindex(TC_CAST(q.get()), *idx);
  rtnl_tc_set_parent(TC_CAST(q.get()), TC_H_ROOT);
  if (int err = rtnl_qdisc_delete(sock_.get(), q.get()); err < 0 && err != -NLE_OBJ_NOTFOUND) {
    return nlError("delete root qdisc of " + ifname, err);
  }
  return common::Ok{};
}

Status Netlink::setNetem(const std::string& ifname, const NetemSpec& spec) {
  const std::string what = "netem on " + ifname;
  if (spec.loss_percent < 0 || spec.loss_percent > 100) {
    return common::makeError(common::ErrorCode::kInvalidArgument, what + ": loss must be 0-100 %");
  }
  if (spec.jitter_us > spec.delay_us) {
    return common::makeError(common::ErrorCode::kInvalidArgument, what + ": jitter larger than the delay");
  }
  if (auto st = clearQdisc(ifname); !st) return st;
  auto idx = ifindex(ifname);
  if (!idx) return idx.error();
  const bool rate = spec.rate_bytes_per_s > 0;
  if (rate) {
    // tbf at the root shapes to the rate; netem under it delays and drops first.
    QdiscPtr tbf(rtnl_qdisc_alloc());
    if (!tbf) return nlError(what, -NLE_NOMEM);
    rtnl_tc_set_ifindex(TC_CAST(tbf.get()), *idx);
    rtnl_tc_set_parent(TC_CAST(tbf.get()), TC_H_ROOT);
    rtnl_tc_set_handle(TC_CAST(tbf.get()), kRootHandle);
    if (int err = rtnl_tc_set_kind(TC_CAST(tbf.get()), "tbf"); err < 0) return nlError(what + " (tbf)", err);
    // Bucket: 20 ms at the rate, at least two full frames. Limit: 50 ms of queue on top.
    const uint64_t bucket = std::max<uint64_t>(spec.rate_bytes_per_s / 50, 2 * 1514);
    const uint64_t limit = bucket + spec.rate_bytes_per_s / 20;
    rtnl_qdisc_tbf_set_rate(tbf.get(), asInt(spec.rate_bytes_per_s), asInt(bucket), 0);
    rtnl_qdisc_tbf_set_limit(tbf.get(), asInt(limit));
    if (int err = rtnl_qdisc_add(sock_.get(), tbf.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
      return nlError(what + " (tbf root)", err);
    }
  }
  const bool impair = spec.loss_percent > 0 || spec.delay_us > 0 || spec.jitter_us > 0;
  if (!impair) {
    if (!rate) return common::makeError(common::ErrorCode::kInvalidArgument, what + ": nothing to apply");
    return common::Ok{};  // a rate alone: tbf is enough
  }
  QdiscPtr netem(rtnl_qdisc_alloc());
  if (!netem) return nlError(what, -NLE_NOMEM);
  rtnl_tc_set_ifindex(TC_CAST(netem.get()), *idx);
  rtnl_tc_set_parent(TC_CAST(netem.get()), rate ? kTbfClass : TC_H_ROOT);
  rtnl_tc_set_handle(TC_CAST(netem.get()), rate ? kNetemUnderTbf : kRootHandle);
  if (int err = rtnl_tc_set_kind(TC_CAST(netem.get()), "netem"); err < 0) return nlError(what, err);
  rtnl_netem_set_limit(netem.get(), asInt(spec.limit_packets));
  // libnl keeps the 32-bit fraction in an int; the kernel reads it back as a u32.
  rtnl_netem_set_loss(netem.get(), static_cast<int>(probability(spec.loss_percent)));
  rtnl_netem_set_delay(netem.get(), asInt(spec.delay_us));
  rtnl_netem_set_jitter(netem.get(), asInt(spec.jitter_us));
  if (int err = rtnl_qdisc_add(sock_.get(), netem.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) {
    Status undo = rate ? clearQdisc(ifname) : Status{};
    (void)undo;  // the netem error is the one to report
    if (err == -NLE_OBJ_NOTFOUND) {
      // The kernel answers ENOENT for a qdisc kind it does not know.
      return common::makeError(common::ErrorCode::kSystem,
                               "netns '" + ns_name_ + "': " + what +
                                   ": this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM; try `modprobe sch_netem`)");
    }
    return nlError(what, err);
  }
  return common::Ok{};
}

}  // namespace netsim::netns
