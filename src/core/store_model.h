// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/backoff.h"
#include "core/chunked_fifo.h"
#include "core/idempotency_table.h"
#include "core/indexed_heap.h"
#include "core/model_changes.h"
#include "core/ready_set.h"
#include "strandq/store.h"

namespace strandq {

// The instant a step happens at: the monotonic reading drives lease deadlines and retry
// delays, the wall reading stamps events (enqueued_ns) and dead letters (dead_ns).
struct ModelTime {
  int64_t mono_ns = 0;
  int64_t wall_ns = 0;
};

// StoreModel is the single statement of the rules of a strand and of a store's state: every
// Store method's effect, as a step taken at an instant the caller passes in. It does no I/O,
// reads no clock, takes no lock and never blocks; its only randomness, the retry jitter, is
// JitterDraw(jitter_seed, event id, attempt), so a run is a pure function of the options, the
// seed and the steps with their times. MemoryStore is this model behind a mutex, plus blocking;
// every other store must answer as it does (tests/unit/backend/store_differential_test.cc).
//
// The rules (docs/DESIGN.md points here):
//  - Strand: the pending events of one account, in acceptance order. Only its head can be
//    leased, to one holder at a time. An account is in one state: idle (no events, or parked),
//    ready, leased (until a deadline) or delayed (until the end of a retry delay).
//  - Grant: Claim and claim_next take ready accounts in the policy's order (ReadySet: kLongest
//    most pending first, ties to the smaller head id; kOldest smallest head id). A grant adds 1
//    to the head's attempt and to the account's grant count; the token is (grants << 32 | the
//    account's number), so it grows with every grant of the account. Deadline: now + TTL.
//  - A lease is valid while its account is leased with that token and that head, and
//    now <= deadline. Complete and Extend with an invalid lease are refused (kLeaseLost) and
//    change nothing.
//  - Ack: the head leaves; the account is ready if it has more events.
//  - Nack (and expiry, at deadline + 1): a failed attempt. At max_attempts the head is dead-
//    lettered (with its attempt and the error; OnDead::kPark stops the account until a replay
//    or purge of one of its dead letters); else it stays the head, ready again after the
//    handler's delay (Outcome::NackRetryAfter), else Backoff::Delay(attempt, JitterDraw(seed,
//    id, attempt)) for a nack, at once for an expiry.
//  - Permanent failure (Outcome::Permanent): counted as a nack, dead-lettered at once whatever
//    the attempts left.
//  - Complete with claim_next grants the best ready account after the settlement (possibly the
//    same account); CompleteMany settles all of its leases, then grants the best ready accounts,
//    one per lease settled.
//  - Extend: deadline = now + TTL.
//  - Replay: dead events go back with attempt 0 and their replay count + 1, in id order, at the
//  tail of their account or
//    at its head; a head in progress (leased, delayed or attempted) stays the head and replayed
//    events go right behind it. Their accounts are unparked. Purge deletes dead events and
//    unparks their accounts.
//  - Restart (a durable store reopened after its process ended): every lease and retry delay
//    ends; a head that was granted max_attempts times is dead-lettered ("the process ended
//    during attempt N": a handler that kills its process cannot loop forever), any other head
//    keeps its attempts and is ready, delivered again with attempt + 1.
//  - Idempotent enqueue (EnqueueOnce): a key live in the idempotency table (recorded less than
//    options().idempotency_window ago on the wall clock) with the batch's fingerprint answers
//    its recorded receipts (replayed) and changes nothing else; with another fingerprint it is
//    refused (kKeyReused) and changes nothing. Otherwise the batch is enqueued as by Enqueue and
//    the key recorded in the same step, with the fingerprint, the receipts and an expiry of
//    now.wall_ns + window. An expired key is as if never recorded.
//  - Pause (SetPaused): a paused account keeps accepting events and is never granted until
//    resumed; a lease held when it is paused stays valid and settles as usual; after that
//    settlement (ack, nack, expiry) it does not become ready, nor does a delay that ends while
//    it is paused make it ready. Resume makes it ready if it has events and is not parked (a
//    delay still running goes on). The paused flag survives a restart.
//  - Last error (AccountInfo::last_error): set by a nack (its error), an expiry ("lease
//    expired") and a dead letter (its error); cleared when an ack removes the head. A restart
//    clears it, except for a parked account, which keeps the error of the dead letter that
//    parked it.
//  - Accounts (ListAccounts): those with pending events, paused or parked, filtered by their
//    state (a paused or parked filter: by the flag, whatever the state) and sorted by backlog
//    (most pending first, ties to the smaller head id) or by age (smallest head id first);
//    accounts without events come last, by name. The state shown: leased
//    while leased (paused or not), else paused, else parked, else delayed, ready or idle.
//  - Time: every step first expires the leases and ends the delays due at its instant. The
//    order among dead letters of leases that expired at one step is not part of the rules.
// Not thread-safe.
class StoreModel {
 public:
  // `options` are clamped to usable values (lease_ttl >= 1 ns, max_attempts >= 1, ...).
  StoreModel(const EngineOptions& options, uint64_t jitter_seed);
  StoreModel(const StoreModel&) = delete;
  StoreModel& operator=(const StoreModel&) = delete;

