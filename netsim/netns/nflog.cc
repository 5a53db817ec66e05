#include "netsim/netns/nflog.h"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

extern "C" {
#include <libnetfilter_log/libnetfilter_log.h>
}

namespace netsim::netns {
namespace {

using common::Error;
using common::ErrorCode;
using Callback = std::function<void(std::string_view, std::span<uint8_t>)>;

int onPacket(nflog_g_handle*, nfgenmsg*, nflog_data* nfa, void* data) {
  const auto* fn = static_cast<const Callback*>(data);
  char* payload = nullptr;
  const int len = nflog_get_payload(nfa, &payload);
  const char* prefix = nflog_get_prefix(nfa);
  if (len > 0 && payload) {
    (*fn)(prefix ? std::string_view(prefix) : std::string_view(),
          std::span<uint8_t>(reinterpret_cast<uint8_t*>(payload), static_cast<size_t>(len)));
  }
  return 0;
}

}  // namespace

struct NflogWatch::Handles {
  nflog_handle* handle = nullptr;
  nflog_g_handle* group = nullptr;
  Callback current;
  ~Handles() {
    if (group) nflog_unbind_group(group);
    if (handle) nflog_close(handle);
  }
};

NflogWatch::NflogWatch(NflogWatch&&) noexcept = default;
NflogWatch& NflogWatch::operator=(NflogWatch&&) noexcept = default;
NflogWatch::~NflogWatch() = default;

common::Result<NflogWatch> NflogWatch::open(const Namespace& ns, uint16_t group, uint16_t copy_bytes) {
  NflogWatch w;
  w.h_ = std::make_unique<Handles>();
  auto* h = w.h_.get();
  auto st = runIn(ns, [&]() -> common::Status {
    h->handle = nflog_open();
    if (!h->handle) return Error{ErrorCode::kSystem, std::string("nflog socket: ") + std::strerror(errno)};
    h->group = nflog_bind_group(h->handle, group);
    if (!h->group) {
      return Error{ErrorCode::kSystem, "nflog group " + std::to_string(group) + ": " + std::strerror(errno)};
    }
    if (nflog_set_mode(h->group, NFULNL_COPY_PACKET, copy_bytes) < 0) {
      return Error{ErrorCode::kSystem, std::string("nflog copy mode: ") + std::strerror(errno)};
    }
    // Deliver each packet at once (no batching delay): a refused probe is logged while it is tried.
    nflog_set_qthresh(h->group, 1);
    nflog_set_timeout(h->group, 0);
    return {};
  });
  if (!st) return Error{st.error().code, "in namespace " + ns.name() + ": " + st.error().message};
  nflog_callback_register(h->group, onPacket, &h->current);
  const int fd = nflog_fd(h->handle);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  int size = 1 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
  return w;
}

int NflogWatch::fd() const { return nflog_fd(h_->handle); }

common::Status NflogWatch::read(const Callback& fn, bool& lost) {
  h_->current = fn;
  std::vector<char> buf(1 << 16);
  for (;;) {
    const ssize_t n = recv(fd(), buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == ENOBUFS) {
        lost = true;
        continue;
      }
      if (errno == EINTR) continue;
      return Error{ErrorCode::kSystem, std::string("nflog read: ") + std::strerror(errno)};
    }
    nflog_handle_packet(h_->handle, buf.data(), static_cast<int>(n));
  }
  h_->current = nullptr;
  return {};
}

}  // namespace netsim::netns
