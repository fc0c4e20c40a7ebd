// Copyright 2026 The strandq Authors.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strandq {

// A Lua chunk assembled from named pieces (the files of lua/ and generated code), which
// remembers where each piece starts: the server reports an error at a line of the whole chunk
// ("user_function:123:"), and Explain() says which file and line that is. Not thread-safe to
// build; const methods may be called from any thread.
class LuaChunk {
 public:
  // Appends `text` as the piece `name`, ending it with a newline if it has none.
  void Append(std::string_view name, std::string_view text);

  const std::string& text() const { return text_; }
  // "claim.lua:12" for line 12 of the piece claim.lua; "line N" past the last piece.
  std::string Locate(int line) const;
  // `error` with every "user_script:N" and "user_function:N" (how Redis names a line of a
  // script or of a function library) followed by " (FILE:LINE)".
  std::string Explain(std::string_view error) const;

 private:
  struct Piece {
    std::string name;
    int first_line;  // 1-based line of the chunk where the piece starts
    int lines;
  };
  std::string text_;
  int lines_ = 0;
  std::vector<Piece> pieces_;
};

}  // namespace strandq
