// Copyright 2026 The strandq Authors.
#include "runtime/push_message.h"

#include <strings.h>

#include <boost/beast/core/detail/base64.hpp>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace strandq::http {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// True for stored bytes that the ingest would have stored for a posted non-string JSON value
// (its text without whitespace around it). A stored JSON string literal ("...") can only come
// from a string (a posted string is stored unquoted), so it stays a string.
bool IsJsonValue(const std::string& payload) {
  if (payload.empty() || payload.front() == '"') return false;
  if (IsSpace(payload.front()) || IsSpace(payload.back())) return false;
  return nlohmann::json::accept(payload);
}

std::string Base64(const std::string& bytes) {
  namespace b64 = boost::beast::detail::base64;
  std::string out(b64::encoded_size(bytes.size()), '\0');
  out.resize(b64::encode(out.data(), bytes.data(), bytes.size()));
  return out;
}

// The first kPushErrorBytes of a body, without trailing whitespace; "..." marks a cut.
std::string Excerpt(std::string_view body) {
  const bool cut = body.size() > kPushErrorBytes;
  body = body.substr(0, kPushErrorBytes);
  while (!body.empty() && IsSpace(body.back())) body.remove_suffix(1);
  return std::string(body) + (cut ? "..." : "");
}

std::string StatusText(const PushResponse& r) {
  std::string text = "handler answered HTTP " + std::to_string(r.status);
  const std::string excerpt = Excerpt(r.body);
  return excerpt.empty() ? text : text + ": " + excerpt;
}

}  // namespace

std::string PushBody(const Event& event) {
  std::string body = "{\"id\":" + std::to_string(event.id) + ",\"account\":";
  // An account is [A-Za-z0-9_.:@-] (ValidateAccount): nothing to escape.
  body += "\"" + event.account + "\"";
  body += ",\"seq\":" + std::to_string(event.seq);
  body += ",\"attempt\":" + std::to_string(event.attempt);
  body += ",\"enqueued_ns\":" + std::to_string(event.enqueued_ns);
  if (IsJsonValue(event.payload)) {
    body += ",\"payload\":" + event.payload + "}";
    return body;
  }
  try {
    const std::string quoted = nlohmann::json(event.payload).dump();
    body += ",\"payload\":" + quoted + "}";
  } catch (const nlohmann::json::exception&) {  // not UTF-8
    body += ",\"payload_base64\":\"" + Base64(event.payload) + "\"}";
  }
  return body;
}

std::string PushRequest(std::string_view target, std::string_view authority, const Event& event) {
  const std::string body = PushBody(event);
  std::string req;
  req.reserve(256 + target.size() + body.size());
  req.append("POST ").append(target).append(" HTTP/1.1\r\nHost: ").append(authority);
  req.append("\r\nUser-Agent: strandq\r\nContent-Type: application/json\r\nContent-Length: ");
  req.append(std::to_string(body.size()));
  req.append("\r\nStrandq-Event-Id: ").append(std::to_string(event.id));
  req.append("\r\nStrandq-Account: ").append(event.account);
  req.append("\r\nStrandq-Seq: ").append(std::to_string(event.seq));
  req.append("\r\nStrandq-Attempt: ").append(std::to_string(event.attempt));
  req.append("\r\n\r\n").append(body);
  return req;
}

std::optional<std::chrono::nanoseconds> ParseRetryAfter(std::string_view value, std::time_t now) {
  while (!value.empty() && IsSpace(value.front())) value.remove_prefix(1);
  while (!value.empty() && IsSpace(value.back())) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value.front())) != 0) {
    double seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds,
                                     std::chars_format::fixed);
    // Beyond a day is not a delay to wait out (and would overflow nanoseconds at 292 years).
    if (ec != std::errc() || end != value.data() + value.size() || seconds > 86400) {
      return std::nullopt;
    }
    return std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9));
  }
  std::tm tm{};
  const std::string text(value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  const std::time_t at = timegm(&tm);
  if (at <= now) return std::chrono::nanoseconds(0);
  if (at - now > 86400) return std::nullopt;
  return std::chrono::seconds(at - now);
}

PushVerdict JudgePushResponse(const PushResponse& r, std::time_t now) {
  if (strcasecmp(r.outcome.c_str(), "dead") == 0) {
    std::string error = Excerpt(r.body);
    if (error.empty()) {
      error = "handler answered Strandq-Outcome: dead (HTTP " + std::to_string(r.status) + ")";
    }
    return {Outcome::Permanent(std::move(error)), std::nullopt};
  }
  if (r.status >= 200 && r.status < 300) return {Outcome::Ack(), std::nullopt};
  if (r.status == 429 || r.status == 503) {
    if (auto delay = ParseRetryAfter(r.retry_after, now)) {
      return {
          Outcome::NackRetryAfter(StatusText(r) + " (Retry-After: " + r.retry_after + ")", *delay),
          delay};
    }
  }
  return {Outcome::Nack(StatusText(r)), std::nullopt};
}

}  // namespace strandq::http
