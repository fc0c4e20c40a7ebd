// Copyright 2026 The strandq Authors.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace strandq {

// Status is the outcome of an operation that returns no value: OK, or an error code with a
// message. Errors are values at every module boundary of strandq; no exception crosses a
// public API. A Status is cheap to copy when OK. Not thread-safe to mutate; safe to share
// const.
class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk = 0,
    kInvalidArgument,  // the caller passed something malformed; retrying will not help
    kNotFound,         // the named thing does not exist
    kLeaseLost,        // the lease expired or was granted again: the fencing token is stale
    kTooLarge,         // a payload, body or batch exceeds a configured limit
    kUnavailable,      // the backend is down or unreachable: the caller may retry
    kCancelled,        // the operation was interrupted (shutdown)
    kInternal,         // a broken invariant inside strandq
    kKeyReused,        // the idempotency key was used for a different request
    kInProgress,       // a request with this idempotency key is still being written
  };

  Status() = default;  // OK

  static Status InvalidArgument(std::string_view msg) { return {Code::kInvalidArgument, msg}; }
  static Status NotFound(std::string_view msg) { return {Code::kNotFound, msg}; }
  static Status LeaseLost(std::string_view msg) { return {Code::kLeaseLost, msg}; }
  static Status TooLarge(std::string_view msg) { return {Code::kTooLarge, msg}; }
  static Status Unavailable(std::string_view msg) { return {Code::kUnavailable, msg}; }
  static Status Cancelled(std::string_view msg) { return {Code::kCancelled, msg}; }
  static Status Internal(std::string_view msg) { return {Code::kInternal, msg}; }
  static Status KeyReused(std::string_view msg) { return {Code::kKeyReused, msg}; }
  static Status InProgress(std::string_view msg) { return {Code::kInProgress, msg}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // "OK", or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status Prefixed(std::string_view context) const;

 private:
  Status(Code code, std::string_view msg) : code_(code), message_(msg) {}

  Code code_ = Code::kOk;
  std::string message_;
};

std::string_view CodeName(Status::Code code);

}  // namespace strandq
