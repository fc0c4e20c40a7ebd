// Copyright 2026 The strandq Authors.
#include <boost/asio/post.hpp>

#include "runtime/worker_pool_impl.h"

namespace strandq {

void WorkerPool::Impl::HandToStore(size_t index, Outcome outcome) {
  FinishedAttempt queued;
  queued.index = index;
  queued.outcome = std::move(outcome);
  queued.end_ns = clock->WallNs();
  std::optional<ReservedLease> ahead;
  if (options.lookahead > 0 && (ahead = dispatch.TakeReserved())) {
    queued.detached = true;
    dispatch.DetachedStarted();  // before the slot's own attempt can end: never idle between
    queued.lease = TakeLease(slots[index], queued.start_ns);
    Assign(slots[index], std::move(ahead->lease), ahead->last_extend_ns);
  }
  const bool call = completions.Push(std::move(queued));  // else a running call takes it
  const bool on_io = io.get_executor().running_in_this_thread();
  // From a foreign thread (BlockingHandler) the work goes on on the I/O loop; Run must wait
  // for the posts to return.
  if (!on_io) foreign_posts.Enter();
  if (ahead) asio::post(io, [this, index] { RunSlot(index); });
  if (call && !on_io) asio::post(io, [this] { CompleteQueued(); });
  if (!on_io) foreign_posts.Leave();
  if (call && on_io) CompleteQueued();
}

void WorkerPool::Impl::CompleteQueued() {
  for (auto batch = completions.TakeBatch(); !batch.empty(); batch = completions.TakeBatch()) {
    CompleteBatch(batch);
  }
}

void WorkerPool::Impl::CompleteBatch(std::vector<FinishedAttempt>& batch) {
  std::vector<Settlement> settlements(batch.size());
  std::vector<int64_t> starts(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (batch[i].detached) {
      settlements[i].lease = std::move(batch[i].lease);
      starts[i] = batch[i].start_ns;
    } else {
      settlements[i].lease = TakeLease(slots[batch[i].index], starts[i]);
    }
    settlements[i].outcome = std::move(batch[i].outcome);
  }
  if (RecordingFirst()) {
    std::vector<AttemptRecord> unconfirmed(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) {
      unconfirmed[i] = AttemptLedger::Unconfirmed(settlements[i], slots[batch[i].index].worker,
                                                  starts[i], batch[i].end_ns);
    }
    log->WriteMany(unconfirmed);
  }
  auto results = store.CompleteMany(settlements, NextFor());
  failpoint.AfterSettle();
  std::vector<AttemptRecord> lines;
  lines.reserve(log != nullptr ? batch.size() : 0);
  for (size_t i = 0; i < batch.size(); ++i) {
    const size_t index = batch[i].index;
    if (Settle(slots[index], index, std::move(settlements[i]), starts[i], batch[i].end_ns,
               std::move(results[i]), &lines, batch[i].detached)) {
      asio::post(io, [this, index] { RunSlot(index); });
    }
  }
  if (log != nullptr) log->WriteMany(lines);
  for (const FinishedAttempt& finished : batch) {
    if (finished.detached) dispatch.DetachedSettled();  // its next lease is placed by now
  }
}

ClaimNext WorkerPool::Impl::NextFor() const {
  if (dispatch.stopping()) return ClaimNext::kNo;
  // With leases claimed ahead, next leases are asked for only while they are wanted (a free
  // slot, a reserve below lookahead): slots that end without one take from the reserve, and
  // every lease more would stay in the reserve for good.
  if (options.lookahead == 0 || dispatch.WantsLeases()) return ClaimNext::kYes;
  return ClaimNext::kNo;
}

Lease WorkerPool::Impl::TakeLease(Slot& slot, int64_t& start_ns) {
  start_ns = slot.start_ns;
  return slot.lease.Take();
}

bool WorkerPool::Impl::FinishSlot(Slot& slot, size_t index, Outcome outcome, int64_t end_ns) {
  int64_t start_ns;
  Settlement settled{TakeLease(slot, start_ns), std::move(outcome)};
  if (RecordingFirst())
    log->Write(AttemptLedger::Unconfirmed(settled, slot.worker, start_ns, end_ns));
  auto completed = store.Complete(settled.lease, settled.outcome,
                                  dispatch.stopping() ? ClaimNext::kNo : ClaimNext::kYes);
  failpoint.AfterSettle();
  return Settle(slot, index, std::move(settled), start_ns, end_ns, std::move(completed),
                /*lines=*/nullptr);
}

bool WorkerPool::Impl::Settle(Slot& slot, size_t index, Settlement settled, int64_t start_ns,
                              int64_t end_ns, Result<CompleteResult> completed,
                              std::vector<AttemptRecord>* lines, bool detached) {
  // The next lease is the slot's (and so the ticker's to extend) at once, not after the log.
  const bool has_next = completed.ok() && completed->next;
  if (has_next && detached) Distribute(std::move(*completed->next));
  if (has_next && !detached) Assign(slot, std::move(*completed->next));

  if (!completed.ok() && completed.status().code() != Status::Code::kLeaseLost) {
    RecordError(completed.status());
  }
  const AttemptRecord::Outcome logged = ledger.Book(completed);
  if (log != nullptr) {
    AttemptRecord record =
        AttemptLedger::Final(std::move(settled), slot.worker, start_ns, end_ns, completed, logged);
    if (lines != nullptr) {
      lines->push_back(std::move(record));
    } else {
      log->Write(record);
    }
  }
  if (detached) return false;
  if (has_next) return true;
  ReleaseSlot(index);
  return false;
}

void WorkerPool::Impl::ReleaseSlot(size_t index) {
  std::optional<ReservedLease> ahead = dispatch.RefillOrFree(index);
  if (ahead) {
    Assign(slots[index], std::move(ahead->lease), ahead->last_extend_ns);
    asio::post(io, [this, index] { RunSlot(index); });
    return;
  }
  if (options.stop_when_drained && !dispatch.stopping()) MaybeStopDrained();
}

}  // namespace strandq
