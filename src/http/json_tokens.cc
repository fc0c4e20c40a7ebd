// Copyright 2026 The strandq Authors.
#include "http/json_tokens.h"

#include <algorithm>

namespace strandq::http {
namespace {

constexpr std::string_view kWhitespace = " \t\n\r";
constexpr size_t kQuoteBytes = 32;  // of a token quoted in an error message

std::string Clip(std::string_view s) {
  if (s.size() <= kQuoteBytes) return std::string(s);
  return std::string(s.substr(0, kQuoteBytes)) + "...";
}

}  // namespace

JsonTokens::JsonTokens(std::string_view text)
    : text_(text),
      lexer_(nlohmann::detail::input_adapter(text.data(), text.data() + text.size())) {}

JsonTokens::Token JsonTokens::Next() {
  prev_end_ = end();
  token_ = lexer_.scan();
  return token_;
}

size_t JsonTokens::end() const {
  // The lexer counts the end of input it read as a character.
  return std::min(lexer_.get_position().chars_read_total, text_.size());
}

size_t JsonTokens::start() const {
  return std::min(text_.find_first_not_of(kWhitespace, prev_end_), end());
}

std::string_view JsonTokens::Raw() const { return text_.substr(start(), end() - start()); }

std::string JsonTokens::Unexpected(std::string_view expected) const {
  std::string what;
  if (token_ == Token::parse_error) {
    what = std::string(lexer_.get_error_message()) + "; last read: '" +
           Clip(lexer_.get_token_string()) + "'";
  } else if (token_ == Token::end_of_input && start() < text_.size()) {
    what = "unexpected NUL byte, expected " + std::string(expected);
  } else if (token_ == Token::end_of_input) {
    what = "unexpected end of input, expected " + std::string(expected);
  } else {
    what = "unexpected '" + Clip(Raw()) + "', expected " + std::string(expected);
  }
  return "malformed JSON at byte " + std::to_string(start()) + ": " + what;
}

}  // namespace strandq::http
