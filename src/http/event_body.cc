// Copyright 2026 The strandq Authors.
#include "http/event_body.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

// DESIGN
// The body is parsed with nlohmann's SAX interface straight into NewEvents: no DOM is built
// for the envelope, so a 1,000-event batch costs one pass over its bytes and one string per
// account and payload. Only a payload that is not a string (an object, a number...) is built
// as a small ordered_json value and written back as compact text. The handler is a small
// state machine over the nesting depth: depth 0 is the body, an array at depth 0 holds the
// events, an event is an object, and inside an event everything below its fields belongs to
// the payload. Returning false from a SAX callback stops the parse at the first problem.

namespace strandq::http {
namespace {

using Json = nlohmann::ordered_json;

class EventSax {
 public:
  using number_integer_t = Json::number_integer_t;
  using number_unsigned_t = Json::number_unsigned_t;
  using number_float_t = Json::number_float_t;
  using string_t = Json::string_t;
  using binary_t = Json::binary_t;

  EventSax(std::vector<NewEvent>& out, size_t max_payload_bytes, bool allow_array)
      : out_(out), max_payload_bytes_(max_payload_bytes), allow_array_(allow_array) {}

  const Status& error() const { return error_; }

  bool null() { return Scalar(Json(nullptr)); }
  bool boolean(bool v) { return Scalar(Json(v)); }
  bool number_integer(number_integer_t v) { return Scalar(Json(v)); }
  bool number_unsigned(number_unsigned_t v) { return Scalar(Json(v)); }
  bool number_float(number_float_t v, const string_t&) { return Scalar(Json(v)); }
  bool binary(binary_t&) { return Fail("binary values are not JSON"); }

  bool string(string_t& s) {
    if (capturing()) return Add(Json(std::move(s)));
    if (field_ == Field::kAccount) {
      event_.account = std::move(s);
      Status valid = ValidateAccount(event_.account);
      if (!valid.ok()) return Fail(valid.message());
      field_ = Field::kNone;
      return true;
    }
    if (field_ == Field::kPayload) return SetPayload(std::move(s));
    return NotAnEvent();
  }

  bool start_object(std::size_t) {
    if (capturing() || field_ == Field::kPayload) return StartCapture(Json::object());
    if (field_ == Field::kAccount) return Fail("\"account\" must be a string");
    if (depth_ == event_depth()) {
      event_ = NewEvent{};
      seen_account_ = seen_payload_ = false;
      ++depth_;
      return true;
    }
    return NotAnEvent();
  }

  bool key(string_t& k) {
    if (capturing()) {
      key_ = std::move(k);
      return true;
    }
    bool* seen = nullptr;
    if (k == "account") {
      field_ = Field::kAccount;
      seen = &seen_account_;
    } else if (k == "payload") {
      field_ = Field::kPayload;
      seen = &seen_payload_;
    } else {
      return Fail("unknown field \"" + k + "\" (an event has \"account\" and \"payload\")");
    }
    if (*seen) return Fail("field \"" + k + "\" given twice");
    *seen = true;
    return true;
  }

  bool end_object() { return capturing() ? EndCapture() : EndEvent(); }

  bool start_array(std::size_t) {
    if (capturing() || field_ == Field::kPayload) return StartCapture(Json::array());
    if (field_ == Field::kAccount) return Fail("\"account\" must be a string");
    if (depth_ == 0 && allow_array_) {
      in_array_ = true;
      ++depth_;
      return true;
    }
    return NotAnEvent();
  }

  bool end_array() {
    if (capturing()) return EndCapture();
    --depth_;
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
    std::string_view what = e.what();
    // "[json.exception.parse_error.101] parse error at ...": keep what follows the tag.
    if (const size_t end = what.find("] "); end != std::string_view::npos) {
      what.remove_prefix(end + 2);
    }
    return Fail("malformed JSON: " + std::string(what));
  }

 private:
  enum class Field { kNone, kAccount, kPayload };

  bool capturing() const { return !stack_.empty(); }
  int event_depth() const { return in_array_ ? 1 : 0; }

