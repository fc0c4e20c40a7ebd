// Copyright 2026 The strandq Authors.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "strandq/clock.h"
#include "strandq/event.h"
#include "strandq/options.h"
#include "strandq/result.h"
#include "strandq/status.h"

namespace strandq {

// A worker's exclusive right to the head event of one account, until `deadline_ns`.
struct Lease {
  Event event;              // the head event of event.account
  uint64_t token = 0;       // fencing number; grows with every grant for the account
  int64_t deadline_ns = 0;  // on the store's monotonic clock; Extend moves it
};

// What a handler made of one attempt.
struct Outcome {
  enum class Kind {
    kAck,        // done
    kNack,       // failed; retried (after a backoff) until max_attempts, then dead-lettered
    kPermanent,  // will never succeed: dead-lettered now, whatever the attempts left
  };
  Kind kind = Kind::kAck;
  std::string error;  // why, for kNack and kPermanent
  // For kNack: the delay before the retry, used instead of the store's backoff. Negative (the
  // default): the backoff.
  std::chrono::nanoseconds retry_after{-1};

  static Outcome Ack() { return {}; }
  static Outcome Nack(std::string error) { return {Kind::kNack, std::move(error)}; }
  // A nack whose retry comes after `delay` (a handler told when to come back: a rate limit).
  static Outcome NackRetryAfter(std::string error, std::chrono::nanoseconds delay) {
    return {Kind::kNack, std::move(error), std::max(delay, std::chrono::nanoseconds(0))};
  }
  // Dead-letter now, no retries (a declined card must not be charged again). The error, as the
  // log and the dead letter show it, says "permanent failure: ".
  static Outcome Permanent(std::string error) {
    return {Kind::kPermanent, "permanent failure: " + error};
  }
  bool acked() const { return kind == Kind::kAck; }
  bool permanent() const { return kind == Kind::kPermanent; }
};

// What Complete did with the event.
enum class Disposition {
  kAcked,     // done and removed
  kRetrying,  // stays at the head; the account is ready again after a backoff
  kDead,      // moved to the dead-letter list
};

// Whether Complete (CompleteMany) also leases the next ready account in the same step.
enum class ClaimNext { kNo, kYes };

// Where ReplayDead puts a replayed event in its account's strand.
enum class ReplayAt { kHead, kTail };

struct CompleteResult {
  Disposition disposition = Disposition::kAcked;
  std::optional<Lease> next;  // the next lease, when ClaimNext::kYes was asked and one was ready
};

// One lease to settle with its outcome, for Store::CompleteMany.
struct Settlement {
  Lease lease;
  Outcome outcome;
};

// What EnqueueOnce answered: the receipts of the batch, first given or replayed.
struct EnqueueOnceResult {
  std::vector<EnqueueReceipt> receipts;
  // The key was known: these are the original receipts, and nothing was enqueued.
  bool replayed = false;
};

// Idempotency keys (Store::EnqueueOnce): 1 to 255 bytes of visible ASCII ('!' to '~': no
// spaces, no control bytes), e.g. a UUID or "run-7:batch-12".
inline constexpr size_t kMaxIdempotencyKeyBytes = 255;

// OK if `key` is a valid idempotency key, else InvalidArgument naming the problem.
Status ValidateIdempotencyKey(std::string_view key);

// A dead-lettered event with the reason it died.
struct DeadLetter {
  Event event;          // attempt = the number of attempts it had
  std::string error;    // the last error
  int64_t dead_ns = 0;  // CLOCK_REALTIME when it died
};

// An account as an operator sees it (Store::ListAccounts, Store::GetAccount).
enum class AccountState {
  kIdle,     // no pending event, neither paused nor parked
  kReady,    // its head waits for a worker
  kLeased,   // its head is being handled (also when the account was paused meanwhile)
  kDelayed,  // its head waits out a retry delay
  kPaused,   // stopped by an operator (Store::SetPaused), nothing in flight
  kParked,   // stopped by a dead letter (OnDead::kPark), nothing in flight, not paused
};
// "idle", "ready", "leased", "delayed", "paused", "parked".
std::string_view AccountStateName(AccountState state);
std::optional<AccountState> ParseAccountState(std::string_view name);

struct AccountInfo {
  std::string account;
  AccountState state = AccountState::kIdle;
  bool paused = false;   // an operator paused it: never granted until resumed
  bool parked = false;   // a dead letter parked it (OnDead::kPark)
  uint64_t pending = 0;  // events in its strand, the head included
  // The head event, without its payload; attempt = grants of it so far. Absent when pending
  // is 0.
  std::optional<Event> head;
  // Why the head's latest attempt failed (a nack's error, "lease expired"); for a parked
  // account, the error of the dead letter that parked it. Empty when none failed.
  std::string last_error;
  // kLeased: time left on the lease; kDelayed: time left of the retry delay; else 0.
  std::chrono::nanoseconds due_in{0};
  uint64_t lease_token = 0;  // kLeased: the fencing token of the lease
  // kLeased: the store client that was granted the lease (EngineOptions::client_name of the
  // store it was claimed through).
  std::string lease_holder;
};

// Which accounts Store::ListAccounts answers, in which order.
struct AccountQuery {
  enum class Sort {
    kBacklog,  // most pending events first, ties to the older head
    kAge,      // oldest head event first
  };
  // Only accounts in this state (kPaused and kParked: with that flag, whatever their state);
  // nullopt: every account with pending events, paused or parked.
  std::optional<AccountState> state;
  Sort sort = Sort::kBacklog;
  size_t limit = 100;
};

// An account with its pending events (Store::GetAccount).
struct AccountDetail {
  AccountInfo info;
  // Its pending events in strand order (the head first), from `offset`, at most `limit`, with
  // payloads; the head with its attempts so far, the others with attempt 0.
  std::vector<Event> events;
};

// A snapshot of the store's counters. Gauges are exact at the instant of the snapshot.
struct StoreStats {
  // Gauges.
  uint64_t pending = 0;   // events in strands, including the heads in flight
  uint64_t accounts = 0;  // accounts with pending events
  uint64_t ready = 0;     // accounts waiting for a worker
  uint64_t leased = 0;    // accounts (= events) in flight
  uint64_t delayed = 0;   // accounts waiting out a retry backoff
  uint64_t parked = 0;    // accounts stopped by a dead letter (OnDead::kPark)
  uint64_t dead = 0;      // events in the dead-letter list
  // Totals since the store was created.
  uint64_t enqueued = 0;
  uint64_t acked = 0;
  uint64_t nacked = 0;   // nacks that led to a retry or a dead letter
  uint64_t expired = 0;  // leases that ran out
  uint64_t dead_lettered = 0;
  // CLOCK_REALTIME at which the oldest head event was accepted (the longest any account has
  // waited; events behind a head wait for it); 0 when nothing is pending.
  int64_t oldest_pending_ns = 0;
  uint64_t paused = 0;  // accounts paused by an operator (Store::SetPaused)

