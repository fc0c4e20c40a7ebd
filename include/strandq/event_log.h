// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strandq/event.h"
#include "strandq/result.h"
#include "strandq/status.h"

namespace strandq {

// One processing attempt, as one line of the event log (JSON Lines, DESIGN.md "File formats"):
// {"id":17,"account":"a42","seq":3,"attempt":1,"worker":"host:pid:slot",
//  "enqueued_ns":...,"start_ns":...,"end_ns":...,"outcome":"ack"}
// with "replay":N after "attempt" for an event replayed N > 0 times from the dead letters,
// "error" for nack, dead, lost and dropped (when non-empty), and "unconfirmed":true last on a line
// written before the store was told the outcome. *_ns are CLOCK_REALTIME nanoseconds.
//
// Unconfirmed lines: a pool that must survive its own crash (PoolOptions::record_first) writes
// each attempt with the handler's verdict (ack or nack) and "unconfirmed":true before it
// settles it in the store, then the attempt's final line (the store's disposition: ack, nack,
// dead or lost) after. A crash between the two leaves an unconfirmed line alone; Verify
// resolves it (a later delivery of the event means the store never took the outcome).
struct AttemptRecord {
  // kDropped: the event was accepted but never settled, and the embedded store that held it
  // ended with its process (`strandq serve` on mem: writes one at exit, attempt = attempts so
  // far; start_ns = end_ns = the exit).
  enum class Outcome { kAck, kNack, kDead, kLost, kDropped };
  uint64_t id = 0;
  std::string account;
  uint64_t seq = 0;
  uint32_t attempt = 0;
  uint32_t replay = 0;  // Event::replay: 0 unless replayed from the dead letters
  std::string worker;
  int64_t enqueued_ns = 0;
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  Outcome outcome = Outcome::kAck;
  std::string error;         // empty unless nack, dead or lost
  bool unconfirmed = false;  // written before the store settled it; outcome = the verdict
};

std::string_view OutcomeName(AttemptRecord::Outcome outcome);

// The line of an attempt of `event` by `worker` (outcome ack, no error): its id, account, seq,
// attempt, replay and enqueued_ns, and the times given.
AttemptRecord AttemptOf(const Event& event, std::string worker, int64_t start_ns, int64_t end_ns);

// One JSON line without the trailing newline.
std::string FormatAttempt(const AttemptRecord& record);
// Parses one line. InvalidArgument naming the missing or malformed field.
Result<AttemptRecord> ParseAttempt(std::string_view line);

// Reads a whole log. InvalidArgument "<path>:<line>: ..." at the first bad line; NotFound if the
// file cannot be opened. With `torn_last_line`, a last line that has no newline and does not
// parse (its writer was killed inside a write) is skipped and *torn_last_line set, instead.
// Skipping it loses nothing a proof needs: with PoolOptions::record_first, a line of an attempt
// the store settled was written whole before the store call.
Result<std::vector<AttemptRecord>> ReadEventLog(const std::string& path,
                                                bool* torn_last_line = nullptr);

// Where a WorkerPool writes its attempts. Implementations are thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Write(const AttemptRecord& record) = 0;
  // Writes the records in order, as consecutive lines (a file sink that writes each line
  // hands them to the kernel in one write()).
  virtual void WriteMany(std::span<const AttemptRecord> records) {
    for (const AttemptRecord& record : records) Write(record);
  }
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
  void WriteMany(std::span<const AttemptRecord> records) override;
  Status Flush() override { return Status(); }
  std::vector<AttemptRecord> Records() const;

 private:
  mutable std::mutex mu_;
  std::vector<AttemptRecord> records_;  // guarded by mu_
};

}  // namespace strandq
