// Copyright 2026 The strandq Authors.
#include "http/dead_body.h"

#include <string>

#include "http/body_reader.h"

namespace strandq::http {
namespace {

using Token = JsonTokens::Token;

// After the '[' of "ids": whole numbers up to ']'. An error message, or "" (TooLarge is told
// apart by `too_many`).
std::string ReadIds(BodyReader& reader, std::vector<uint64_t>& ids, bool& too_many) {
  JsonTokens& tokens = reader.tokens();
  for (Token t = tokens.Next(); t != Token::end_array;) {
    if (ids.size() == kMaxDeadIdsPerRequest) {
      too_many = true;
      return "more than " + std::to_string(kMaxDeadIdsPerRequest) +
             " ids in one request: send them in several, or {\"all\":true}";
    }
    uint64_t id = 0;
    const std::string name = "ids[" + std::to_string(ids.size()) + "]";
    if (t == Token::value_unsigned) {
      if (std::string e = reader.Unsigned(name, t, UINT64_MAX, id); !e.empty()) return e;
    }
    if (id == 0) {
      return "\"" + name + "\" must be a dead event's id (a whole number of at least 1), not " +
             std::string(tokens.Raw().substr(0, 24));
    }
    ids.push_back(id);
    t = tokens.Next();
    if (t == Token::value_separator) {
      t = tokens.Next();
      if (t == Token::end_array) return tokens.Unexpected("an id");
    } else if (t != Token::end_array) {
      return tokens.Unexpected("',' or ']'");
    }
  }
  if (ids.empty()) return "\"ids\" is empty: name at least one id, or send {\"all\":true}";
  return {};
}

}  // namespace

Result<DeadSelection> ParseDeadSelection(std::string_view body, bool allow_at) {
  DeadSelection out;
  bool has_ids = false, has_all = false, too_many = false;
  const std::string fields = allow_at ? "\"ids\", \"all\", \"at\"" : "\"ids\", \"all\"";
  BodyReader reader(body);
  if (reader.tokens().Next() != Token::begin_object) {
    return BodyReader::Fail("", reader.tokens().Unexpected("an object ('{')"));
  }
  Status s = reader.ReadObject("", [&](const std::string& name, Token t) -> std::string {
    if (name == "ids") {
      has_ids = true;
      if (t != Token::begin_array) return "\"ids\" must be an array of ids";
      return ReadIds(reader, out.ids, too_many);
    }
    if (name == "all") {
      has_all = true;
      if (t != Token::literal_true) return "\"all\" must be true (or name the events by \"ids\")";
      out.all = true;
      return {};
    }
    if (name == "at" && allow_at) {
      std::string at;
      if (std::string e = reader.String(name, t, 16, at); !e.empty()) return e;
      if (at != "head" && at != "tail")
        return "\"at\" must be \"head\" or \"tail\", not \"" + at + "\"";
      out.at = at == "tail" ? ReplayAt::kTail : ReplayAt::kHead;
      return {};
    }
    return "unknown field \"" + name.substr(0, 64) + "\" (the body has " + fields + ")";
  });
  if (too_many) return Status::TooLarge(s.message());
  if (!s.ok()) return s;
  if (Status end = reader.End(); !end.ok()) return end;
  if (has_ids == has_all) {
    return Status::InvalidArgument(
        "name the dead events: {\"ids\":[ID,...]} or {\"all\":true}, one of the two");
  }
  return out;
}

}  // namespace strandq::http