  const EngineOptions& options() const { return options_; }

  // The steps of Store (store.h). `batch` is valid (ValidateNewEvents); `payloads[i]` is the
  // payload of batch[i], moved in (so a caller can copy them outside its lock).
  std::vector<EnqueueReceipt> Enqueue(std::span<const NewEvent> batch,
                                      std::vector<std::string> payloads, ModelTime now);
  std::vector<Lease> Claim(size_t max, ModelTime now);
  Result<CompleteResult> Complete(const Lease& lease, const Outcome& outcome, ClaimNext claim_next,
                                  ModelTime now);
  // Settles every lease first, then with claim_next grants the best ready accounts, one per
  // lease settled (in the order of the settlements): Complete for a batch of one.
  std::vector<Result<CompleteResult>> CompleteMany(std::span<const Settlement> settlements,
                                                   ClaimNext claim_next, ModelTime now);
  Status Extend(Lease& lease, ModelTime now);
  StoreStats Stats(ModelTime now);
  std::vector<DeadLetter> ListDead(size_t limit, ModelTime now);
  size_t ReplayDead(std::span<const uint64_t> ids, ReplayAt at, ModelTime now);
  size_t PurgeDead(std::span<const uint64_t> ids, ModelTime now);
  // Every pending event, account by account (in order of first acceptance), head first; the
  // head with its attempts so far, the others with attempt 0.
  std::vector<Event> ListPending() const;

  // ---- Accounts (store_model_accounts.cc) ----
  std::vector<AccountInfo> ListAccounts(const AccountQuery& query, ModelTime now);
  // NotFound for an account never accepted. The events carry their payloads as held (a
  // durable store's model holds none: the store loads them).
  Result<AccountDetail> GetAccount(std::string_view account, size_t offset, size_t limit,
                                   ModelTime now);
  Result<AccountInfo> SetPaused(std::string_view account, bool paused, ModelTime now);

  // ---- Durable stores (store_model_durable.cc) ----

  // From now on, record what each step changes (ModelChanges); TakeChanges hands it over.
  void RecordChanges() { recording_ = true; }
  // What the steps since the last call changed (empty unless RecordChanges was called).
  ModelChanges TakeChanges();

  // Rebuilding a model from what a durable store wrote, on a new model: accounts in slot order,
  // then each account's pending events head first and the dead letters oldest first, then the
  // totals, and last Restart.
  struct RestoredEvent {
    uint32_t slot = 0;
    uint64_t id = 0;
    uint64_t seq = 0;
    int64_t enqueued_ns = 0;
    uint32_t replays = 0;
  };
  // `account.slot` is the next slot (accounts come in slot order). False, and nothing restored,
  // for a name restored already (a damaged record).
  bool RestoreAccount(const std::string& name, const ModelChanges::Account& account);
  void RestorePending(const RestoredEvent& event);
  void RestoreDead(const RestoredEvent& event, uint32_t attempt, std::string error,
                   int64_t dead_ns);
  void RestoreTotals(const ModelChanges::Totals& totals);
  // The restart rule (above): ends every lease and delay, then dead-letters or readies heads.
  void Restart(ModelTime now);

