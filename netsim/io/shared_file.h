#pragma once
// A file in tmpfs mapped shared into memory by two processes: a NAT gateway appliance writes its
// flow count board there and the flow log collector reads it. The file is sparse: only the
// pages a writer touches take memory.
#include <sys/types.h>

#include <cstddef>
#include <span>
#include <string>

#include "netsim/common/result.h"

namespace netsim::io {

class SharedFile {
 public:
  // Replaces whatever is at `path` with a new zeroed file of `size` bytes (mode 0600), mapped
  // read-write. A reader that mapped the old file keeps its (now unlinked) copy.
  static common::Result<SharedFile> create(const std::string& path, size_t size);
  // Maps the whole of an existing file read-write.
  static common::Result<SharedFile> open(const std::string& path);
  // The inode now at `path` (0 when there is none): a reader compares it with inode() to notice
  // that the writer started again with a new file.
  static ino_t inodeAt(const std::string& path);

  SharedFile(SharedFile&& other) noexcept;
  SharedFile& operator=(SharedFile&& other) noexcept;
  SharedFile(const SharedFile&) = delete;
  SharedFile& operator=(const SharedFile&) = delete;
  ~SharedFile();

  std::span<std::byte> bytes() const { return {static_cast<std::byte*>(data_), size_}; }
  ino_t inode() const { return inode_; }

 private:
  SharedFile(void* data, size_t size, ino_t inode) : data_(data), size_(size), inode_(inode) {}
  void* data_ = nullptr;
  size_t size_ = 0;
  ino_t inode_ = 0;
};

}  // namespace netsim::io
