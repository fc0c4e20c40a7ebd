// Copyright 2026 The strandq Authors.
#include "http/body_reader.h"

#include <charconv>
#include <vector>

namespace strandq::http {

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Status BodyReader::ReadObject(const std::string& prefix, const OnField& on_field) {
  std::vector<std::string> seen;
  for (Token t = tokens_.Next(); t != Token::end_object;) {
    if (t != Token::value_string) return Fail(prefix, tokens_.Unexpected("a field name"));
    std::string name = tokens_.String();
    for (const std::string& s : seen) {
      if (s == name) return Fail(prefix, "field \"" + name + "\" given twice");
    }
    if (tokens_.Next() != Token::name_separator) return Fail(prefix, tokens_.Unexpected("':'"));
    const Token value = tokens_.Next();
    if (value == Token::parse_error || value == Token::end_of_input) {
      return Fail(prefix, tokens_.Unexpected("a value"));
    }
    if (std::string error = on_field(name, value); !error.empty()) return Fail(prefix, error);
    seen.push_back(std::move(name));
    t = tokens_.Next();
    if (t == Token::value_separator) {
      t = tokens_.Next();
      if (t == Token::end_object) return Fail(prefix, tokens_.Unexpected("a field name"));
    } else if (t != Token::end_object) {
      return Fail(prefix, tokens_.Unexpected("',' or '}'"));
    }
  }
  return Status();
}

Status BodyReader::ReadArray(size_t max_items, const std::function<Status(size_t)>& read_item) {
  if (tokens_.Next() != Token::begin_array) {
    return Fail("", tokens_.Unexpected("an array of objects ('[')"));
  }
  if (Status s = ReadItems(max_items, read_item); !s.ok()) return s;
  return End();
}

Status BodyReader::ReadItems(size_t max_items, const std::function<Status(size_t)>& read_item) {
  size_t index = 0;
  for (Token t = tokens_.Next(); t != Token::end_array; ++index) {
    const std::string prefix = "item " + std::to_string(index) + ": ";
    if (index == max_items) {
      return Fail("", "more than " + std::to_string(max_items) +
                          " items in one request: send them in several");
    }
    if (t != Token::begin_object) return Fail(prefix, tokens_.Unexpected("an object"));
    if (Status s = read_item(index); !s.ok()) return s;
    t = tokens_.Next();
    if (t == Token::value_separator) {
      t = tokens_.Next();
      if (t == Token::end_array) {
        return Fail("item " + std::to_string(index + 1) + ": ", tokens_.Unexpected("an object"));
      }
    } else if (t != Token::end_array) {
      return Fail(prefix, tokens_.Unexpected("',' or ']'"));
    }
  }
  return Status();
}

Status BodyReader::End() {
  tokens_.Next();
  if (!tokens_.AtEnd()) return Fail("", tokens_.Unexpected("the end of the JSON text"));
  return Status();
}

std::string BodyReader::Unsigned(const std::string& name, Token t, uint64_t max,
                                 uint64_t& out) const {
  const std::string range = " must be a whole number from 0 to " + std::to_string(max);
  if (t != Token::value_unsigned) return "\"" + name + "\"" + range;
  const std::string_view raw = tokens_.Raw();
  auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), out);
  if (ec != std::errc() || end != raw.data() + raw.size() || out > max) {
    return "\"" + name + "\"" + range + ", not " + std::string(raw.substr(0, 24));
  }
  return {};
}

std::string BodyReader::String(const std::string& name, Token t, size_t max_bytes,
                               std::string& out) {
  if (t != Token::value_string) return "\"" + name + "\" must be a string";
  if (tokens_.String().size() > max_bytes) {
    return "\"" + name + "\" is longer than " + std::to_string(max_bytes) + " bytes";
  }
  out = std::move(tokens_.String());
  return {};
}

}  // namespace strandq::http
