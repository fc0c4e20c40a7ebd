// Copyright 2026 The strandq Authors.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <queue>
#include <utility>
#include <vector>

namespace strandq {

// IndexedHeap is a binary min-heap of (id, key) pairs, ordered by `Less` on the keys, that
// can also find, change and remove an entry by its id in O(log n). Ids are small dense
// integers (slot numbers); the heap keeps each id's position in a vector indexed by id, so an
// operation allocates only when the heap or the id range grows past anything seen before.
// Not thread-safe.
template <typename Key, typename Less>
class IndexedHeap {
 public:
  static constexpr uint32_t kAbsent = UINT32_MAX;

  explicit IndexedHeap(Less less = Less()) : less_(std::move(less)) {}

  size_t size() const { return heap_.size(); }
  bool empty() const { return heap_.empty(); }
  bool Contains(uint32_t id) const { return id < pos_.size() && pos_[id] != kAbsent; }

  // Preallocates room for ids below `ids` and as many entries.
  void Reserve(size_t ids) {
    heap_.reserve(ids);
    if (pos_.size() < ids) pos_.resize(ids, kAbsent);
  }

  // Adds `id`, which must not be present.
  void Insert(uint32_t id, const Key& key) {
    assert(!Contains(id));
    if (id >= pos_.size()) pos_.resize(id < 8 ? 16 : size_t{id} * 2, kAbsent);
    heap_.push_back({key, id});
    pos_[id] = static_cast<uint32_t>(heap_.size() - 1);
    SiftUp(heap_.size() - 1);
  }

  // Changes the key of `id`, which must be present.
  void Update(uint32_t id, const Key& key) {
    assert(Contains(id));
    const size_t i = pos_[id];
    heap_[i].key = key;
    if (!SiftUp(i)) SiftDown(i);
  }

  // Removes `id`, which must be present.
  void Remove(uint32_t id) {
    assert(Contains(id));
    const size_t i = pos_[id];
    pos_[id] = kAbsent;
    const size_t last = heap_.size() - 1;
    if (i != last) {
      heap_[i] = std::move(heap_[last]);
      pos_[heap_[i].id] = static_cast<uint32_t>(i);
      heap_.pop_back();
      if (!SiftUp(i)) SiftDown(i);
    } else {
      heap_.pop_back();
    }
  }

  // The id with the least key; the heap must not be empty.
  uint32_t Top() const {
    assert(!empty());
    return heap_.front().id;
  }
  const Key& TopKey() const {
    assert(!empty());
    return heap_.front().key;
  }
  const Key& KeyOf(uint32_t id) const {
    assert(Contains(id));
    return heap_[pos_[id]].key;
  }

  // Removes and returns the id with the least key; the heap must not be empty.
  uint32_t Pop() {
    const uint32_t id = Top();
    Remove(id);
    return id;
  }

  // Calls visit(id) for the ids in key order, least first, until it returns false: O(k log k)
  // for k ids visited (a best-first walk of the heap), whatever the heap's size.
  template <typename Visit>
  void VisitInOrder(Visit&& visit) const {
    if (heap_.empty()) return;
    const auto after = [this](size_t a, size_t b) { return less_(heap_[b].key, heap_[a].key); };
    std::priority_queue<size_t, std::vector<size_t>, decltype(after)> frontier(after);
    frontier.push(0);
    while (!frontier.empty()) {
      const size_t i = frontier.top();
      frontier.pop();
      if (!visit(heap_[i].id)) return;
      if (2 * i + 1 < heap_.size()) frontier.push(2 * i + 1);
      if (2 * i + 2 < heap_.size()) frontier.push(2 * i + 2);
    }
  }
  // Calls f(id) for every id, in no particular order.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Node& node : heap_) f(node.id);
  }

  // Pop() then Insert(id, key) in one pass down the heap: returns the id with the least key
  // and puts `id` (not present) in its place. The heap must not be empty.
  uint32_t ReplaceTop(uint32_t id, const Key& key) {
    assert(!empty() && !Contains(id));
    const uint32_t top = Top();
    pos_[top] = kAbsent;
    if (id >= pos_.size()) pos_.resize(id < 8 ? 16 : size_t{id} * 2, kAbsent);
    heap_.front() = {key, id};
    pos_[id] = 0;
    SiftDown(0);
    return top;
  }

 private:
  struct Node {
    Key key;
    uint32_t id;
  };

  // Moves heap_[i] up while it is less than its parent. True if it moved.
  bool SiftUp(size_t i) {
    Node node = std::move(heap_[i]);
    const size_t start = i;
    while (i > 0) {
      const size_t parent = (i - 1) / 2;
      if (!less_(node.key, heap_[parent].key)) break;
      heap_[i] = std::move(heap_[parent]);
      pos_[heap_[i].id] = static_cast<uint32_t>(i);
      i = parent;
    }
    heap_[i] = std::move(node);
    pos_[heap_[i].id] = static_cast<uint32_t>(i);
    return i != start;
  }

  void SiftDown(size_t i) {
    const size_t n = heap_.size();
    Node node = std::move(heap_[i]);
    for (;;) {
      size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && less_(heap_[child + 1].key, heap_[child].key)) ++child;
      if (!less_(heap_[child].key, node.key)) break;
      heap_[i] = std::move(heap_[child]);
      pos_[heap_[i].id] = static_cast<uint32_t>(i);
      i = child;
    }
    heap_[i] = std::move(node);
    pos_[heap_[i].id] = static_cast<uint32_t>(i);
  }

  Less less_;
  std::vector<Node> heap_;
  std::vector<uint32_t> pos_;  // by id: index in heap_, or kAbsent
};

}  // namespace strandq