  // For a caller that blocks until work is ready: how many accounts are ready, and the earliest
  // monotonic instant at which a lease expires or a delay ends (nullopt: none pending).
  size_t ready() const { return ready_.size(); }
  std::optional<int64_t> NextDue() const;

  // Store::EnqueueOnce (store_model_idempotency.cc): `key` is valid (ValidateIdempotencyKey),
  // `fingerprint` is BatchFingerprint(batch), `batch` and `payloads` as for Enqueue.
  Result<EnqueueOnceResult> EnqueueOnce(std::string_view key, std::string_view fingerprint,
                                        std::span<const NewEvent> batch,
                                        std::vector<std::string> payloads, ModelTime now);
  // The idempotency keys held, for a store that persists them; a store that restores them at
  // open records each persisted entry with RestoreIdempotencyEntry.
  const IdempotencyTable& idempotency() const { return idempotency_; }
  void RestoreIdempotencyEntry(IdempotencyEntry entry) { idempotency_.Record(std::move(entry)); }

 private:
  // One accepted, unsettled event. Its account is the strand's; its attempt count, when it is
  // the head, is the strand's.
  struct QueuedEvent {
    uint64_t id;
    uint64_t seq;
    int64_t enqueued_ns;
    std::string payload;
  };

  enum class State : uint8_t {
    kIdle,     // no pending event, or parked: in no index
    kReady,    // in ready_
    kLeased,   // head leased until deadline_ns; in timers_
    kDelayed,  // waiting out a retry backoff until deadline_ns; in timers_
  };

  // Everything about one account. Strands are never removed and never move (they live in
  // index_'s nodes): next_seq and the grant count must keep growing for the account's life.
  struct Strand {
    const std::string* account = nullptr;  // the key in index_
    ChunkedFifo<QueuedEvent> events;       // pending events, head first
    uint64_t next_seq = 1;                 // seq of the next accepted event
    int64_t deadline_ns = 0;               // kLeased: lease deadline; kDelayed: end of delay
    uint32_t attempt = 0;                  // grants of the head event so far
    uint32_t slot = 0;                     // index in slots_
    uint32_t grants = 0;                   // leases granted so far (2^32 would wrap)
    State state = State::kIdle;
    std::string last_error;  // AccountInfo::last_error
    bool parked = false;     // stopped by a dead letter (OnDead::kPark)
    bool paused = false;     // stopped by an operator (SetPaused)
    bool dirty = false;      // its record changed since TakeChanges (recording_ only)
    bool unindexed = false;  // its length or head changed since Reindex (in unindexed_)
  };
  // The fencing token of the strand's latest grant.
  static uint64_t Token(const Strand& strand) {
    return (uint64_t{strand.grants} << 32) | strand.slot;
  }

  struct DeadEntry {
    uint32_t slot;
    QueuedEvent event;
    uint32_t attempt;
    std::string error;
    int64_t dead_ns;
    uint32_t replays = 0;  // times the event was replayed before it died
  };

