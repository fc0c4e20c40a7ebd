// Copyright 2026 The strandq Authors.
// A redis:// store URL.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "backend/redis/redis_url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto url = strandq::ParseRedisUrl(text);
  if (!url.ok()) return 0;
  if (url->port < 0 || url->port > 65535 || url->db < 0) std::abort();
  if (url->Address().empty()) std::abort();
  return 0;
}
