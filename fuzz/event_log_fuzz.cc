// Copyright 2026 The strandq Authors.
// One event-log line: a record that parses is written back by FormatAttempt to a line that
// parses to the same record; a line the hand-written fast path reads is read the same by the
// JSON parser.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "log/fast_attempt.h"
#include "strandq/event_log.h"

namespace {

bool Same(const strandq::AttemptRecord& a, const strandq::AttemptRecord& b) {
  return a.id == b.id && a.account == b.account && a.seq == b.seq && a.attempt == b.attempt &&
         a.worker == b.worker && a.enqueued_ns == b.enqueued_ns && a.start_ns == b.start_ns &&
         a.end_ns == b.end_ns && a.outcome == b.outcome && a.error == b.error &&
         a.replay == b.replay && a.unconfirmed == b.unconfirmed;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  if (auto fast = strandq::ParseAttemptFast(line)) {
    auto general = strandq::ParseAttemptJson(line);
    if (!general.ok() || !Same(*fast, *general)) std::abort();
  }
  auto record = strandq::ParseAttempt(line);
  if (!record.ok()) return 0;
  // The writer keeps an error only for a failed outcome (an ack's is dropped by design).
  if (record->outcome == strandq::AttemptRecord::Outcome::kAck) record->error.clear();
  auto again = strandq::ParseAttempt(strandq::FormatAttempt(*record));
  if (!again.ok() || !Same(*record, *again)) std::abort();
  return 0;
}
