#include "netsim/capture/link_capture.h"

#include <net/if.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <future>

#include "netsim/common/unique_fd.h"
#include "netsim/netns/namespace.h"

namespace netsim::capture {
namespace {

using common::ErrorCode;
using common::makeError;

// Enough for any header and the payload bytes matching reads (kMaxPayload), with room to spare.
// Not 65535: on an interface with offloads (the lab's veths) libpcap sizes every slot of the
// ring to the snapshot length, so 65535 left about 15 slots in the 1 MiB ring, and a burst of
// health checks between two reads overflowed it (hundreds of kernel drops per trace on the
// load-balancers lab, and a load balancer's second leg missing hops).
constexpr int kSnapLen = 2048;
constexpr const char* kNotUp = "not up";

// The MAC of `ifname` in the calling thread's namespace.
common::Result<Mac> interfaceMac(const std::string& ifname) {
  common::UniqueFd fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return makeError(ErrorCode::kSystem, std::string("socket: ") + std::strerror(errno));
  ifreq req{};
  std::strncpy(req.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  if (::ioctl(fd.get(), SIOCGIFHWADDR, &req) != 0) {
    return makeError(ErrorCode::kSystem, ifname + ": " + std::strerror(errno));
  }
  Mac mac{};
  std::memcpy(mac.data(), req.ifr_hwaddr.sa_data, mac.size());
  return mac;
}

// Opens and activates a handle in the calling thread's namespace.
common::Result<pcap_t*> openHere(const std::string& ifname, const std::string& filter, int buffer_bytes) {
  char err[PCAP_ERRBUF_SIZE] = {};
  pcap_t* p = pcap_create(ifname.c_str(), err);
  if (!p) return makeError(ErrorCode::kSystem, "pcap_create " + ifname + ": " + err);
  auto fail = [&](const std::string& what) -> common::Result<pcap_t*> {
    std::string msg = what + " " + ifname + ": " + pcap_geterr(p);
    pcap_close(p);
    return makeError(ErrorCode::kSystem, msg);
  };
  pcap_set_snaplen(p, kSnapLen);
  pcap_set_promisc(p, 0);
  pcap_set_immediate_mode(p, 1);
  pcap_set_buffer_size(p, buffer_bytes);
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
  if (int rc = pcap_activate(p); rc < 0) {
    if (rc == PCAP_ERROR_IFACE_NOT_UP) {
      pcap_close(p);
      return makeError(ErrorCode::kSystem, ifname + " is " + kNotUp);
    }
    return fail("pcap_activate");
  }
  if (!filter.empty()) {
    bpf_program prog{};
    if (pcap_compile(p, &prog, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) return fail("filter '" + filter + "' on");
    int rc = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (rc != 0) return fail("pcap_setfilter");
  }
  if (pcap_setnonblock(p, 1, err) != 0) {
    pcap_close(p);
    return makeError(ErrorCode::kSystem, std::string("pcap_setnonblock: ") + err);
  }
  return p;
}

}  // namespace

// --- PcapFileSet ---------------------------------------------------------------------------------

common::Result<std::unique_ptr<PcapFileSet>> PcapFileSet::open(const std::string& dir,
                                                               const std::vector<CapturePoint>& points) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return makeError(ErrorCode::kSystem, "mkdir " + dir + ": " + std::strerror(errno));
  }
  std::unique_ptr<PcapFileSet> set(new PcapFileSet());
  set->points_ = points;
  set->dead_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, kSnapLen, PCAP_TSTAMP_PRECISION_NANO);
  if (!set->dead_) return makeError(ErrorCode::kSystem, "pcap_open_dead failed");
  for (const auto& p : points) {
    std::string path = dir + "/" + pcapFileName(p);
    pcap_dumper_t* d = pcap_dump_open(set->dead_, path.c_str());
    if (!d) return makeError(ErrorCode::kSystem, "cannot write " + path + ": " + pcap_geterr(set->dead_));
    set->dumpers_.push_back(d);
    set->paths_.push_back(path);
  }
  return set;
}

PcapFileSet::~PcapFileSet() {
  for (auto* d : dumpers_) pcap_dump_close(d);
  if (dead_) pcap_close(dead_);
}

void PcapFileSet::write(size_t point, int64_t time_ns, const uint8_t* frame, size_t caplen, size_t len) {
  if (point >= dumpers_.size()) return;
  pcap_pkthdr h{};
  h.ts.tv_sec = static_cast<time_t>(time_ns / 1000000000);
  h.ts.tv_usec = static_cast<suseconds_t>(time_ns % 1000000000);  // nanoseconds in a nano file
  h.caplen = static_cast<bpf_u_int32>(caplen);
  h.len = static_cast<bpf_u_int32>(len);
  pcap_dump(reinterpret_cast<u_char*>(dumpers_[point]), &h, frame);
}

void PcapFileSet::flush() {
  for (auto* d : dumpers_) pcap_dump_flush(d);
}

// --- LinkCapture ---------------------------------------------------------------------------------

struct LinkCapture::Handle {
  size_t point = 0;
  pcap_t* pcap = nullptr;
  int fd = -1;
  Mac mac{};
  LinkCapture* owner = nullptr;
  ~Handle() {
    if (pcap) pcap_close(pcap);
  }
};

