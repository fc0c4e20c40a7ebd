// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "strandq/event_log.h"

namespace strandq::report {

// How far a picture is reduced: whatever the log's size, the page draws at most
// (slot_rows + lanes) x bins cells, latency_bins bars and a few short tables.
struct PictureLimits {
  size_t bins = 600;       // time bins across the makespan
  size_t slot_rows = 120;  // rows of the slot chart; more slots share a row
  size_t lanes = 20;       // longest accounts drawn as lanes
  size_t latency_bins = 40;
  size_t errors = 10;        // distinct error messages listed
  size_t dead = 20;          // dead letters listed (earliest first)
  size_t error_chars = 300;  // an error message is cut after this many bytes
};

// Failed attempts ending in one bin of one row.
struct FailureMark {
  uint32_t bin = 0;
  uint32_t failed = 0;  // nack or lost
  uint32_t dead = 0;
};

// One row of a chart over time (a group of worker slots, or an account).
struct Strip {
  std::string label;
  size_t members = 1;  // slots in the row (1 for an account)
  size_t events = 0;   // an account's distinct events (0 for slots)
  // Per bin: the share of the row's time spent in attempts, in thousandths (members x bin).
  std::vector<uint16_t> busy;
  std::vector<FailureMark> marks;  // bins with failed attempts, ascending
};

struct ErrorCount {
  std::string error;  // cut at PictureLimits::error_chars
  size_t count = 0;
  std::string example;  // "a42#3": the first attempt that failed so
};

struct DeadEvent {
  std::string account;
  uint64_t seq = 0;
  uint64_t id = 0;
  uint32_t attempt = 0;
  int64_t at_ns = 0;  // from the origin
  std::string error;
};

// DESIGN
// A run reduced to what a page can draw fast: time is cut into `bins` equal bins from the
// first start to the last end (the verifier's makespan); a worker slot or an account is a row
// of per-bin busy shares; the concurrency is the mean number of attempts in flight per bin;
// latencies (enqueue to ack of acked attempts, as the verifier measures them) are counted in
// linear bins, or logarithmic ones when max/min >= 50. `dropped` lines (no attempt) count as
// events of their account but are not drawn.
struct RunPicture {
  int64_t origin_ns = 0;  // the first start (CLOCK_REALTIME)
  int64_t span_ns = 0;    // first start to last end
  int64_t bin_ns = 1;
  size_t bins = 0;
  size_t slots = 0;  // distinct `worker` values
  size_t slots_per_row = 1;
  std::vector<Strip> slot_rows;     // slots in natural order ("h:1:2" before "h:1:10")
  std::vector<double> concurrency;  // per bin
  std::vector<Strip> lanes;         // the accounts with the most events, most first
  size_t accounts = 0;
  bool latency_log = false;
  std::vector<double> latency_edges;  // latency_counts.size() + 1 edges, ns
  std::vector<uint64_t> latency_counts;
  std::vector<ErrorCount> errors;  // most frequent first
  size_t distinct_errors = 0;
  size_t failed_attempts = 0;  // attempts with an error
  std::vector<DeadEvent> dead;
  size_t dead_total = 0;
};

// Reduces `records`, whose unconfirmed lines must be resolved (verify/unconfirmed.h). Pure;
// any thread. Linear in the records, but for a sort of (account, seq) pairs.
RunPicture BuildRunPicture(std::span<const AttemptRecord> records,
                           const PictureLimits& limits = {});

// "h:1:2" < "h:1:10": by the text before the last ':', then by the number after it (text when
// it is not a number).
bool SlotNameLess(std::string_view a, std::string_view b);

}  // namespace strandq::report
