// Copyright 2026 The strandq Authors.
#include "http/event_body.h"

#include <string>
#include <utility>

#include "http/json_tokens.h"

// DESIGN
// The body is read token by token (JsonTokens) straight into NewEvents: no DOM is built, so
// a 1,000-event batch costs one pass over its bytes and one string per account and payload.
// The envelope is a fixed grammar (an object, or an array of objects, whose fields are
// "account" and "payload"); a payload that is not a string is copied token by token, each
// token's exact bytes without the whitespace between them, so numbers of any size and
// strings with escapes come back as posted. Nothing recurses: the open containers of a
// payload are a stack bounded by kMaxPayloadDepth, checked before it grows.

namespace strandq::http {
namespace {

using Token = JsonTokens::Token;

bool IsScalar(Token t) {
  return t == Token::value_string || t == Token::value_unsigned || t == Token::value_integer ||
         t == Token::value_float || t == Token::literal_true || t == Token::literal_false ||
         t == Token::literal_null;
}

bool IsBad(Token t) { return t == Token::parse_error || t == Token::end_of_input; }

// Reads the events of one JSON text (the whole body, or one NDJSON line) into `out`.
class EventReader {
 public:
  EventReader(std::string_view text, size_t max_payload_bytes, std::vector<NewEvent>& out)
      : tokens_(text), max_payload_bytes_(max_payload_bytes), out_(out) {}

  Status Read(bool allow_array) {
    Token t = tokens_.Next();
    if (t == Token::begin_array && allow_array) {
      if (Status s = ReadArray(); !s.ok()) return s;
    } else if (t == Token::begin_object) {
      if (Status s = ReadEvent(); !s.ok()) return s;
    } else {
      return NotAnEvent(t, allow_array);
    }
    tokens_.Next();
    if (!tokens_.AtEnd()) return Fail(tokens_.Unexpected("the end of the JSON text"));
    return Status();
  }

 private:
  Status Fail(const std::string& message) const {
    return Status::InvalidArgument("event " + std::to_string(out_.size()) + ": " + message);
  }

  Status NotAnEvent(Token t, bool allow_array) const {
    if (IsBad(t)) return Fail(tokens_.Unexpected("an object"));
    return Fail(allow_array ? "not a JSON object (expected an object or an array of objects)"
                            : "not a JSON object");
  }

  // After '[': objects separated by ',', up to ']'.
  Status ReadArray() {
    Token t = tokens_.Next();
    if (t == Token::end_array) return Status();
    while (true) {
      if (t != Token::begin_object) return NotAnEvent(t, true);
      if (Status s = ReadEvent(); !s.ok()) return s;
      t = tokens_.Next();
      if (t == Token::end_array) return Status();
      if (t != Token::value_separator) return Fail(tokens_.Unexpected("',' or ']'"));
      t = tokens_.Next();
      if (t == Token::end_array) return Fail(tokens_.Unexpected("an object"));
    }
  }

  // After '{': the fields of one event, up to '}'.
  Status ReadEvent() {
    NewEvent event;
    bool seen_account = false, seen_payload = false;
    for (Token t = tokens_.Next(); t != Token::end_object;) {
      if (t != Token::value_string) return Fail(tokens_.Unexpected("a field name"));
      const bool account = tokens_.String() == "account";
      if (!account && tokens_.String() != "payload") {
        return Fail("unknown field \"" + tokens_.String() +
                    "\" (an event has \"account\" and \"payload\")");
      }
      bool& seen = account ? seen_account : seen_payload;
      if (seen) return Fail("field \"" + tokens_.String() + "\" given twice");
      seen = true;
      if (tokens_.Next() != Token::name_separator) return Fail(tokens_.Unexpected("':'"));
      t = tokens_.Next();
      Status s = account ? ReadAccount(t, event.account) : ReadPayload(t, event.payload);
      if (!s.ok()) return s;
      t = tokens_.Next();
      if (t == Token::value_separator) {
        t = tokens_.Next();
        if (t == Token::end_object) return Fail(tokens_.Unexpected("a field name"));
      } else if (t != Token::end_object) {
        return Fail(tokens_.Unexpected("',' or '}'"));
      }
    }
    if (!seen_account) return Fail("missing \"account\"");
    out_.push_back(std::move(event));
    return Status();
  }

