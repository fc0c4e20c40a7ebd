// Copyright 2026 The strandq Authors.
// The body of POST /v1/events. The first byte picks the format (even: JSON, odd: NDJSON).
// What it accepts is JSON by nlohmann's own parser too (which refuses only numbers a double
// cannot hold, that strandq keeps as text), and holds valid events within the limits.

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "http/event_body.h"
#include "json_check.h"

using strandq::fuzz::CheckIsJson;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  constexpr size_t kMaxPayload = 256;
  const auto format =
      data[0] % 2 == 0 ? strandq::http::BodyFormat::kJson : strandq::http::BodyFormat::kNdjson;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto events = strandq::http::ParseEventBody(body, format, kMaxPayload);
  if (!events.ok()) return 0;
  for (const strandq::NewEvent& event : *events) {
    if (!strandq::ValidateAccount(event.account).ok()) std::abort();
    if (event.payload.size() > kMaxPayload) std::abort();
  }
  if (format == strandq::http::BodyFormat::kJson) {
    CheckIsJson(body);
    return 0;
  }
  while (!body.empty()) {
    const size_t eol = body.find('\n');
    const std::string_view line = body.substr(0, eol);
    body.remove_prefix(eol == std::string_view::npos ? body.size() : eol + 1);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) CheckIsJson(line);
  }
  return 0;
}
