// Copyright 2026 The strandq Authors.
#include "core/ready_set.h"

namespace strandq {

ReadySet::ReadySet(Policy policy) : policy_(policy), heap_(First{policy}) {}

void ReadySet::Insert(uint32_t slot, uint64_t pending, uint64_t head_id) {
  heap_.Insert(slot, {pending, head_id});
}

void ReadySet::Update(uint32_t slot, uint64_t pending, uint64_t head_id) {
  heap_.Update(slot, {pending, head_id});
}

void ReadySet::Remove(uint32_t slot) { heap_.Remove(slot); }

uint32_t ReadySet::Pop() { return heap_.Pop(); }

uint32_t ReadySet::PushPop(uint32_t slot, uint64_t pending, uint64_t head_id) {
  const Key key{pending, head_id};
  if (heap_.empty() || !First{policy_}(heap_.TopKey(), key)) return slot;
  return heap_.ReplaceTop(slot, key);
}

}  // namespace strandq
