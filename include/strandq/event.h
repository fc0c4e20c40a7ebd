// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "strandq/status.h"

namespace strandq {

// Account names: 1–128 bytes of [A-Za-z0-9_.:@-].
inline constexpr size_t kMaxAccountBytes = 128;
// Default payload limit (EngineOptions::max_payload_bytes).
inline constexpr size_t kDefaultMaxPayloadBytes = 1 << 20;

// OK if `account` is a valid account name, else InvalidArgument naming the problem.
Status ValidateAccount(std::string_view account);

// An event as a producer submits it.
struct NewEvent {
  std::string account;
  std::string payload;
};

// OK if `account` is valid and `payload` at most `max_payload_bytes` long; else
// InvalidArgument (the account) or TooLarge (the payload).
Status ValidateNewEvent(std::string_view account, std::string_view payload,
                        size_t max_payload_bytes);

// OK if every event of `batch` has a valid account and a payload of at most
// `max_payload_bytes`; else InvalidArgument or TooLarge naming the first bad event's index.
Status ValidateNewEvents(std::span<const NewEvent> batch, size_t max_payload_bytes);

// What the store assigned to an accepted event.
struct EnqueueReceipt {
  uint64_t id = 0;   // unique per store, increasing in acceptance order
  uint64_t seq = 0;  // 1-based position within the account
  bool operator==(const EnqueueReceipt&) const = default;
};

// An accepted event as a worker sees it.
struct Event {
  uint64_t id = 0;          // unique per store, increasing in acceptance order: idempotency key
  std::string account;      // the strand it belongs to
  uint64_t seq = 0;         // 1-based position within the account
  std::string payload;      // opaque bytes
  int64_t enqueued_ns = 0;  // CLOCK_REALTIME at acceptance
  uint32_t attempt = 0;     // 1 on first delivery, +1 on every redelivery
  uint32_t replay = 0;      // times an operator replayed it from the dead letters (attempt
                            // starts again at 1 with each replay)
};

}  // namespace strandq
