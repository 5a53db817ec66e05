#include "netsim/capture/stream.h"

#include <pcap/pcap.h>
#include <poll.h>

#include <chrono>
#include <cstdio>

#include "netsim/capture/link_capture.h"

namespace netsim::capture {

common::Result<long> streamCapture(const StreamOptions& o) {
  auto h = openHandleIn(o.ns, o.ifname, o.filter, 4 << 20);
  if (!h) return h.error();
  pcap_t* pc = *h;
  pcap_dumper_t* d = pcap_dump_open(pc, o.out.c_str());
  if (!d) {
    auto err = common::makeError(common::ErrorCode::kSystem, "cannot write " + o.out + ": " + pcap_geterr(pc));
    pcap_close(pc);
    return err;
  }
  struct Ctx {
    pcap_dumper_t* d;
    long n = 0;
    bool failed = false;
  } ctx{d};
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.duration);
  pollfd fd{pcap_get_selectable_fd(pc), POLLIN, 0};
  while (!(o.stop && *o.stop) && (o.count == 0 || ctx.n < o.count) && !ctx.failed &&
         (o.duration <= 0 || std::chrono::steady_clock::now() < until)) {
    if (::poll(&fd, 1, 100) <= 0) continue;
    pcap_dispatch(
        pc, o.count ? static_cast<int>(o.count - ctx.n) : -1,
        [](u_char* user, const pcap_pkthdr* hdr, const u_char* bytes) {
          auto* c = reinterpret_cast<Ctx*>(user);
          pcap_dump(reinterpret_cast<u_char*>(c->d), hdr, bytes);
          ++c->n;
          if (pcap_dump_flush(c->d) != 0 || std::ferror(pcap_dump_file(c->d))) c->failed = true;
        },
        reinterpret_cast<u_char*>(&ctx));
  }
  pcap_dump_close(d);
  pcap_close(pc);
  return ctx.n;
}

}  // namespace netsim::capture
