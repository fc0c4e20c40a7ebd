// Copyright 2026 The strandq Authors.
#include "http/json_text.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace strandq::http {

void AppendJsonString(std::string_view s, std::string& out) {
  out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AppendJsonInt(int64_t value, std::string& out) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

void AppendJsonUint(uint64_t value, std::string& out) {
  char digits[24];
  out.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
}

std::string JsonErrorBody(std::string_view message) {
  std::string out = "{\"error\":";
  AppendJsonString(message, out);
  out += '}';
  return out;
}

}  // namespace strandq::http
