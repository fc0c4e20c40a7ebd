// Copyright 2026 The strandq Authors.
// A duration flag ("1.5s"): what parses is non-negative, and its rendering parses again.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "strandq/duration.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto d = strandq::ParseDuration(text);
  if (!d.ok()) return 0;
  if (d->count() < 0) std::abort();
  if (!strandq::ParseDuration(strandq::FormatDuration(*d)).ok()) std::abort();
  return 0;
}
