#pragma once
// A small least-recently-used cache of per-namespace handles (a namespace fd, a netlink socket).
// Building a lab touches every namespace several times (links, then addresses, then routes…);
// holding one handle per namespace for the whole build made `netsim up` hold ~2 fds per node, so
// past ~500 nodes the fds libnftables then opens were numbered above FD_SETSIZE (1024) and its
// select() aborted the process. This cache keeps at most `capacity` handles open; an evicted
// handle closes as soon as its last user drops its shared_ptr.
#include <cstddef>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "netsim/common/result.h"

namespace netsim::netns {

template <typename Handle>
class HandleCache {
 public:
  explicit HandleCache(size_t capacity) : capacity_(capacity < 2 ? 2 : capacity) {}

  // The handle for `key`, opened with open(key) (→ Result<Handle>) when not cached. Callers
  // keep the shared_ptr only as long as they use it: two handles may be needed at once (a veth
  // between two namespaces), so the capacity is at least 2 and eviction never invalidates one.
  template <typename Open>
  common::Result<std::shared_ptr<Handle>> get(const std::string& key, Open&& open) {
    if (auto it = index_.find(key); it != index_.end()) {
      order_.splice(order_.begin(), order_, it->second);  // now the most recently used
      ++hits_;
      return it->second->second;
    }
    common::Result<Handle> opened = open(key);
    if (!opened) return opened.error();
    ++opens_;
    auto handle = std::make_shared<Handle>(std::move(*opened));
    order_.emplace_front(key, handle);
    index_[key] = order_.begin();
    while (order_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    return handle;
  }

  size_t size() const { return order_.size(); }
  size_t capacity() const { return capacity_; }
  size_t opens() const { return opens_; }  // how many times a handle was opened (misses)
  size_t hits() const { return hits_; }

 private:
  using Entry = std::pair<std::string, std::shared_ptr<Handle>>;
  size_t capacity_;
  std::list<Entry> order_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
  size_t opens_ = 0;
  size_t hits_ = 0;
};

}  // namespace netsim::netns
