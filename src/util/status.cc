// Copyright 2026 The strandq Authors.
#include "strandq/status.h"

namespace strandq {

std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "OK";
    case Status::Code::kInvalidArgument:
      return "invalid argument";
    case Status::Code::kNotFound:
      return "not found";
    case Status::Code::kLeaseLost:
      return "lease lost";
    case Status::Code::kTooLarge:
      return "too large";
    case Status::Code::kUnavailable:
      return "unavailable";
    case Status::Code::kCancelled:
      return "cancelled";
    case Status::Code::kInternal:
      return "internal";
    case Status::Code::kKeyReused:
      return "idempotency key reused";
    case Status::Code::kInProgress:
      return "in progress";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::Prefixed(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  return Status(code_, msg);
}

}  // namespace strandq