common::Result<pcap*> openHandleIn(const std::string& ns, const std::string& ifname, const std::string& filter,
                                   int buffer_bytes) {
  auto n = netns::openNamespace(ns);
  if (!n) return n.error();
  auto scope = netns::NetnsScope::enter(*n);
  if (!scope) return scope.error();
  return openHere(ifname, filter, buffer_bytes);
}

common::Result<std::unique_ptr<LinkCapture>> LinkCapture::start(std::vector<CapturePoint> points,
                                                                 CaptureOptions options) {
  std::unique_ptr<LinkCapture> c(new LinkCapture());
  c->points_ = std::move(points);
  c->options_ = std::move(options);
  c->wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (c->wake_fd_ < 0) return makeError(ErrorCode::kSystem, std::string("eventfd: ") + std::strerror(errno));
  std::promise<common::Status> opened;
  auto ready = opened.get_future();
  LinkCapture* self = c.get();
  c->thread_ = std::thread([self, opened = std::move(opened)]() mutable {
    // Open every handle from this thread, entering each point's namespace for the open.
    common::Status st;
    for (size_t i = 0; i < self->points_.size() && st.ok(); ++i) {
      const auto& p = self->points_[i];
      auto ns = netns::openNamespace(p.ns);
      if (!ns) {
        st = common::Status(ns.error());
        break;
      }
      auto scope = netns::NetnsScope::enter(*ns);
      if (!scope) {
        st = common::Status(scope.error());
        break;
      }
      auto mac = interfaceMac(p.ifname);
      auto h = openHere(p.ifname, self->options_.filter, self->options_.buffer_bytes);
      if (mac && !h && h.error().message.find(kNotUp) != std::string::npos) {
        self->skipped_.push_back(p.node + ":" + p.ifname + " (down)");
        continue;
      }
      if (!mac || !h) {
        st = makeError(ErrorCode::kSystem, "capture on " + p.node + " " + p.ifname + " (link " + p.link + "): " +
                                               (!mac ? mac.error().message : h.error().message));
        break;
      }
      auto handle = std::make_unique<Handle>();
      handle->point = i;
      handle->pcap = *h;
      handle->fd = pcap_get_selectable_fd(*h);
      handle->mac = *mac;
      self->points_[i].mac = *mac;
      handle->owner = self;
      self->handles_.push_back(std::move(handle));
    }
    const bool ok = st.ok();
    opened.set_value(std::move(st));
    if (ok) self->run();
  });
  auto st = ready.get();
  if (!st) {
    c->thread_.join();
    c->stopped_ = true;
    return st.error();
  }
  return c;
}

LinkCapture::~LinkCapture() {
  if (!stopped_) stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

void LinkCapture::readAll(bool drain) {
  auto callback = [](u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
    auto* handle = reinterpret_cast<Handle*>(user);
    LinkCapture* self = handle->owner;
    const int64_t t = static_cast<int64_t>(h->ts.tv_sec) * 1000000000 + h->ts.tv_usec;
    if (self->options_.files) self->options_.files->write(handle->point, t, bytes, h->caplen, h->len);
    if (auto s = dissectFrame(bytes, h->caplen, handle->mac)) {
      s->point = handle->point;
      s->time_ns = t;
      self->sightings_.push_back(std::move(*s));
    }
  };
  for (auto& h : handles_) {
    while (pcap_dispatch(h->pcap, -1, callback, reinterpret_cast<u_char*>(h.get())) > 0 && drain) {
    }
  }
}

void LinkCapture::run() {
  std::vector<pollfd> fds;
  fds.push_back({wake_fd_, POLLIN, 0});
  for (const auto& h : handles_) fds.push_back({h->fd, POLLIN, 0});
  while (!stopping_.load()) {
    int n = ::poll(fds.data(), fds.size(), 200);
    if (n < 0 && errno != EINTR) break;
    if (n > 0) readAll(false);
    if (fds[0].revents & POLLIN) {
      uint64_t v;
      [[maybe_unused]] auto rc = ::read(wake_fd_, &v, sizeof v);
    }
    if (collect_requested_.exchange(false)) {
      readAll(true);
      std::lock_guard<std::mutex> lock(mu_);
      handover_ = std::move(sightings_);
      sightings_.clear();
      handed_over_ = true;
      cv_.notify_all();
    }
  }
  readAll(true);
  for (const auto& h : handles_) {
    pcap_stat st{};
    if (pcap_stats(h->pcap, &st) == 0) drops_ += st.ps_drop;
  }
  if (options_.files) options_.files->flush();
}

std::vector<Sighting> LinkCapture::collect() {
  if (stopped_) return {};
  std::unique_lock<std::mutex> lock(mu_);
  handed_over_ = false;
  collect_requested_.store(true);
  uint64_t one = 1;
  [[maybe_unused]] auto rc = ::write(wake_fd_, &one, sizeof one);
  if (!cv_.wait_for(lock, std::chrono::seconds(5), [&] { return handed_over_; })) return {};
  return std::move(handover_);
}

std::vector<Sighting> LinkCapture::stop() {
  if (stopped_) return std::move(sightings_);
  stopping_.store(true);
  uint64_t one = 1;
  [[maybe_unused]] auto rc = ::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  stopped_ = true;
  handles_.clear();
  return std::move(sightings_);
}

}  // namespace netsim::capture