  Strand& At(uint32_t slot) { return *slots_[slot]; }
  const Strand& At(uint32_t slot) const { return *slots_[slot]; }
  uint32_t SlotFor(const std::string& account);
  void PushBack(uint32_t slot, QueuedEvent event);
  void PushAtHead(uint32_t slot, QueuedEvent event);
  void PopHead(uint32_t slot);
  // Puts an idle strand where it belongs: ready if it has events and is not parked.
  void Resume(uint32_t slot);
  // Updates the ready-set key of a ready strand after its events changed.
  void Rekey(uint32_t slot);
  void Unpark(uint32_t slot);
  // Notes that the strand's length or head changed: the listing indexes file it again before
  // they are next read (FileUnindexed), so a step pays one flag for them, not two heap updates.
  void MarkUnindexed(uint32_t slot) {
    Strand& strand = At(slot);
    if (!strand.unindexed) {
      strand.unindexed = true;
      unindexed_.push_back(slot);
    }
  }
  // Puts the strand in (or takes it out of) the listing indexes after its events changed.
  void Reindex(uint32_t slot);
  // Reindex of every strand MarkUnindexed since the last call.
  void FileUnindexed();
  // What the listing shows of the strand.
  AccountState StateOf(const Strand& strand) const;
  bool Matches(const Strand& strand, AccountState state) const;
  AccountInfo Info(uint32_t slot, int64_t now) const;
  // The strands a filtered listing picks from (those not in the listing indexes' order).
  std::vector<uint32_t> Candidates(AccountState state) const;
  Lease Grant(uint32_t slot, int64_t now);
  // The strand `lease` is valid for; LeaseLost if it is not valid.
  Result<uint32_t> FindLease(const Lease& lease, int64_t now);
  // Settles an acked lease of `slot` (leased no more) and, with claim_next, grants the next.
  CompleteResult Ack(uint32_t slot, bool claim_next, int64_t now);
  // The retry delay of a nack of the head of `strand`: the handler's, else the backoff's.
  std::chrono::nanoseconds NackDelay(const Strand& strand, const Outcome& outcome) const;
  // Settles a failed attempt of the head of idle strand `slot`: dead letter at max_attempts,
  // else ready again, after `delay`.
  Disposition Fail(uint32_t slot, std::string_view error, ModelTime now,
                   std::chrono::nanoseconds delay);
  void DeadLetterHead(uint32_t slot, std::string_view error, int64_t wall_ns);
  // Expires leases and ends delays that are due at `now`.
  void ProcessDue(ModelTime now);
  int64_t Deadline(int64_t now, std::chrono::nanoseconds after) const;
  // Records the revival of `replay` (moved back into their strands) and their strands' order.
  void RecordReplay(const std::vector<DeadEntry>& replay);
  // Notes that the account record of `slot` changed (when recording).
  void Touch(uint32_t slot) {
    if (recording_ && !At(slot).dirty) {
      At(slot).dirty = true;
      dirty_.push_back(slot);
    }
  }

  const EngineOptions options_;
  const Backoff backoff_;
  const uint64_t jitter_seed_;

  std::unordered_map<std::string, Strand> index_;  // by account
  std::vector<Strand*> slots_;                     // by slot
  ReadySet ready_;
  // Strands in kLeased (key: deadline + 1, the first instant it is expired) or kDelayed (key:
  // end of the delay), by slot.
  IndexedHeap<int64_t, std::less<int64_t>> timers_;
  // The strands with pending events by backlog (most pending first, ties to the smaller head
  // id) and by age (smallest head id first), for ListAccounts and the oldest pending event.
  struct BacklogKey {
    uint64_t pending;
    uint64_t head_id;
  };
  struct MoreBacklog {
    bool operator()(const BacklogKey& a, const BacklogKey& b) const {
      return a.pending != b.pending ? a.pending > b.pending : a.head_id < b.head_id;
    }
  };
  IndexedHeap<BacklogKey, MoreBacklog> by_backlog_;
  IndexedHeap<uint64_t, std::less<uint64_t>> by_age_;
  std::vector<uint32_t> unindexed_;      // slots MarkUnindexed since the last FileUnindexed
  std::unordered_set<uint32_t> paused_;  // slots of paused strands
  std::unordered_set<uint32_t> parked_;  // slots of parked strands
  std::list<DeadEntry> dead_;            // oldest first
  // Pending events that were replayed from the dead letters: id -> times replayed (Event::replay).
  // Kept beside the strands so that an event's record stays small; empty in most runs.
  std::unordered_map<uint64_t, uint32_t> replays_;
  std::unordered_map<uint64_t, std::list<DeadEntry>::iterator> dead_by_id_;
  uint64_t last_id_ = 0;
  StoreStats stats_;  // all but `ready` and `dead`, which are read from the indexes

  bool recording_ = false;
  ModelChanges changes_;                  // since the last TakeChanges (recording_ only)
  std::vector<uint32_t> dirty_;           // slots Touch()ed since the last TakeChanges
  ModelChanges::Totals recorded_totals_;  // as of the last TakeChanges
  // While restoring: slot -> the head id its recorded attempt belongs to (RestoreAccount).
  std::unordered_map<uint32_t, uint64_t> restored_heads_;
  // EnqueueOnce's keys.
  IdempotencyTable idempotency_;
};

}  // namespace strandq
