// Copyright 2026 The strandq Authors.
#include "runtime/attempt_ledger.h"

#include <utility>

namespace strandq {
namespace {

AttemptRecord::Outcome RecordOutcome(Disposition d) {
  switch (d) {
    case Disposition::kAcked:
      return AttemptRecord::Outcome::kAck;
    case Disposition::kRetrying:
      return AttemptRecord::Outcome::kNack;
    case Disposition::kDead:
      return AttemptRecord::Outcome::kDead;
  }
  return AttemptRecord::Outcome::kLost;
}

}  // namespace

AttemptRecord::Outcome AttemptLedger::Book(const Result<CompleteResult>& completed) {
  const AttemptRecord::Outcome logged =
      completed.ok() ? RecordOutcome(completed->disposition) : AttemptRecord::Outcome::kLost;
  switch (logged) {
    case AttemptRecord::Outcome::kAck:
      acked_.fetch_add(1, std::memory_order_relaxed);
      break;
    case AttemptRecord::Outcome::kNack:
      nacked_.fetch_add(1, std::memory_order_relaxed);
      break;
    case AttemptRecord::Outcome::kDead:
      nacked_.fetch_add(1, std::memory_order_relaxed);
      dead_.fetch_add(1, std::memory_order_relaxed);
      break;
    case AttemptRecord::Outcome::kLost:
    case AttemptRecord::Outcome::kDropped:  // never made by a pool
      lost_.fetch_add(1, std::memory_order_relaxed);
      break;
  }
  return logged;
}

PoolProgress AttemptLedger::Progress() const {
  PoolProgress p;
  p.acked = acked_.load(std::memory_order_relaxed);
  p.nacked = nacked_.load(std::memory_order_relaxed);
  p.dead = dead_.load(std::memory_order_relaxed);
  p.lost = lost_.load(std::memory_order_relaxed);
  return p;
}

AttemptRecord AttemptLedger::Final(Settlement settled, const std::string& worker, int64_t start_ns,
                                   int64_t end_ns, const Result<CompleteResult>& completed,
                                   AttemptRecord::Outcome logged) {
  AttemptRecord record = AttemptOf(settled.lease.event, worker, start_ns, end_ns);
  record.outcome = logged;
  if (!completed.ok()) {
    record.error = completed.status().ToString();
  } else if (!settled.outcome.acked()) {
    record.error = std::move(settled.outcome.error);
  }
  return record;
}

AttemptRecord AttemptLedger::Unconfirmed(const Settlement& settlement, const std::string& worker,
                                         int64_t start_ns, int64_t end_ns) {
  AttemptRecord record = AttemptOf(settlement.lease.event, worker, start_ns, end_ns);
  record.outcome =
      settlement.outcome.acked() ? AttemptRecord::Outcome::kAck : AttemptRecord::Outcome::kNack;
  record.error = settlement.outcome.error;
  record.unconfirmed = true;
  return record;
}

}  // namespace strandq
