// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strandq/result.h"
#include "strandq/status.h"

namespace strandq {

// One processing attempt, as one line of the event log (JSON Lines, DESIGN.md):
// {"id":17,"account":"a42","seq":3,"attempt":1,"worker":"host:pid:slot",
//  "enqueued_ns":...,"start_ns":...,"end_ns":...,"outcome":"ack"}
// plus "error" for nack, dead and lost (when non-empty). *_ns are CLOCK_REALTIME nanoseconds.
struct AttemptRecord {
  enum class Outcome { kAck, kNack, kDead, kLost };
  uint64_t id = 0;
  std::string account;
  uint64_t seq = 0;
  uint32_t attempt = 0;
  std::string worker;
  int64_t enqueued_ns = 0;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  Outcome outcome = Outcome::kAck;
  std::string error;  // empty unless nack, dead or lost
};

std::string_view OutcomeName(AttemptRecord::Outcome outcome);

// One JSON line without the trailing newline.
std::string FormatAttempt(const AttemptRecord& record);
// Parses one line. InvalidArgument naming the missing or malformed field.
Result<AttemptRecord> ParseAttempt(std::string_view line);

// Reads a whole log. InvalidArgument "<path>:<line>: ..." at the first bad line; NotFound if the
// file cannot be opened.
Result<std::vector<AttemptRecord>> ReadEventLog(const std::string& path);

// Where a WorkerPool writes its attempts. Implementations are thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Write(const AttemptRecord& record) = 0;
  // Makes everything written so far durable in the sink (for files: written and fsynced).
  virtual Status Flush() = 0;
};

// Appends JSON lines to `path` (created or truncated). Buffered, unless `write_each_line`: then
// every line is handed to the kernel as it is written, so a process killed with SIGKILL loses
// no line it wrote (what worker processes of a shared store need). Flush() or destruction
// writes the buffer. Unavailable if the file cannot be opened.
Result<std::unique_ptr<LogSink>> OpenJsonlLog(const std::string& path,
                                              bool write_each_line = false);

// Keeps records in memory (for tests and for `run` without --log).
class MemoryLogSink final : public LogSink {
 public:
  void Write(const AttemptRecord& record) override;
  Status Flush() override { return Status(); }
  std::vector<AttemptRecord> Records() const;

 private:
  mutable std::mutex mu_;
  std::vector<AttemptRecord> records_;  // guarded by mu_
};

}  // namespace strandq