  // True when no event can be delivered now or later without new input: nothing ready,
  // leased or delayed (parked strands may still hold events).
  bool drained() const { return ready == 0 && leased == 0 && delayed == 0; }
};

// What a store is, as the store itself states it (never guessed from its URL).
struct StoreTraits {
  enum class Kind {
    kEmbedded,  // lives inside one process (mem:, sqlite:); calls are in-process
    kShared,    // processes share it (redis://); each call is a round trip
  };
  Kind kind = Kind::kShared;
  // Accepted events outlive the process (sqlite:, redis://), and each call that changes
  // something waits for a disk or a server; false: they end with the process (mem:).
  bool durable = true;
  std::chrono::nanoseconds lease_ttl{0};  // how long a grant or an Extend keeps a lease
  // Where the data lives, for messages: the absolute path of a sqlite: database; empty when
  // the URL says it (redis://) or there is no such place (mem:).
  std::string location = {};
  // Events the restart rule dead-lettered when this store was opened (sqlite:): each was under
  // way when a process ended for the max_attempts-th time (StoreModel::Restart).
  uint64_t dead_at_open = 0;

  bool embedded() const { return kind == Kind::kEmbedded; }
};

// DESIGN
// A Store holds strands, the FIFO of pending events of each account. Only the head of a
// strand can be leased, and only to one worker at a time, so per-account order is acceptance
// order and at most one event of an account is in flight. A lease is valid until its
// deadline: ack, nack and extend after that, or with a token that is not the current one,
// are refused with kLeaseLost and change nothing, so a stalled worker can never remove or
// reorder another worker's event. An expired lease makes its account ready again and the
// event is delivered again with attempt + 1 (at-least-once). Events are dead-lettered when
// their attempt count reaches max_attempts and they fail (nack or expiry) once more.
//
// Thread safety: every method may be called from any thread at the same time.
class Store {
 public:
  virtual ~Store() = default;

  // Appends the batch in order, atomically: either every event is accepted or none is.
  // InvalidArgument for a bad account (naming its index); TooLarge for a payload over the
  // limit; Unavailable if the backend cannot be reached.
  virtual Result<std::vector<EnqueueReceipt>> Enqueue(std::span<const NewEvent> batch) = 0;

  // Enqueue under a producer's idempotency key, so that a producer that lost an answer can
  // send the batch again without duplicating it. The key is recorded in the same atomic step
  // as the events, with the batch's fingerprint (SHA-256 of its accounts and payloads) and
  // its receipts, for EngineOptions::idempotency_window on the store's wall clock. Within the
  // window, the same key with the same batch answers the original receipts with replayed =
  // true and enqueues nothing; the same key with a different batch is KeyReused and changes
  // nothing. Once the window has passed the key is as if never used. InvalidArgument for a bad
  // key (ValidateIdempotencyKey) and as Enqueue for a bad batch (nothing is recorded); InProgress
  // while a call with the same key has not finished writing (stores whose write is one atomic
  // step, as the built-in ones, never answer it); Unavailable as Enqueue. An empty batch is
  // recorded like any other.
  virtual Result<EnqueueOnceResult> EnqueueOnce(std::string_view key,
                                                std::span<const NewEvent> batch) = 0;