  bool Fail(std::string_view message) {
    if (error_.ok()) {
      error_ = Status::InvalidArgument("event " + std::to_string(out_.size()) + ": " +
                                       std::string(message));
    }
    return false;
  }

  bool NotAnEvent() {
    return Fail(allow_array_ ? "not a JSON object (expected an object or an array of objects)"
                             : "not a JSON object");
  }

  bool Scalar(Json value) {
    if (capturing() || field_ == Field::kPayload) return Add(std::move(value));
    if (field_ == Field::kAccount) return Fail("\"account\" must be a string");
    return NotAnEvent();
  }

  // Adds a value to the payload being captured; a scalar payload is complete at once.
  bool Add(Json value) {
    if (!capturing()) return SetPayload(value.dump());
    Json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
    } else {
      top[key_] = std::move(value);
    }
    return true;
  }

  bool StartCapture(Json container) {
    if (!capturing()) {
      root_ = std::move(container);
      stack_.push_back(&root_);
      return true;
    }
    Json& top = *stack_.back();
    Json* child = nullptr;
    if (top.is_array()) {
      top.push_back(std::move(container));
      child = &top.back();
    } else {
      child = &(top[key_] = std::move(container));
    }
    stack_.push_back(child);
    return true;
  }

  bool EndCapture() {
    stack_.pop_back();
    if (capturing()) return true;
    std::string text = root_.dump();
    root_ = Json();
    return SetPayload(std::move(text));
  }

  bool SetPayload(std::string payload) {
    field_ = Field::kNone;
    if (payload.size() > max_payload_bytes_) {
      error_ = Status::TooLarge("event " + std::to_string(out_.size()) + ": payload of " +
                                std::to_string(payload.size()) + " bytes exceeds the limit of " +
                                std::to_string(max_payload_bytes_) + " bytes");
      return false;
    }
    event_.payload = std::move(payload);
    return true;
  }

  bool EndEvent() {
    --depth_;
    if (!seen_account_) return Fail("missing \"account\"");
    out_.push_back(std::move(event_));
    return true;
  }

  std::vector<NewEvent>& out_;
  const size_t max_payload_bytes_;
  const bool allow_array_;
  Status error_;
  int depth_ = 0;  // nesting of the envelope: 0 body, 1 inside the array or the event
  bool in_array_ = false;
  bool seen_account_ = false, seen_payload_ = false;
  Field field_ = Field::kNone;  // which field the next value is for
  NewEvent event_;              // the event being read
  Json root_;                   // a non-string payload being captured
  std::vector<Json*> stack_;    // open containers of root_, innermost last
  std::string key_;             // the last key read inside root_
};

// Parses one JSON text (the whole body, or one NDJSON line) into `out`.
Status ParseOne(std::string_view text, bool allow_array, size_t max_payload_bytes,
                std::vector<NewEvent>& out) {
  EventSax sax(out, max_payload_bytes, allow_array);
  const bool parsed =
      Json::sax_parse(text.begin(), text.end(), &sax, Json::input_format_t::json, true);
  if (!sax.error().ok()) return sax.error();
  if (!parsed) return Status::InvalidArgument("malformed JSON");
  return Status();
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

}  // namespace

Result<std::vector<NewEvent>> ParseEventBody(std::string_view body, BodyFormat format,
                                             size_t max_payload_bytes) {
  std::vector<NewEvent> events;
  if (format == BodyFormat::kJson) {
    if (IsBlank(body)) return Status::InvalidArgument("empty body");
    Status s = ParseOne(body, /*allow_array=*/true, max_payload_bytes, events);
    if (!s.ok()) return s;
  } else {
    while (!body.empty()) {
      const size_t eol = body.find('\n');
      const std::string_view line = body.substr(0, eol);
      body.remove_prefix(eol == std::string_view::npos ? body.size() : eol + 1);
      if (IsBlank(line)) continue;
      Status s = ParseOne(line, /*allow_array=*/false, max_payload_bytes, events);
      if (!s.ok()) return s;
    }
  }
  if (events.empty()) return Status::InvalidArgument("the body holds no events");
  return events;
}

}  // namespace strandq::http
