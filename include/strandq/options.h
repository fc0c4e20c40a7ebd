// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "strandq/event.h"

namespace strandq {

// Which ready account a worker gets next.
enum class Policy {
  kLongest,  // most pending events first, ties to the oldest head: optimal makespan on backlogs
  kOldest,   // oldest head event first: lowest worst-case latency
};

// What happens to a strand once one of its events is dead-lettered.
enum class OnDead {
  kSkip,  // the strand goes on with its next event
  kPark,  // the strand stops until an operator replays or purges the dead event
};

std::string_view PolicyName(Policy policy);
std::optional<Policy> ParsePolicy(std::string_view name);
std::string_view OnDeadName(OnDead on_dead);
std::optional<OnDead> ParseOnDead(std::string_view name);

// Engine settings shared by every store. Defaults are DESIGN.md's.
struct EngineOptions {
  Policy policy = Policy::kLongest;
  // A lease not extended within this time expires; its event is delivered again.
  std::chrono::nanoseconds lease_ttl = std::chrono::seconds(30);
  // Grants of one event (including lease expiries) before it is dead-lettered. >= 1.
  uint32_t max_attempts = 5;
  // Retry delay after the n-th failed attempt: min(base * 2^(n-1), max), then multiplied by a
  // random factor in [0.5, 1.0] (jitter).
  std::chrono::nanoseconds retry_backoff = std::chrono::milliseconds(100);
  std::chrono::nanoseconds retry_backoff_max = std::chrono::seconds(30);
  OnDead on_dead = OnDead::kSkip;
  size_t max_payload_bytes = kDefaultMaxPayloadBytes;
  // How long a producer's idempotency key (Store::EnqueueOnce) is remembered, on the store's
  // wall clock: a repeat within it is answered with the first answer; after it, the key is as
  // if never used. From 1ms to 365 days.
  std::chrono::nanoseconds idempotency_window = std::chrono::hours(24);
  // For commands that inspect or administer a shared store (stats, dlq, drop): open it with
  // the policy it records instead of `policy`, and record nothing in a store that is new, so
  // that its first producer or worker still chooses; a sqlite: database that does not exist is
  // refused rather than created. mem: ignores it.
  bool policy_from_store = false;
  // Who this store client is, as AccountInfo::lease_holder shows it for the leases it was
  // granted. Empty: "HOSTNAME:PID".
  std::string client_name;
};

// OK if the options are usable, else InvalidArgument naming the first bad field.
Status ValidateEngineOptions(const EngineOptions& options);

}  // namespace strandq
