// Copyright 2026 The strandq Authors.
#include "log/fast_attempt.h"

#include <simdjson.h>

#include <cstdint>
#include <limits>
#include <string>

namespace strandq {
namespace {

using Outcome = AttemptRecord::Outcome;
namespace od = simdjson::ondemand;

constexpr uint64_t kMaxAttempts = std::numeric_limits<uint32_t>::max();

bool OutcomeOf(std::string_view name, Outcome* out) {
  for (Outcome o :
       {Outcome::kAck, Outcome::kNack, Outcome::kDead, Outcome::kLost, Outcome::kDropped}) {
    if (OutcomeName(o) == name) {
      *out = o;
      return true;
    }
  }
  return false;
}

bool ReadUnsigned(od::value value, uint64_t max, uint64_t* out) {
  uint64_t v = 0;
  if (value.get_uint64().get(v) != simdjson::SUCCESS || v > max) return false;
  *out = v;
  return true;
}

bool ReadInt64(od::value value, int64_t* out) {
  return value.get_int64().get(*out) == simdjson::SUCCESS;
}

bool ReadString(od::value value, std::string* out) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return false;
  out->assign(text);
  return true;
}

// The fields seen so far, and which of the required ones were present.
struct Fields {
  AttemptRecord record;
  uint64_t attempt = 0;
  uint64_t replay = 0;
  std::string outcome;
  unsigned seen = 0;  // one bit per required field
};

// How to read each key the writer writes; `required` marks the ones every line has (a bit of
// Fields::seen each).
struct FieldReader {
  std::string_view key;
  unsigned required;
  bool (*read)(od::value value, Fields& f);
};
constexpr FieldReader kFieldReaders[] = {
    {"id", 1, [](od::value v, Fields& f) { return ReadUnsigned(v, UINT64_MAX, &f.record.id); }},
    {"account", 2, [](od::value v, Fields& f) { return ReadString(v, &f.record.account); }},
    {"seq", 4, [](od::value v, Fields& f) { return ReadUnsigned(v, UINT64_MAX, &f.record.seq); }},
    {"attempt", 8,
     [](od::value v, Fields& f) { return ReadUnsigned(v, kMaxAttempts, &f.attempt); }},
    {"replay", 0, [](od::value v, Fields& f) { return ReadUnsigned(v, kMaxAttempts, &f.replay); }},
    {"worker", 16, [](od::value v, Fields& f) { return ReadString(v, &f.record.worker); }},
    {"enqueued_ns", 32, [](od::value v, Fields& f) { return ReadInt64(v, &f.record.enqueued_ns); }},
    {"start_ns", 64, [](od::value v, Fields& f) { return ReadInt64(v, &f.record.start_ns); }},
    {"end_ns", 128, [](od::value v, Fields& f) { return ReadInt64(v, &f.record.end_ns); }},
    {"outcome", 256, [](od::value v, Fields& f) { return ReadString(v, &f.outcome); }},
    {"error", 0, [](od::value v, Fields& f) { return ReadString(v, &f.record.error); }},
    {"unconfirmed", 0,
     [](od::value v, Fields& f) {
       return v.get_bool().get(f.record.unconfirmed) == simdjson::SUCCESS;
     }},
};
constexpr unsigned kAllRequired = 511;

// Reads one field into `f`; false if its value is not what ParseAttemptJson accepts.
bool ReadField(std::string_view key, od::value value, Fields& f) {
  for (const FieldReader& reader : kFieldReaders) {
    if (reader.key == key) {
      f.seen |= reader.required;
      return reader.read(value, f);
    }
  }
  // Another key: left to ParseAttemptJson (which ignores it), because On Demand would skip its
  // value without validating it, and a line the JSON parser refuses must be refused here too.
  return false;
}

}  // namespace

std::optional<AttemptRecord> ParseAttemptFast(std::string_view line) {
  // simdjson reads SIMDJSON_PADDING bytes past the end of its input.
  thread_local std::string padded;
  thread_local od::parser parser;
  padded.assign(line);
  padded.resize(line.size() + simdjson::SIMDJSON_PADDING);
  od::document doc;
  if (parser.iterate(padded.data(), line.size(), padded.size()).get(doc) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  od::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;
  Fields f;
  for (auto field : object) {
    std::string_view key;
    od::value value;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return std::nullopt;
    if (field.value().get(value) != simdjson::SUCCESS) return std::nullopt;
    if (!ReadField(key, value, f)) return std::nullopt;
  }
  // Past the object, only whitespace: the location is then out of the document.
  const bool at_end = doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
  if (!at_end || f.seen != kAllRequired || !OutcomeOf(f.outcome, &f.record.outcome)) {
    return std::nullopt;
  }
  f.record.attempt = static_cast<uint32_t>(f.attempt);
  f.record.replay = static_cast<uint32_t>(f.replay);
  return std::move(f.record);
}

}  // namespace strandq
