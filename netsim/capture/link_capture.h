#pragma once
// Live captures on a set of capture points. One capture thread owns every libpcap handle: it
// enters each point's namespace (setns) before opening that point's handle (a packet socket
// stays bound to the namespace it was made in), returns to its own namespace, and then reads
// all handles with poll(). Handles use immediate mode and nanosecond timestamps, and `start`
// returns only once every handle is open, so a probe sent after it is seen everywhere.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "netsim/capture/capture_points.h"
#include "netsim/capture/sighting.h"
#include "netsim/common/result.h"

struct pcap;
struct pcap_dumper;

namespace netsim::capture {

// One pcap file per capture point (Ethernet, nanosecond timestamps), kept open across several
// captures so `check --pcap DIR` gives one file per link for the whole run.
class PcapFileSet {
 public:
  static common::Result<std::unique_ptr<PcapFileSet>> open(const std::string& dir,
                                                           const std::vector<CapturePoint>& points);
  ~PcapFileSet();
  PcapFileSet(const PcapFileSet&) = delete;
  PcapFileSet& operator=(const PcapFileSet&) = delete;

  const std::vector<CapturePoint>& points() const { return points_; }
  const std::vector<std::string>& paths() const { return paths_; }
  // Writes one frame to the file of `point` (an index into points()).
  void write(size_t point, int64_t time_ns, const uint8_t* frame, size_t caplen, size_t len);
  void flush();

 private:
  PcapFileSet() = default;
  std::vector<CapturePoint> points_;
  std::vector<std::string> paths_;
  pcap* dead_ = nullptr;
  std::vector<pcap_dumper*> dumpers_;
};

struct CaptureOptions {
  std::string filter;                  // BPF expression for every handle ("" = everything)
  int buffer_bytes = 1 << 20;          // kernel ring per handle
  PcapFileSet* files = nullptr;        // also write every kept frame here (same point order)
};

class LinkCapture {
 public:
  // Opens a handle on every point, then starts reading. Fails (naming the point) if any
  // handle cannot be opened: a capture that misses a link would prove nothing.
  static common::Result<std::unique_ptr<LinkCapture>> start(std::vector<CapturePoint> points,
                                                            CaptureOptions options);
  ~LinkCapture();
  LinkCapture(const LinkCapture&) = delete;
  LinkCapture& operator=(const LinkCapture&) = delete;

  // Reads what is still queued in every handle, stops, and returns all sightings.
  std::vector<Sighting> stop();
  // While running: drains every handle and hands over the sightings collected since the last
  // collect() (or start). Lets several probes share one capture, each taking its own window.
  std::vector<Sighting> collect();
  // Points skipped because their interface is down (it carries no packets either).
  const std::vector<std::string>& skipped() const { return skipped_; }
  const std::vector<CapturePoint>& points() const { return points_; }
  // Frames the kernel dropped (ring full), summed over the handles; 0 in a healthy capture.
  uint64_t kernelDrops() const { return drops_; }

 private:
  LinkCapture() = default;
  void run();
  void readAll(bool drain);

  struct Handle;
  std::vector<CapturePoint> points_;
  CaptureOptions options_;
  std::vector<std::unique_ptr<Handle>> handles_;
  std::vector<Sighting> sightings_;
  std::thread thread_;
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> collect_requested_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Sighting> handover_;
  bool handed_over_ = false;
  std::vector<std::string> skipped_;
  bool stopped_ = false;
  uint64_t drops_ = 0;
};

// Opens one handle on `ifname` inside namespace `ns` ("any" for every interface) and returns
// it ready to read (immediate mode, nanosecond timestamps, filter applied). The caller owns it
// (pcap_close). Used by `netsim capture`.
common::Result<pcap*> openHandleIn(const std::string& ns, const std::string& ifname, const std::string& filter,
                                   int buffer_bytes);

}  // namespace netsim::capture
