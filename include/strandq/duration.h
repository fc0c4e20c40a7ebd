// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "strandq/result.h"

namespace strandq {

// Parses "1s", "10ms", "250us", "500ns", "1.5s", "2m", "1h" (a non-negative decimal number and
// a unit; "0" alone is zero). InvalidArgument naming the text otherwise.
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);

// The shortest exact-enough rendering: "1s", "10ms", "1.5s", "250us".
std::string FormatDuration(std::chrono::nanoseconds d);

}  // namespace strandq
