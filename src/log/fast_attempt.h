// Copyright 2026 The strandq Authors.
#pragma once

#include <optional>
#include <string_view>

#include "strandq/event_log.h"
#include "strandq/result.h"

namespace strandq {

// DESIGN
// The fast path of ParseAttempt: simdjson's On Demand parser reads the fields of a line in
// place, without building a document (reading a log of 1,000,000 lines is dominated by
// building one per line otherwise). It gives up (nullopt) on anything it would have to
// explain or cannot check: invalid JSON, a missing field, a field of the wrong type or range,
// an unknown outcome, a key the writer does not write (On Demand skips a value it is not asked
// for without validating it). The caller then parses the line with ParseAttemptJson, which
// names what is wrong. Every line it accepts, ParseAttemptJson accepts and reads the same (the
// last of duplicate keys wins in both). Any thread (each keeps its own parser).
std::optional<AttemptRecord> ParseAttemptFast(std::string_view line);

// The general reader of one line (nlohmann::json): InvalidArgument naming the missing or
// malformed field.
Result<AttemptRecord> ParseAttemptJson(std::string_view line);

}  // namespace strandq
