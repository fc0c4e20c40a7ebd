// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "http/json_tokens.h"
#include "strandq/status.h"

namespace strandq::http {

// Whether `s` holds nothing but JSON whitespace.
bool IsBlank(std::string_view s);

// Reads a request body of a fixed grammar (objects of named fields, arrays of such objects)
// token by token (JsonTokens), for the parsers of the pull API (lease_body) and of the
// dead-letter API (dead_body). Every failure is InvalidArgument naming the problem. Not
// thread-safe; `body` must outlive the reader.
class BodyReader {
 public:
  using Token = JsonTokens::Token;
  // Reads one field's value (its token is the last read); returns an error message or "".
  using OnField = std::function<std::string(const std::string& name, Token value)>;

  explicit BodyReader(std::string_view body) : tokens_(body) {}

  JsonTokens& tokens() { return tokens_; }

  // After '{' was read: the fields up to '}', each name once. `prefix` ("item 2: " or "")
  // starts messages.
  Status ReadObject(const std::string& prefix, const OnField& on_field);
  // The whole body: an array of objects (ReadItems), then the end.
  Status ReadArray(size_t max_items, const std::function<Status(size_t)>& read_item);
  // After '[': objects (each read by `read_item(index)` after its '{'), at most `max_items`
  // of them, up to ']'.
  Status ReadItems(size_t max_items, const std::function<Status(size_t)>& read_item);
  // Nothing but whitespace after the JSON text.
  Status End();

  // The last token as a whole number within [0, max], or an error message naming `name`.
  std::string Unsigned(const std::string& name, Token t, uint64_t max, uint64_t& out) const;
  // The last token as a string of at most `max_bytes`, or an error message naming `name`.
  std::string String(const std::string& name, Token t, size_t max_bytes, std::string& out);

  static Status Fail(const std::string& prefix, const std::string& message) {
    return Status::InvalidArgument(prefix + message);
  }

 private:
  JsonTokens tokens_;
};

}  // namespace strandq::http