  Status ReadAccount(Token t, std::string& account) {
    if (IsBad(t)) return Fail(tokens_.Unexpected("a string"));
    if (t != Token::value_string) return Fail("\"account\" must be a string");
    account = std::move(tokens_.String());
    Status valid = ValidateAccount(account);
    return valid.ok() ? valid : Fail(valid.message());
  }

  // `t` is the payload's first token. A string is stored unescaped, any other value as its
  // JSON text.
  Status ReadPayload(Token t, std::string& payload) {
    if (t == Token::value_string) {
      payload = std::move(tokens_.String());
    } else if (Status s = ReadValue(t, payload); !s.ok()) {
      return s;
    }
    if (payload.size() > max_payload_bytes_) {
      return Status::TooLarge("event " + std::to_string(out_.size()) + ": payload of " +
                              std::to_string(payload.size()) + " bytes exceeds the limit of " +
                              std::to_string(max_payload_bytes_) + " bytes");
    }
    return Status();
  }

  // Copies the value that starts with `t` into `out`, without whitespace.
  Status ReadValue(Token t, std::string& out) {
    std::vector<bool> open;  // the containers `t` is in, innermost last; true for an object
    while (true) {
      if (t == Token::begin_object || t == Token::begin_array) {
        const bool object = t == Token::begin_object;
        if (open.size() == kMaxPayloadDepth) {
          return Fail("payload nested deeper than the limit of " +
                      std::to_string(kMaxPayloadDepth) + " levels");
        }
        open.push_back(object);
        out += object ? '{' : '[';
        t = tokens_.Next();
        if (t != (object ? Token::end_object : Token::end_array)) {
          if (object) {
            if (const std::string_view want = ReadKey(t, out); !want.empty()) {
              return Fail(tokens_.Unexpected(want));
            }
            t = tokens_.Next();
          }
          continue;  // `t` starts the container's first value
        }
      } else if (!IsScalar(t)) {
        return Fail(tokens_.Unexpected("a JSON value"));
      } else {
        out += tokens_.Raw();
        if (open.empty()) return Status();
        t = tokens_.Next();
      }
      // A value ended; `t` follows it: close the containers it ends, or start the next value.
      while (t == (open.back() ? Token::end_object : Token::end_array)) {
        out += open.back() ? '}' : ']';
        open.pop_back();
        if (open.empty()) return Status();
        t = tokens_.Next();
      }
      if (t != Token::value_separator) {
        return Fail(tokens_.Unexpected(open.back() ? "',' or '}'" : "',' or ']'"));
      }
      out += ',';
      t = tokens_.Next();
      if (open.back()) {
        if (const std::string_view want = ReadKey(t, out); !want.empty()) {
          return Fail(tokens_.Unexpected(want));
        }
        t = tokens_.Next();
      }
    }
  }

  // `t` should be an object's key: copies it and the ':' after it. Returns what was expected
  // instead, or "" when both are there.
  std::string_view ReadKey(Token t, std::string& out) {
    if (t != Token::value_string) return "a string";
    out += tokens_.Raw();
    if (tokens_.Next() != Token::name_separator) return "':'";
    out += ':';
    return {};
  }

  JsonTokens tokens_;
  const size_t max_payload_bytes_;
  std::vector<NewEvent>& out_;
};

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

Result<std::vector<NewEvent>> ParseEventBody(std::string_view body, BodyFormat format,
                                             size_t max_payload_bytes) {
  std::vector<NewEvent> events;
  if (format == BodyFormat::kJson) {
    if (IsBlank(body)) return Status::InvalidArgument("empty body");
    Status s = EventReader(body, max_payload_bytes, events).Read(/*allow_array=*/true);
    if (!s.ok()) return s;
  } else {
    while (!body.empty()) {
      const size_t eol = body.find('\n');
      const std::string_view line = body.substr(0, eol);
      body.remove_prefix(eol == std::string_view::npos ? body.size() : eol + 1);
      if (IsBlank(line)) continue;
      Status s = EventReader(line, max_payload_bytes, events).Read(/*allow_array=*/false);
      if (!s.ok()) return s;
    }
  }
  if (events.empty()) return Status::InvalidArgument("the body holds no events");
  return events;
}

}  // namespace strandq::http