  // Leases up to `max` ready accounts, chosen by the policy. When none is ready, blocks up to
  // `wait` until one is (zero: never blocks). Returns an empty vector on time-out or once
  // `stop` is requested (at once if it was already): a stop ends this caller's claims only,
  // other callers of the store go on. Never polls: a waiting caller is woken by the change
  // that made work ready, or by its stop request.
  virtual Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds wait,
                                           std::stop_token stop = {}) = 0;

  // Settles the lease with the outcome and, with ClaimNext::kYes, leases the next ready account
  // in the same step (possibly the same account). kLeaseLost if the lease is no longer valid.
  virtual Result<CompleteResult> Complete(const Lease& lease, const Outcome& outcome,
                                          ClaimNext claim_next) = 0;

  // Settles each lease as Complete(lease, outcome, claim_next) would and returns their results
  // in the same order; with ClaimNext::kYes, each lease settled may come back with a next lease, as
  // distinct accounts chosen by the policy. The built-in stores do it in one step that settles
  // every lease first and then grants the best ready accounts (StoreModel::CompleteMany; for
  // Redis, one call), which is what a busy worker pool uses it for. The default calls Complete
  // for each in turn.
  virtual std::vector<Result<CompleteResult>> CompleteMany(std::span<const Settlement> settlements,
                                                           ClaimNext claim_next);

  // Moves the lease's deadline to now + lease_ttl and stores it in `lease`. kLeaseLost if the
  // lease is no longer valid.
  virtual Status Extend(Lease& lease) = 0;

  virtual Result<StoreStats> Stats() = 0;

  // Dead letters, oldest first, at most `limit`.
  virtual Result<std::vector<DeadLetter>> ListDead(size_t limit) = 0;
  // Moves dead events (by id) back into their strands with attempt 0, at the head or the tail
  // of their accounts (`at`). Unparks their accounts. Returns how many moved.
  virtual Result<size_t> ReplayDead(std::span<const uint64_t> ids, ReplayAt at) = 0;
  // Deletes dead events by id (all of them if `ids` is empty) and unparks their accounts.
  // Returns how many were deleted.
  virtual Result<size_t> PurgeDead(std::span<const uint64_t> ids) = 0;

  // ---- Accounts (an operator's view and control) ----
  // Accounts with pending events, paused or parked, filtered and sorted by `query`.
  // The default answers InvalidArgument (a store that does not list its accounts).
  virtual Result<std::vector<AccountInfo>> ListAccounts(const AccountQuery& query);
  // One account, with its pending events from `offset`, at most `limit`. NotFound for an
  // account the store never accepted an event of. The default answers InvalidArgument.
  virtual Result<AccountDetail> GetAccount(std::string_view account, size_t offset, size_t limit);
  // Pauses (true) or resumes (false) an account and answers its state afterwards. A paused
  // account keeps accepting events and is never granted until resumed; a lease held when it
  // was paused stays valid and is settled as usual. Idempotent. The state survives a restart
  // of a durable store. NotFound for an account the store never accepted an event of.
  // The default answers InvalidArgument.
  virtual Result<AccountInfo> SetPaused(std::string_view account, bool paused);

  // Deletes everything the store holds (pending and dead events, counters, the settings it
  // records), so that the next process to open it finds it new, and returns how many keys
  // (Redis) it deleted. Not atomic: call it when nothing else uses the store; a Drop cut short
  // leaves the rest, and calling it again finishes. The store must not be used afterwards.
  // InvalidArgument for a store that lives only inside its process (mem:).
  virtual Result<uint64_t> Drop();

  // What this store is (constant for its life).
  virtual StoreTraits Traits() const = 0;
};

// Opens a store by URL: "mem:" (the embedded store, gone with the process),
// "sqlite:PATH[?sync=full|normal]" (the durable embedded store: a database file one process
// owns) or "redis://[user:pass@]host:port[/db][?prefix=NAME]" (a namespace on a Redis 6.2+
// server, shared by every process that opens it). InvalidArgument for a URL it does not
// understand or a file that is not a strandq database; Internal for a damaged database;
// Unavailable when the Redis server cannot be reached, refuses the password or is too old, or
// when another process owns the database.
// `clock` (not owned, may be null for the system clock) drives leases and delays of the
// embedded store; a Redis store keeps time on its server.
Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const EngineOptions& options,
                                         Clock* clock = nullptr);

// `url` with its password (redis://user:PASSWORD@...) replaced by "***", for messages and
// reports; any other text unchanged.
std::string RedactedStoreUrl(std::string_view url);

// The embedded, in-process store.
std::unique_ptr<Store> NewMemoryStore(const EngineOptions& options, Clock* clock = nullptr);

// The events pending in an embedded store (NewMemoryStore, OpenStore("mem:")), account by
// account, head first, with the attempts their current head had so far; what ends with the
// process. InvalidArgument for any other store (its events outlive the process).
Result<std::vector<Event>> ListPendingEmbedded(Store& store);

}  // namespace strandq
