// Copyright 2026 The strandq Authors.
// The bodies of POST /v1/dead/replay and /purge. The first byte picks whether "at" is allowed.
// What the parser accepts is JSON by nlohmann's own parser too, names ids (1..kMaxDead...) or
// all, never both, and never more ids than the limit.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/dead_body.h"
#include "json_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto parsed = strandq::http::ParseDeadSelection(body, (data[0] & 1) != 0);
  if (!parsed.ok()) return 0;
  strandq::fuzz::CheckIsJson(body);
  if (parsed->all == !parsed->ids.empty()) std::abort();
  if (parsed->ids.size() > strandq::http::kMaxDeadIdsPerRequest) std::abort();
  for (uint64_t id : parsed->ids) {
    if (id == 0) std::abort();
  }
  return 0;
}
