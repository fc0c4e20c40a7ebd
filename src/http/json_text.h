// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace strandq::http {

// The pieces of the JSON the server writes by hand (the pull API, the accounts and dead-letter
// API), so that a value renders the same wherever it appears. Pure, thread-safe.

// `s` as a JSON string, appended to `out`: escaped as JSON requires; bytes that are not valid
// UTF-8 become U+FFFD (how an event's payload is shown).
void AppendJsonString(std::string_view s, std::string& out);
// A whole number, appended to `out`.
void AppendJsonInt(int64_t value, std::string& out);
void AppendJsonUint(uint64_t value, std::string& out);
// {"error":"<message>"}
std::string JsonErrorBody(std::string_view message);

}  // namespace strandq::http
