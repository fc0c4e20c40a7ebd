// Copyright 2026 The strandq Authors.
#include "backend/redis/lua_chunk.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace strandq {

void LuaChunk::Append(std::string_view name, std::string_view text) {
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) +
                    (text.empty() || text.back() == '\n' ? 0 : 1);
  pieces_.push_back({std::string(name), lines_ + 1, lines});
  text_.append(text);
  if (!text.empty() && text.back() != '\n') text_.push_back('\n');
  lines_ += lines;
}

std::string LuaChunk::Locate(int line) const {
  for (const Piece& piece : pieces_) {
    if (line >= piece.first_line && line < piece.first_line + piece.lines) {
      return piece.name + ":" + std::to_string(line - piece.first_line + 1);
    }
  }
  return "line " + std::to_string(line);
}

std::string LuaChunk::Explain(std::string_view error) const {
  static constexpr std::array<std::string_view, 2> kMarks = {"user_script:", "user_function:"};
  std::string out;
  size_t at = 0;
  while (at < error.size()) {
    size_t next = std::string_view::npos;
    std::string_view mark;
    for (std::string_view m : kMarks) {
      const size_t found = error.find(m, at);
      if (found < next) next = found, mark = m;
    }
    if (next == std::string_view::npos) break;
    const char* digits = error.data() + next + mark.size();
    int line = 0;
    const auto [end, ec] = std::from_chars(digits, error.data() + error.size(), line);
    out.append(error.substr(at, end - error.data() - at));
    if (ec == std::errc() && end != digits) out += " (" + Locate(line) + ")";
    at = static_cast<size_t>(end - error.data());
  }
  out.append(error.substr(std::min(at, error.size())));
  return out;
}

}  // namespace strandq
