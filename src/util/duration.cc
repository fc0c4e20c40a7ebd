// Copyright 2026 The strandq Authors.
#include "strandq/duration.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace strandq {

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("bad duration '" + std::string(text) + "': " + std::string(why) +
                                   " (examples: 1s, 10ms, 250us, 1.5s)");
  };
  if (text == "0") return std::chrono::nanoseconds(0);
  size_t unit_pos = 0;
  while (unit_pos < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[unit_pos])) || text[unit_pos] == '.')) {
    ++unit_pos;
  }
  if (unit_pos == 0) return bad("expected a number");
  double number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + unit_pos, number);
  if (ec != std::errc() || ptr != text.data() + unit_pos) return bad("expected a number");
  std::string_view unit = text.substr(unit_pos);
  double scale = 0;
  if (unit == "ns")
    scale = 1;
  else if (unit == "us")
    scale = 1e3;
  else if (unit == "ms")
    scale = 1e6;
  else if (unit == "s")
    scale = 1e9;
  else if (unit == "m")
    scale = 60e9;
  else if (unit == "h")
    scale = 3600e9;
  else
    return bad(unit.empty() ? "missing unit" : "unknown unit");
  double ns = std::round(number * scale);
  if (!(ns < 9.2e18)) return bad("too large");
  return std::chrono::nanoseconds(static_cast<int64_t>(ns));
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  const int64_t ns = d.count();
  struct Unit {
    int64_t scale;
    const char* name;
  };
  static constexpr Unit kUnits[] = {{3600'000'000'000, "h"}, {60'000'000'000, "m"},
                                    {1'000'000'000, "s"},    {1'000'000, "ms"},
                                    {1'000, "us"},           {1, "ns"}};
  if (ns == 0) return "0s";
  for (const Unit& u : kUnits) {
    if (std::llabs(ns) >= u.scale) {
      if (ns % u.scale == 0) return std::to_string(ns / u.scale) + u.name;
      // 6 significant digits, but never an exponent (ParseDuration reads no "e+06"): whole
      // units then, rounded toward zero so that the largest durations still parse.
      const double value = static_cast<double>(ns) / u.scale;
      char buf[48];
      std::snprintf(buf, sizeof buf, "%.6g", value);
      if (std::strchr(buf, 'e') != nullptr) {
        std::snprintf(buf, sizeof buf, "%.0f", std::trunc(value));
      }
      return buf + std::string(u.name);
    }
  }
  return std::to_string(ns) + "ns";
}

}  // namespace strandq
