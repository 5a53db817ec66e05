#include "netsim/netns/conntrack.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>
#include <netlink/msg.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <vector>

namespace netsim::netns {
namespace {

using common::Error;
using common::ErrorCode;

common::IpAddress addressOf(const nf_conntrack* ct, int v4_attr, int v6_attr, bool v6) {
  if (v6) {
    const auto* bytes = static_cast<const uint8_t*>(nfct_get_attr(ct, static_cast<nf_conntrack_attr>(v6_attr)));
    std::array<uint8_t, 16> a{};
    if (bytes) std::memcpy(a.data(), bytes, 16);
    return common::Ipv6Address(a);
  }
  return common::Ipv4Address(ntohl(nfct_get_attr_u32(ct, static_cast<nf_conntrack_attr>(v4_attr))));
}

ConntrackEntry entryOf(const nf_conntrack* ct) {
  ConntrackEntry e;
  const bool v6 = nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) == AF_INET6;
  e.id = nfct_get_attr_u32(ct, ATTR_ID);
  e.protocol = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
  e.original_src = addressOf(ct, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC, v6);
  e.original_dst = addressOf(ct, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST, v6);
  e.reply_src = addressOf(ct, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC, v6);
  e.reply_dst = addressOf(ct, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST, v6);
  if (e.protocol == IPPROTO_TCP || e.protocol == IPPROTO_UDP) {
    e.original_src_port = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC));
    e.original_dst_port = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
    e.reply_src_port = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC));
    e.reply_dst_port = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST));
  }
  e.original_packets = nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_PACKETS);
  e.original_bytes = nfct_get_attr_u64(ct, ATTR_ORIG_COUNTER_BYTES);
  e.reply_packets = nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_PACKETS);
  e.reply_bytes = nfct_get_attr_u64(ct, ATTR_REPL_COUNTER_BYTES);
  if (e.protocol == IPPROTO_TCP && nfct_attr_is_set(ct, ATTR_TCP_STATE) > 0) {
    e.tcp_state = nfct_get_attr_u8(ct, ATTR_TCP_STATE);
  }
  if (nfct_attr_is_set(ct, ATTR_TIMESTAMP_START) > 0) e.start_ns = nfct_get_attr_u64(ct, ATTR_TIMESTAMP_START);
  return e;
}

int onEntry(enum nf_conntrack_msg_type, struct nf_conntrack* ct, void* data) {
  (*static_cast<const std::function<void(const ConntrackEntry&)>*>(data))(entryOf(ct));
  return NFCT_CB_CONTINUE;
}

}  // namespace

// Destroy events are read this many datagrams to a system call: at thousands of connections a
// second, one recvfrom each cost the collector more than everything else it does with them.
constexpr unsigned kEventBatch = 64;
constexpr size_t kEventBytes = 8192;  // a conntrack event is a few hundred bytes

struct ConntrackWatch::Handles {
  nfct_handle* events = nullptr;
  nfct_handle* query = nullptr;
  std::vector<char> event_buffer = std::vector<char>(kEventBatch * kEventBytes);
  ~Handles() {
    if (events) nfct_close(events);
    if (query) nfct_close(query);
  }
};

ConntrackWatch::ConntrackWatch(ConntrackWatch&&) noexcept = default;
ConntrackWatch& ConntrackWatch::operator=(ConntrackWatch&&) noexcept = default;
ConntrackWatch::~ConntrackWatch() = default;

common::Result<ConntrackWatch> ConntrackWatch::open(const Namespace& ns) {
  ConntrackWatch w;
  w.h_ = std::make_unique<Handles>();
  auto st = runIn(ns, [&]() -> common::Status {
    w.h_->events = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_DESTROY);
    w.h_->query = nfct_open(CONNTRACK, 0);
    if (!w.h_->events || !w.h_->query) {
      return Error{ErrorCode::kSystem, std::string("conntrack socket: ") + std::strerror(errno)};
    }
    return {};
  });
  if (!st) return Error{st.error().code, "in namespace " + ns.name() + ": " + st.error().message};
  const int fd = nfct_fd(w.h_->events);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  // A burst of short flows must not overrun the default buffer between two reads.
  int size = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  return w;
}

int ConntrackWatch::eventFd() const { return nfct_fd(h_->events); }

common::Status ConntrackWatch::readDestroyed(const std::function<void(const ConntrackEntry&)>& fn, bool& lost) {
  const int fd = nfct_fd(h_->events);
  std::array<mmsghdr, kEventBatch> msgs{};
  std::array<iovec, kEventBatch> iov{};
  std::array<sockaddr_nl, kEventBatch> from{};
  for (;;) {
    for (unsigned i = 0; i < kEventBatch; ++i) {
      iov[i] = {h_->event_buffer.data() + i * kEventBytes, kEventBytes};
      msgs[i].msg_hdr = {};
      msgs[i].msg_hdr.msg_name = &from[i];
      msgs[i].msg_hdr.msg_namelen = sizeof from[i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = ::recvmmsg(fd, msgs.data(), kEventBatch, MSG_DONTWAIT, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ENOBUFS) {  // the kernel dropped some: say so, and read on
        lost = true;
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) return {};
      return Error{ErrorCode::kSystem, std::string("conntrack events: ") + std::strerror(errno)};
    }
    for (int i = 0; i < n; ++i) {
      if (from[i].nl_pid != 0) continue;  // only the kernel's events
      // libnl's nlmsg_ok/nlmsg_next: the kernel headers' NLMSG_OK compares signed with
      // unsigned, which clang's -Wsign-compare rejects.
      int left = static_cast<int>(msgs[i].msg_len);
      for (auto* nlh = static_cast<nlmsghdr*>(iov[i].iov_base); nlmsg_ok(nlh, left); nlh = nlmsg_next(nlh, &left)) {
        if (nlh->nlmsg_type != ((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE)) continue;
        nf_conntrack* ct = nfct_new();
        if (!ct) return Error{ErrorCode::kSystem, "conntrack events: out of memory"};
        if (nfct_nlmsg_parse(nlh, ct) >= 0) fn(entryOf(ct));
        nfct_destroy(ct);
      }
    }
    if (n < static_cast<int>(kEventBatch)) return {};
  }
}

common::Status ConntrackWatch::dump(const std::function<void(const ConntrackEntry&)>& fn) {
  nfct_callback_register(h_->query, NFCT_T_ALL, onEntry, const_cast<std::function<void(const ConntrackEntry&)>*>(&fn));
  uint32_t family = AF_UNSPEC;
  const int r = nfct_query(h_->query, NFCT_Q_DUMP, &family);
  nfct_callback_unregister(h_->query);
  if (r < 0) return Error{ErrorCode::kSystem, std::string("conntrack dump: ") + std::strerror(errno)};
  return {};
}

}  // namespace netsim::netns
