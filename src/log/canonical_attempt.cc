// Copyright 2026 The strandq Authors.
#include "log/canonical_attempt.h"

#include <cstdint>
#include <limits>
#include <string>

namespace strandq {
namespace {

using Outcome = AttemptRecord::Outcome;

// Reads a line left to right; every method returns false at the first thing it does not
// expect, and the line is then left to the general parser.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool Literal(std::string_view literal) {
    if (text_.substr(at_, literal.size()) != literal) return false;
    at_ += literal.size();
    return true;
  }

  bool AtEnd() const { return at_ == text_.size(); }

  // Digits without a leading zero (but "0"), no larger than `max`.
  bool Unsigned(uint64_t max, uint64_t* out) {
    const size_t start = at_;
    uint64_t value = 0;
    while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') {
      const auto digit = static_cast<uint64_t>(text_[at_] - '0');
      if (value > (max - digit) / 10) return false;
      value = value * 10 + digit;
      ++at_;
    }
    if (at_ == start || (text_[start] == '0' && at_ - start > 1)) return false;
    *out = value;
    return true;
  }

  bool Int64(int64_t* out) {
    uint64_t value = 0;
    if (!Unsigned(static_cast<uint64_t>(std::numeric_limits<int64_t>::max()), &value)) {
      return false;
    }
    *out = static_cast<int64_t>(value);
    return true;
  }

  // A quoted string of printable ASCII with simple escapes.
  bool String(std::string* out) {
    if (!Literal("\"")) return false;
    out->clear();
    while (at_ < text_.size()) {
      size_t plain = at_;
      while (plain < text_.size() && text_[plain] != '"' && text_[plain] != '\\' &&
             text_[plain] >= 0x20 && text_[plain] < 0x7F) {
        ++plain;
      }
      out->append(text_.substr(at_, plain - at_));
      at_ = plain;
      if (at_ >= text_.size()) return false;
      const char c = text_[at_++];
      if (c == '"') return true;
      if (c != '\\' || at_ >= text_.size()) return false;
      if (!Escape(text_[at_++], out)) return false;
    }
    return false;
  }

 private:
  static bool Escape(char c, std::string* out) {
    switch (c) {
      case '"':
      case '\\':
      case '/':
        out->push_back(c);
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      default:
        return false;  // \u and anything invalid
    }
  }

  std::string_view text_;
  size_t at_ = 0;
};

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

}  // namespace

std::optional<AttemptRecord> ParseCanonicalAttempt(std::string_view line) {
  constexpr uint64_t kMaxU32 = std::numeric_limits<uint32_t>::max();
  Cursor c(line);
  AttemptRecord r;
  uint64_t attempt = 0, replay = 0;
  std::string outcome;
  const bool head = c.Literal("{\"id\":") && c.Unsigned(UINT64_MAX, &r.id) &&
                    c.Literal(",\"account\":") && c.String(&r.account) && c.Literal(",\"seq\":") &&
                    c.Unsigned(UINT64_MAX, &r.seq) && c.Literal(",\"attempt\":") &&
                    c.Unsigned(kMaxU32, &attempt);
  if (!head) return std::nullopt;
  if (c.Literal(",\"replay\":") && !c.Unsigned(kMaxU32, &replay)) return std::nullopt;
  const bool body = c.Literal(",\"worker\":") && c.String(&r.worker) &&
                    c.Literal(",\"enqueued_ns\":") && c.Int64(&r.enqueued_ns) &&
                    c.Literal(",\"start_ns\":") && c.Int64(&r.start_ns) &&
                    c.Literal(",\"end_ns\":") && c.Int64(&r.end_ns) && c.Literal(",\"outcome\":") &&
                    c.String(&outcome) && OutcomeOf(outcome, &r.outcome);
  if (!body) return std::nullopt;
  if (c.Literal(",\"error\":") && !c.String(&r.error)) return std::nullopt;
  if (c.Literal(",\"unconfirmed\":")) {
    if (c.Literal("true")) {
      r.unconfirmed = true;
    } else if (!c.Literal("false")) {
      return std::nullopt;
    }
  }
  if (!c.Literal("}") || !c.AtEnd()) return std::nullopt;
  r.attempt = static_cast<uint32_t>(attempt);
  r.replay = static_cast<uint32_t>(replay);
  return r;
}

}  // namespace strandq
