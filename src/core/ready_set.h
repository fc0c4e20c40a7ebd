// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>

#include "core/indexed_heap.h"
#include "strandq/options.h"

namespace strandq {

// ReadySet is the set of accounts that wait for a worker, ordered by the dispatch policy:
// kLongest puts the account with the most pending events first (ties to the smaller head
// event id), kOldest the account with the smallest head event id. Accounts are named by slot
// numbers (small dense integers) chosen by the caller. Every operation is O(log n) and
// allocates nothing once the set and the slot range have reached their largest size.
// Not thread-safe.
class ReadySet {
 public:
  explicit ReadySet(Policy policy);

  Policy policy() const { return policy_; }
  size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  bool Contains(uint32_t slot) const { return heap_.Contains(slot); }
  // Preallocates room for slots below `slots`.
  void Reserve(size_t slots) { heap_.Reserve(slots); }

  // Adds `slot` (not present) with its pending count (>= 1) and the id of its head event.
  void Insert(uint32_t slot, uint64_t pending, uint64_t head_id);
  // Changes the key of `slot` (present) after its pending count or its head changed.
  void Update(uint32_t slot, uint64_t pending, uint64_t head_id);
  // Removes `slot` (present).
  void Remove(uint32_t slot);

  // The account the policy picks next; the set must not be empty.
  uint32_t Top() const { return heap_.Top(); }
  // Removes and returns Top(); the set must not be empty.
  uint32_t Pop();
  // Insert(slot, ...) then Pop(), in one pass: returns `slot` itself without touching the set
  // when it would come first, else Top() after putting `slot` in its place.
  uint32_t PushPop(uint32_t slot, uint64_t pending, uint64_t head_id);

 private:
  struct Key {
    uint64_t pending;
    uint64_t head_id;
  };
  // "a goes first": the heap's less-than.
  struct First {
    Policy policy;
    bool operator()(const Key& a, const Key& b) const {
      if (policy == Policy::kLongest && a.pending != b.pending) return a.pending > b.pending;
      return a.head_id < b.head_id;
    }
  };

  Policy policy_;
  IndexedHeap<Key, First> heap_;
};

}  // namespace strandq
