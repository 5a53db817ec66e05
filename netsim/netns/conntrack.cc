#include "netsim/netns/conntrack.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#include <cerrno>
#include <cstring>

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
  return e;
}

struct EventContext {
  const std::function<void(ConntrackEvent, const ConntrackEntry&)>* fn;
};

int onEvent(enum nf_conntrack_msg_type type, struct nf_conntrack* ct, void* data) {
  auto* c = static_cast<EventContext*>(data);
  ConntrackEvent e = type == NFCT_T_NEW ? ConntrackEvent::kNew
                     : type == NFCT_T_DESTROY ? ConntrackEvent::kDestroy
                                              : ConntrackEvent::kUpdate;
  (*c->fn)(e, entryOf(ct));
  return NFCT_CB_CONTINUE;
}

int onDumped(enum nf_conntrack_msg_type, struct nf_conntrack* ct, void* data) {
  (*static_cast<const std::function<void(const ConntrackEntry&)>*>(data))(entryOf(ct));
  return NFCT_CB_CONTINUE;
}

}  // namespace

struct ConntrackWatch::Handles {
  nfct_handle* events = nullptr;
  nfct_handle* query = nullptr;
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
    w.h_->events = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_NEW | NF_NETLINK_CONNTRACK_DESTROY);
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

common::Status ConntrackWatch::readEvents(const std::function<void(ConntrackEvent, const ConntrackEntry&)>& fn,
                                          bool& lost) {
  EventContext c{&fn};
  nfct_callback_register(h_->events, NFCT_T_ALL, onEvent, &c);
  const int r = nfct_catch(h_->events);  // returns when the non-blocking socket is drained
  nfct_callback_unregister(h_->events);
  if (r < 0 && errno == ENOBUFS) {
    lost = true;
    return {};
  }
  if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
    return Error{ErrorCode::kSystem, std::string("conntrack events: ") + std::strerror(errno)};
  }
  return {};
}

common::Status ConntrackWatch::dump(const std::function<void(const ConntrackEntry&)>& fn) {
  nfct_callback_register(h_->query, NFCT_T_ALL, onDumped, const_cast<std::function<void(const ConntrackEntry&)>*>(&fn));
  uint32_t family = AF_UNSPEC;
  const int r = nfct_query(h_->query, NFCT_Q_DUMP, &family);
  nfct_callback_unregister(h_->query);
  if (r < 0) return Error{ErrorCode::kSystem, std::string("conntrack dump: ") + std::strerror(errno)};
  return {};
}

}  // namespace netsim::netns
