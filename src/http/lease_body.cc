// Copyright 2026 The strandq Authors.
#include "http/lease_body.h"

#include <cstdint>
#include <optional>

#include "http/body_reader.h"

// DESIGN
// Every body here is an object of scalar fields, or an array of such objects, or (a claim) an
// object with one such array: a fixed grammar read token by token, at most three levels deep by
// construction, so no depth to bound. A field's value is read by the caller's callback with the
// value's first token in hand; a callback that wants a scalar refuses a container there.

namespace strandq::http {
namespace {

using Token = JsonTokens::Token;

// A lease string of any length is read (the body limit bounds it): a bad one is an error of its
// item, answered by the codec, not of the request.
constexpr size_t kMaxLeaseChars = SIZE_MAX;

std::string UnknownField(const std::string& name, std::string_view known) {
  return "unknown field \"" + name + "\" (" + std::string(known) + ")";
}

std::optional<SettleItem::Verb> VerbNamed(std::string_view name) {
  if (name == "ack") return SettleItem::Verb::kAck;
  if (name == "nack") return SettleItem::Verb::kNack;
  if (name == "dead") return SettleItem::Verb::kDead;
  return std::nullopt;
}

Status ReadSettleItem(BodyReader& reader, size_t index, SettleItem& item) {
  const std::string prefix = "item " + std::to_string(index) + ": ";
  bool has_outcome = false, has_error = false;
  Status s = reader.ReadObject(prefix, [&](const std::string& name, Token t) -> std::string {
    if (name == "lease") return reader.String(name, t, kMaxLeaseChars, item.lease);
    if (name == "error") {
      has_error = true;
      return reader.String(name, t, kMaxErrorBytes, item.error);
    }
    if (name == "retry_after_ms") {
      uint64_t ms = 0;
      std::string e = reader.Unsigned(name, t, 24ull * 3600 * 1000, ms);
      item.retry_after_ms = static_cast<int64_t>(ms);
      return e;
    }
    if (name != "outcome") {
      return UnknownField(name,
                          "an item has \"lease\", \"outcome\", \"error\", \"retry_after_ms\"");
    }
    std::string verb;
    if (std::string e = reader.String(name, t, 16, verb); !e.empty()) return e;
    auto v = VerbNamed(verb);
    if (!v) return "\"outcome\" must be \"ack\", \"nack\" or \"dead\", not \"" + verb + "\"";
    item.outcome = *v;
    has_outcome = true;
    return {};
  });
  if (!s.ok()) return s;
  if (item.lease.empty()) return BodyReader::Fail(prefix, "missing \"lease\"");
  if (!has_outcome) return BodyReader::Fail(prefix, "missing \"outcome\"");
  if (item.retry_after_ms >= 0 && item.outcome != SettleItem::Verb::kNack) {
    return BodyReader::Fail(prefix, "\"retry_after_ms\" goes only with \"outcome\":\"nack\"");
  }
  if (has_error && item.outcome == SettleItem::Verb::kAck) {
    return BodyReader::Fail(prefix, "\"error\" goes only with \"nack\" or \"dead\"");
  }
  return Status();
}

}  // namespace

Result<ClaimRequest> ParseClaimRequest(std::string_view body) {
  ClaimRequest request;
  if (IsBlank(body)) return request;
  BodyReader reader(body);
  if (reader.tokens().Next() != Token::begin_object) {
    return BodyReader::Fail("", reader.tokens().Unexpected("an object ('{')"));
  }
  Status s = reader.ReadObject("", [&](const std::string& name, Token t) -> std::string {
    uint64_t n = 0;
    if (name == "max") {
      std::string e = reader.Unsigned(name, t, kMaxLeasesPerRequest, n);
      if (e.empty() && n == 0) e = "\"max\" must be at least 1";
      request.max = n;
      return e;
    }
    if (name == "wait_ms") {
      std::string e = reader.Unsigned(name, t, kMaxWaitMs, n);
      request.wait = std::chrono::milliseconds(n);
      return e;
    }
    if (name == "settle") {
      if (t != Token::begin_array) return "\"settle\" must be an array of settle items";
      Status items = reader.ReadItems(kMaxLeasesPerRequest, [&](size_t index) {
        return ReadSettleItem(reader, index, request.settle.emplace_back());
      });
      return items.ok() ? std::string() : "\"settle\": " + items.message();
    }
    return UnknownField(name, "the body has \"max\", \"wait_ms\" and \"settle\"");
  });
  if (!s.ok()) return s;
  if (Status end = reader.End(); !end.ok()) return end;
  return request;
}

Result<std::vector<SettleItem>> ParseSettleRequest(std::string_view body) {
  std::vector<SettleItem> items;
  BodyReader reader(body);
  Status s = reader.ReadArray(kMaxLeasesPerRequest, [&](size_t index) {
    return ReadSettleItem(reader, index, items.emplace_back());
  });
  if (!s.ok()) return s;
  return items;
}

Result<std::vector<std::string>> ParseExtendRequest(std::string_view body) {
  std::vector<std::string> leases;
  BodyReader reader(body);
  Status s = reader.ReadArray(kMaxLeasesPerRequest, [&](size_t index) {
    const std::string prefix = "item " + std::to_string(index) + ": ";
    std::string& lease = leases.emplace_back();
    Status r = reader.ReadObject(prefix, [&](const std::string& name, Token t) -> std::string {
      if (name != "lease") return UnknownField(name, "an item has \"lease\"");
      return reader.String(name, t, kMaxLeaseChars, lease);
    });
    if (r.ok() && lease.empty()) return BodyReader::Fail(prefix, "missing \"lease\"");
    return r;
  });
  if (!s.ok()) return s;
  return leases;
}

}  // namespace strandq::http
