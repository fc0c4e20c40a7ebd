// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/idempotency_table.h"
#include "strandq/store.h"

namespace strandq {

// ModelChanges is what the steps of a StoreModel changed in the state a durable store keeps:
// accounts, pending events, dead letters and totals. A durable store writes one ModelChanges (or
// several, in order) in one transaction, and reloading what it wrote (StoreModel::Restore*)
// gives back the model's state minus what lives only in a process: leases, retry delays and
// the ready order. The model fills it only when asked to (StoreModel::RecordChanges).
//
// One ModelChanges holds one step. Applied in the order of the fields below (a step's expiries
// come before its own effect, so an event can be dead and then revived or purged by one step).
//
// An account's head attempt is recorded with the id of the head it belongs to: an ack or a
// dead letter removes the head without rewriting the account, and a reload gives attempt 0 to
// a head whose id is not the one recorded.
struct ModelChanges {
  // An account's record, as it was at the end of the steps.
  struct Account {
    uint32_t slot = 0;  // the account's number: dense, in order of first acceptance
    uint64_t next_seq = 1;
    uint32_t grants = 0;   // leases granted so far: the fencing tokens keep growing
    uint64_t head_id = 0;  // the head `attempt` belongs to (0: no events)
    uint32_t attempt = 0;
    bool parked = false;
    bool paused = false;  // by an operator (Store::SetPaused)
  };
  struct Accepted {
    uint32_t slot = 0;
    uint64_t id = 0;
    uint64_t seq = 0;
    int64_t enqueued_ns = 0;
    size_t batch_index = 0;  // its payload is batch[batch_index] of the Enqueue that took it
  };
  struct Dead {
    uint64_t id = 0;
    uint32_t attempt = 0;
    std::string error;
    int64_t dead_ns = 0;
  };
  // A strand whose order is no longer acceptance order (a replay): its pending ids, head first.
  struct Order {
    uint32_t slot = 0;
    std::vector<uint64_t> ids;
  };
  // The totals and the id counter, as they were at the end of the steps.
  struct Totals {
    uint64_t enqueued = 0;
    uint64_t acked = 0;
    uint64_t nacked = 0;
    uint64_t expired = 0;
    uint64_t dead_lettered = 0;
    uint64_t last_id = 0;
    bool operator==(const Totals&) const = default;
  };

  std::vector<std::pair<uint32_t, std::string>> new_accounts;  // slot, name; before `accounts`
  std::vector<Account> accounts;
  std::vector<Accepted> accepted;
  std::vector<uint64_t> removed;  // acked: gone from the strand and the store
  std::vector<Dead> dead;         // moved from their strands to the dead letters, in this order
  std::vector<std::pair<uint64_t, uint32_t>> revived;  // dead -> pending: id, its replay count
  std::vector<Order> reordered;
  std::vector<IdempotencyEntry> keys;     // idempotency keys recorded (EnqueueOnce)
  std::vector<std::string> keys_expired;  // idempotency keys forgotten, before `keys`
  std::vector<uint64_t> purged;           // dead letters deleted
  bool purged_all = false;  // every dead letter deleted, `dead` of the same step included
  Totals totals;
  bool totals_changed = false;  // since the previous ModelChanges

  // Whether nothing changed (the totals included).
  bool empty() const {
    return new_accounts.empty() && accounts.empty() && accepted.empty() && removed.empty() &&
           dead.empty() && revived.empty() && reordered.empty() && purged.empty() && !purged_all &&
           !totals_changed && keys.empty() && keys_expired.empty();
  }
};

}  // namespace strandq
