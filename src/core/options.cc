// Copyright 2026 The strandq Authors.
#include "strandq/options.h"

#include <string>

#include "strandq/duration.h"

namespace strandq {

std::string_view PolicyName(Policy policy) {
  switch (policy) {
    case Policy::kLongest:
      return "longest";
    case Policy::kOldest:
      return "oldest";
  }
  return "unknown";
}

std::optional<Policy> ParsePolicy(std::string_view name) {
  if (name == "longest") return Policy::kLongest;
  if (name == "oldest") return Policy::kOldest;
  return std::nullopt;
}

std::string_view OnDeadName(OnDead on_dead) {
  switch (on_dead) {
    case OnDead::kSkip:
      return "skip";
    case OnDead::kPark:
      return "park";
  }
  return "unknown";
}

std::optional<OnDead> ParseOnDead(std::string_view name) {
  if (name == "skip") return OnDead::kSkip;
  if (name == "park") return OnDead::kPark;
  return std::nullopt;
}

Status ValidateEngineOptions(const EngineOptions& options) {
  auto bad = [](std::string_view field, std::string_view rule, const std::string& got) {
    return Status::InvalidArgument(std::string(field) + " must be " + std::string(rule) + ", got " +
                                   got);
  };
  auto dur = [](std::chrono::nanoseconds d) { return FormatDuration(d); };
  // Workers extend a lease every third of its TTL; below a millisecond that cannot be kept.
  if (options.lease_ttl < std::chrono::milliseconds(1)) {
    return bad("lease_ttl", ">= 1ms", dur(options.lease_ttl));
  }
  if (options.max_attempts < 1) {
    return bad("max_attempts", ">= 1", std::to_string(options.max_attempts));
  }
  if (options.retry_backoff.count() < 0) {
    return bad("retry_backoff", ">= 0", dur(options.retry_backoff));
  }
  if (options.retry_backoff_max < options.retry_backoff) {
    return bad("retry_backoff_max", ">= retry_backoff (" + dur(options.retry_backoff) + ")",
               dur(options.retry_backoff_max));
  }
  if (options.max_payload_bytes == 0) return bad("max_payload_bytes", "> 0", "0");
  // At least a millisecond (the Redis store keeps it in µs); at most a year, so that a wall
  // time plus the window cannot overflow.
  if (options.idempotency_window < std::chrono::milliseconds(1) ||
      options.idempotency_window > std::chrono::hours(24 * 365)) {
    return bad("idempotency_window", "from 1ms to 365 days", dur(options.idempotency_window));
  }
  if (options.policy != Policy::kLongest && options.policy != Policy::kOldest) {
    return Status::InvalidArgument("policy is not a known policy");
  }
  if (options.on_dead != OnDead::kSkip && options.on_dead != OnDead::kPark) {
    return Status::InvalidArgument("on_dead is not a known on_dead mode");
  }
  return Status();
}

}  // namespace strandq
