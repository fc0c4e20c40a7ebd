// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "strandq/event_log.h"
#include "strandq/workload.h"

namespace strandq {

// The lower bound of a backlog: max(ceil(events / workers), longest) * unit.
std::chrono::nanoseconds LowerBound(size_t events, size_t workers, size_t longest,
                                    std::chrono::nanoseconds unit);

struct VerifyOptions {
  // When set, every input event must be settled (acked or dead) in the logs, and nothing else.
  // The k-th input event of an account is matched with the account's k-th logged seq.
  const std::vector<WorkloadEvent>* input = nullptr;
  // Worker slots for the lower bound; 0 = the number of distinct `worker` values in the logs.
  size_t workers = 0;
  // Time one event takes; 0 = the median duration of the acked attempts.
  std::chrono::nanoseconds unit{0};
  // Ids the store holds as dead letters: settled although no attempt line says `dead` (an
  // event whose last lease expired is dead-lettered by the store, not by a worker).
  std::vector<uint64_t> dead_letter_ids;
  // The run was stopped early (SIGINT): an account's last logged event may be unsettled (its
  // last attempt a nack or lost lease) because it is still in the store, not lost.
  bool partial = false;
};

struct Violation {
  std::string kind;    // "order", "overlap", "loss", "duplicate", "unknown", "inconsistent"
  std::string detail;  // names the account, seq, id and attempts concerned
};

// DESIGN
// Checks what the guarantees promise, from the attempt lines alone (of one or many processes):
// - order: within an account, attempts (ignoring `lost` ones) start in seq order, and an
//   event's next seq starts only after its settling attempt (ack or dead) ended; an event
//   replayed from the dead letters (`replay` > 0) may run after later seqs of its account;
// - overlap: no two attempts of one account that were not `lost` overlap in time;
// - duplicate: no event is settled twice in one delivery series (the attempts between two
//   replays), none is replayed after an ack, and no id names two different (account, seq);
// - loss: every seq of an account from its first to its last logged one is settled
//   (and with an input, every input event is settled and nothing outside it appears); a
//   missing event is reported once.
// Lines a crash left unconfirmed are resolved first (see event_log.h and ResolveUnconfirmed).
struct VerifyReport {
  bool ok() const { return violations_total == 0; }

  std::vector<Violation> violations;  // the first 100
  size_t violations_total = 0;

  size_t events = 0;  // distinct events seen
  size_t accounts = 0;
  size_t attempts = 0;  // lines
  size_t acked = 0;
  size_t nacked = 0;
  size_t dead = 0;
  size_t lost = 0;
  size_t dropped = 0;        // events an embedded store took with it at exit (each also a "loss")
  size_t redelivered = 0;    // attempts > 1 that did not follow a nack of the same event
  size_t replayed = 0;       // events replayed from the dead letters (a series with replay > 0)
  size_t replayed_late = 0;  // ... of which ran after later events of their account
  size_t unconfirmed = 0;    // lines a crash left unconfirmed (no final line)
  size_t unconfirmed_settled = 0;        // ... of which taken as settling (no later delivery)
  size_t longest = 0;                    // most events of one account
  size_t workers = 0;                    // used for the lower bound
  std::chrono::nanoseconds unit{0};      // used for the lower bound
  std::chrono::nanoseconds makespan{0};  // first start to last end
  std::chrono::nanoseconds lower_bound{0};
  double efficiency = 0.0;  // makespan / lower_bound (1.0 is optimal)
  // Enqueue-to-ack latency of acked events.
  std::chrono::nanoseconds latency_p50{0}, latency_p99{0}, latency_max{0};
};

VerifyReport Verify(std::span<const AttemptRecord> records, const VerifyOptions& options);

// Human-readable summary: the figures, then each violation on its own line, then the verdict
// ("verification: OK" or "verification: FAILED (N violations)").
std::string FormatVerifyReport(const VerifyReport& report);

}  // namespace strandq
