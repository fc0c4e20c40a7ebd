// Copyright 2026 The strandq Authors.
#pragma once

#include <optional>
#include <string_view>

#include "strandq/event_log.h"
#include "strandq/result.h"

namespace strandq {

// DESIGN
// The fast path of ParseAttempt. A line exactly as FormatAttempt writes it (keys in its order,
// no spaces, non-negative integers without leading zeros, ASCII strings whose only escapes are
// \" \\ \/ \b \f \n \r \t) is read by hand, without building a JSON document: reading a log of
// 1,000,000 lines is dominated by the JSON parser otherwise. Anything else (other key order,
// whitespace, \u escapes, non-ASCII text, negative times, an unknown outcome, malformed input)
// returns nullopt, and the caller parses the line with ParseAttemptJson, which accepts any
// valid JSON form and names what is wrong. For every line both accept, both give the same
// record. Pure; any thread.
std::optional<AttemptRecord> ParseCanonicalAttempt(std::string_view line);

// The general reader of one line (nlohmann::json): InvalidArgument naming the missing or
// malformed field.
Result<AttemptRecord> ParseAttemptJson(std::string_view line);

}  // namespace strandq
