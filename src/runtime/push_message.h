// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstddef>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "strandq/event.h"
#include "strandq/store.h"

namespace strandq::http {

// The most of a handler's response body kept in an attempt's error.
inline constexpr size_t kPushErrorBytes = 1024;

// The JSON body of a push attempt:
// {"id","account","seq","attempt","enqueued_ns","payload"}. The payload as it was posted to
// `serve`: stored bytes that are a JSON number, true/false/null, object or array (what the
// ingest stores for a payload posted as such a value) go as that value; anything else as a JSON
// string. Bytes that are not UTF-8 cannot be a JSON string: they go base64-encoded as
// "payload_base64" instead of "payload". Pure, thread-safe.
std::string PushBody(const Event& event);

// The whole HTTP/1.1 request of a push attempt: "POST `target`" with Host `authority`,
// Content-Type application/json, the Strandq-Event-Id, -Account, -Seq and -Attempt headers and
// PushBody. `target` and `authority` come from ParseHttpUrl (no control characters or spaces).
// Pure, thread-safe.
std::string PushRequest(std::string_view target, std::string_view authority, const Event& event);

// What a push handler's response says, as far as the verdict needs it.
struct PushResponse {
  unsigned status = 0;
  std::string outcome;      // the Strandq-Outcome header
  std::string retry_after;  // the Retry-After header
  std::string body;         // (the beginning of) the body
};

// What to do with a response: settle the attempt with `outcome`, or (when `resend` is set)
// send the same attempt again after that delay, as the response asked (429/503 with a
// Retry-After), unless the pusher's budget for such waits is spent, in which case it settles
// with `outcome` (a nack whose retry comes after the delay). Pure, thread-safe.
struct PushVerdict {
  Outcome outcome;
  std::optional<std::chrono::nanoseconds> resend;
};
// `now` (CLOCK_REALTIME seconds) turns a Retry-After HTTP-date into a delay.
PushVerdict JudgePushResponse(const PushResponse& response, std::time_t now);

// A Retry-After value as a delay: delay-seconds (a non-negative number; a fraction is
// accepted) or an HTTP-date (a date in the past is 0). Nothing for anything else. Pure.
std::optional<std::chrono::nanoseconds> ParseRetryAfter(std::string_view value, std::time_t now);

}  // namespace strandq::http
