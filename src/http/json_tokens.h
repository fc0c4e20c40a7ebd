// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace strandq::http {

// The tokens of one JSON text, read one at a time, each with its exact bytes. nlohmann's
// lexer checks each token (string escapes, UTF-8, number grammar) but, unlike its parser,
// does not refuse a number a double cannot hold: a number of any size keeps its text. The grammar
// above the tokens is the caller's, who bounds the nesting. A NUL byte reads as the end of
// input: AtEnd() tells it from the real end. Not thread-safe; `text` must outlive the reader.
class JsonTokens {
 public:
  using Token = nlohmann::detail::lexer_base<nlohmann::json>::token_type;

  explicit JsonTokens(std::string_view text);

  // Reads the next token and returns its type.
  Token Next();
  // The exact bytes of the last token.
  std::string_view Raw() const;
  // The unescaped value of the last string token (may be moved from).
  std::string& String() { return lexer_.get_string(); }
  // Offset of the first byte of the last token, and one past its last byte.
  size_t start() const;
  size_t end() const;

  // Whether the last token is the real end of the text (not a NUL byte).
  bool AtEnd() const { return token_ == Token::end_of_input && start() == text_.size(); }

  // Why the last token does not fit where `expected` (e.g. "',' or '}'") was wanted:
  // "malformed JSON at byte N: ...".
  std::string Unexpected(std::string_view expected) const;

 private:
  using Lexer = nlohmann::detail::lexer<nlohmann::json,
                                        nlohmann::detail::iterator_input_adapter<const char*>>;

  std::string_view text_;
  Lexer lexer_;
  Token token_ = Token::uninitialized;
  size_t prev_end_ = 0;  // end() of the token before the last
};

}  // namespace strandq::http
