// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "strandq/result.h"
#include "strandq/store.h"

namespace strandq::http {

// Most ids one POST /v1/dead/replay or /v1/dead/purge may name.
inline constexpr size_t kMaxDeadIdsPerRequest = 10'000;

// Which dead letters a POST /v1/dead/replay or /v1/dead/purge names, and (replay) where they go.
struct DeadSelection {
  std::vector<uint64_t> ids;  // empty with `all`
  bool all = false;
  ReplayAt at = ReplayAt::kHead;
};

// Parses {"ids":[1,2,...]} or {"all":true}, with `allow_at` also an optional
// "at":"head"|"tail". The whole body is checked first: malformed JSON, an unknown or repeated
// field, "ids" with "all", neither, an empty "ids", an id that is not a whole number from 1 to
// 2^64-1, or "all" other than true is InvalidArgument naming the problem; more than
// kMaxDeadIdsPerRequest ids is TooLarge. Pure: no I/O, thread-safe.
Result<DeadSelection> ParseDeadSelection(std::string_view body, bool allow_at);

}  // namespace strandq::http
