#include "netsim/io/capabilities.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace netsim::io {

using common::ErrorCode;
using common::makeError;
using common::Status;
namespace {
Status sysError(const char* what) {
  return makeError(ErrorCode::kSystem, std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

Status limitCapabilities(std::initializer_list<int> keep) {
  uint64_t mask = 0;
  for (int c : keep) mask |= uint64_t{1} << c;
  for (int cap = 0; cap <= 63; ++cap) {
    if (mask & (uint64_t{1} << cap)) continue;
    if (::prctl(PR_CAPBSET_READ, cap) == 1 && ::prctl(PR_CAPBSET_DROP, cap) != 0) return sysError("PR_CAPBSET_DROP");
  }
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return sysError("PR_SET_NO_NEW_PRIVS");
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2]{};
  for (int i = 0; i < 2; ++i) {
    auto bits = static_cast<uint32_t>(mask >> (32 * i));
    data[i].effective = data[i].permitted = bits;
  }
  if (::syscall(SYS_capset, &hdr, data) != 0) return sysError("capset");
  return {};
}

}  // namespace netsim::io
