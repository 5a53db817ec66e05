#include "netsim/io/shared_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace netsim::io {
namespace {

using common::ErrorCode;
using common::makeError;

common::Error sysError(const std::string& what, const std::string& path) {
  return common::systemError(what + " " + path, errno);
}

// Maps `fd` (which it closes) whole.
common::Result<std::pair<void*, size_t>> mapWhole(int fd, const std::string& path, ino_t& inode) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    auto e = sysError("cannot stat", path);
    ::close(fd);
    return e;
  }
  inode = st.st_ino;
  const auto size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return makeError(ErrorCode::kNotFound, path + " is empty");
  }
  void* data = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  auto e = sysError("cannot map", path);
  ::close(fd);
  if (data == MAP_FAILED) return e;
  return std::make_pair(data, size);
}

}  // namespace

common::Result<SharedFile> SharedFile::create(const std::string& path, size_t size) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sysError("cannot remove", path);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return sysError("cannot create", path);
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    auto e = sysError("cannot size", path);
    ::close(fd);
    ::unlink(path.c_str());
    return e;
  }
  ino_t inode = 0;
  auto mapped = mapWhole(fd, path, inode);
  if (!mapped) {
    ::unlink(path.c_str());
    return mapped.error();
  }
  return SharedFile(mapped->first, mapped->second, inode);
}

common::Result<SharedFile> SharedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return makeError(ErrorCode::kNotFound, path + " does not exist");
    return sysError("cannot open", path);
  }
  ino_t inode = 0;
  auto mapped = mapWhole(fd, path, inode);
  if (!mapped) return mapped.error();
  return SharedFile(mapped->first, mapped->second, inode);
}

ino_t SharedFile::inodeAt(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

SharedFile::SharedFile(SharedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)), inode_(other.inode_) {}

SharedFile& SharedFile::operator=(SharedFile&& other) noexcept {
  if (this != &other) {
    if (data_) ::munmap(data_, size_);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
    inode_ = other.inode_;
  }
  return *this;
}

SharedFile::~SharedFile() {
  if (data_) ::munmap(data_, size_);
}

}  // namespace netsim::io
