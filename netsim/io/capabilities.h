#pragma once
// Dropping privileges once a process has opened what it needs: every capability outside
// `keep` leaves the bounding, ambient, permitted, effective and inheritable sets, and
// no_new_privs stops an exec from regaining any.
#include <initializer_list>

#include "netsim/common/result.h"

namespace netsim::io {

// `keep`: capability numbers (CAP_NET_ADMIN, ...); empty drops them all.
common::Status limitCapabilities(std::initializer_list<int> keep);

}  // namespace netsim::io
