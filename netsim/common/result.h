#pragma once
// Control-plane error handling: functions return Result<T>; only `main` turns errors into exit
// codes. Error carries a code so callers can branch without parsing text.
#include <cstring>
#include <string>
#include <utility>
#include <variant>

namespace netsim::common {

enum class ErrorCode {
  kInvalidArgument,  // bad user input (exit code 2)
  kNotFound,
  kAlreadyExists,
  kSystem,           // a syscall or netlink call failed
  kFailedCheck,      // an expectation did not hold (exit code 1)
  kInternal,
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
};

inline Error makeError(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }
// A failed system call: "what: <strerror(err)>", kSystem.
inline Error systemError(const std::string& what, int err) {
  return makeError(ErrorCode::kSystem, what + ": " + std::strerror(err));
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}    // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

struct Ok {};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Ok) {}                                            // NOLINT
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace netsim::common
