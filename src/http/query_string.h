// Copyright 2026 The strandq Authors.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strandq/result.h"

namespace strandq::http {

// Longest query string read (the request head's limit bounds it too).
inline constexpr size_t kMaxQueryParameters = 16;

// `text` with its %XX escapes decoded (and '+' as a space when `plus_is_space`, as in a
// query). InvalidArgument for a '%' not followed by two hex digits, or an escape that decodes
// to a NUL byte. Pure.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// The name=value pairs of a query string (the part of a target after '?', without it),
// decoded, in order. "a&b=" gives {"a",""},{"b",""}; empty pieces ("a=1&&b=2") are skipped.
// InvalidArgument for a bad escape, a name given twice, or more than kMaxQueryParameters
// pairs. Pure.
Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

// The query string of a request target: what follows the first '?', or "".
std::string_view QueryOf(std::string_view target);

}  // namespace strandq::http
