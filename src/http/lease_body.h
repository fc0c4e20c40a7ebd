// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "strandq/result.h"

namespace strandq::http {

// Most leases one POST /v1/leases may ask for, and most items in one settle or extend.
inline constexpr size_t kMaxLeasesPerRequest = 1000;
// Longest "wait_ms" of a long-poll (a client that wants longer polls again).
inline constexpr uint64_t kMaxWaitMs = 60'000;
// Longest "error" of a settle item.
inline constexpr size_t kMaxErrorBytes = 8 * 1024;

// One item of POST /v1/leases/settle:
// {"lease":"...","outcome":"ack"|"nack"|"dead","error":"...","retry_after_ms":N}; "error" is
// optional (not with ack), "retry_after_ms" only with nack.
struct SettleItem {
  enum class Verb { kAck, kNack, kDead };
  std::string lease;
  Verb outcome = Verb::kAck;
  std::string error;
  int64_t retry_after_ms = -1;  // -1: the store's backoff
};

// The body of POST /v1/leases: {"max":N,"wait_ms":W,"settle":[ITEM,...]}, all optional (max 1,
// wait_ms 0, nothing to settle); an empty body is {}. "settle" holds settle items, settled
// before the claim: a worker's whole round in one request.
struct ClaimRequest {
  size_t max = 1;                     // 1..kMaxLeasesPerRequest
  std::chrono::milliseconds wait{0};  // 0..kMaxWaitMs
  std::vector<SettleItem> settle;
};

// Parsers of the pull API's request bodies (token by token, JsonTokens). They check the whole
// body before anything is done with it: any malformed JSON, unknown or repeated field, wrong
// type, out-of-range number or item count is InvalidArgument naming the problem and, for the
// arrays, the 0-based index of its item ("item 3: ..."). The lease strings are not decoded
// here. Pure: no I/O, thread-safe.
Result<ClaimRequest> ParseClaimRequest(std::string_view body);
Result<std::vector<SettleItem>> ParseSettleRequest(std::string_view body);
// POST /v1/leases/extend: [{"lease":"..."}, ...]; the lease strings in order.
Result<std::vector<std::string>> ParseExtendRequest(std::string_view body);

}  // namespace strandq::http
