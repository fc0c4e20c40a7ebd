// Copyright 2026 The strandq Authors.
// One event-log line: a record that parses is written back by FormatAttempt to a line that
// parses to the same record.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "strandq/event_log.h"

namespace {

bool Same(const strandq::AttemptRecord& a, const strandq::AttemptRecord& b) {
  return a.id == b.id && a.account == b.account && a.seq == b.seq && a.attempt == b.attempt &&
         a.worker == b.worker && a.enqueued_ns == b.enqueued_ns && a.start_ns == b.start_ns &&
         a.end_ns == b.end_ns && a.outcome == b.outcome && a.error == b.error;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  auto record = strandq::ParseAttempt(line);
  if (!record.ok()) return 0;
  auto again = strandq::ParseAttempt(strandq::FormatAttempt(*record));
  if (!again.ok() || !Same(*record, *again)) std::abort();
  return 0;
}
