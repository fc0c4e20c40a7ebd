// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

namespace strandq::fuzz {

// Aborts (a finding for libFuzzer) unless nlohmann's own parser accepts `text` as JSON, or
// refuses only a number too large for a double (valid JSON, which strandq keeps as text).
inline void CheckIsJson(std::string_view text) {
  try {
    [[maybe_unused]] const auto parsed = nlohmann::json::parse(text);
  } catch (const nlohmann::json::out_of_range&) {
    // a number too large for a double: valid JSON
  } catch (const nlohmann::json::exception&) {
    std::abort();
  }
}

}  // namespace strandq::fuzz
