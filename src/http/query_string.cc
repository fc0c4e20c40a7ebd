// Copyright 2026 The strandq Authors.
#include "http/query_string.h"

namespace strandq::http {
namespace {

int PercentHexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string ClipQuoted(std::string_view s) {
  constexpr size_t kQuoted = 32;
  return s.size() <= kQuoted ? std::string(s) : std::string(s.substr(0, kQuoted)) + "...";
}

}  // namespace

Result<std::string> PercentDecode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '%') {
      out += c == '+' && plus_is_space ? ' ' : c;
      continue;
    }
    const int hi = i + 1 < text.size() ? PercentHexValue(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? PercentHexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument("bad percent-encoding in '" + ClipQuoted(text) +
                                     "': '%' must be followed by two hex digits");
    }
    const char byte = static_cast<char>(hi * 16 + lo);
    if (byte == '\0')
      return Status::InvalidArgument("'" + ClipQuoted(text) + "' decodes to a NUL byte");
    out += byte;
    i += 2;
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    if (out.size() == kMaxQueryParameters) {
      return Status::InvalidArgument("more than " + std::to_string(kMaxQueryParameters) +
                                     " query parameters");
    }
    const size_t eq = piece.find('=');
    auto name = PercentDecode(piece.substr(0, eq), true);
    if (!name.ok()) return name.status();
    auto value = PercentDecode(eq == std::string_view::npos ? "" : piece.substr(eq + 1), true);
    if (!value.ok()) return value.status().Prefixed("query parameter '" + ClipQuoted(*name) + "'");
    for (const auto& [seen, unused] : out) {
      if (seen == *name) {
        return Status::InvalidArgument("query parameter '" + ClipQuoted(*name) + "' given twice");
      }
    }
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

std::string_view QueryOf(std::string_view target) {
  const size_t q = target.find('?');
  return q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
}

}  // namespace strandq::http
