// Copyright 2026 The strandq Authors.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace strandq {

// ChunkedFifo is a FIFO queue of T kept in a singly linked list of chunks. Chunk capacity
// doubles from kFirstCapacity up to kMaxCapacity slots, so a queue of one or two elements
// costs one small allocation and a long queue wastes at most one chunk; an empty queue holds
// no memory (unlike std::deque, which allocates over 500 bytes even when empty). Elements
// never move once stored. push_front is supported for the rare re-insertion at the head.
// Not thread-safe.
template <typename T>
class ChunkedFifo {
 public:
  static constexpr uint32_t kFirstCapacity = 2;
  static constexpr uint32_t kMaxCapacity = 256;

  ChunkedFifo() = default;
  ~ChunkedFifo() { clear(); }
  ChunkedFifo(const ChunkedFifo&) = delete;
  ChunkedFifo& operator=(const ChunkedFifo&) = delete;
  ChunkedFifo(ChunkedFifo&& other) noexcept { Take(other); }
  ChunkedFifo& operator=(ChunkedFifo&& other) noexcept {
    if (this != &other) {
      clear();
      Take(other);
    }
    return *this;
  }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  // The first element. One memory access away from this object: the head chunk's header is
  // not read.
  T& front() {
    assert(!empty());
    return head_->slots()[head_begin_];
  }
  const T& front() const {
    assert(!empty());
    return head_->slots()[head_begin_];
  }

  // Asks the CPU to start loading the second element, which becomes the front after the next
  // pop_front(). A hint only; does nothing when there is no second element.
  void PrefetchSecond() const {
    if (size_ < 2) return;
    if (head_begin_ + 1 < EndOf(head_)) {
      __builtin_prefetch(&head_->slots()[head_begin_ + 1]);
    } else {
      __builtin_prefetch(head_->next->slots());
    }
  }

  void push_back(T&& value) {
    if (tail_ == nullptr || tail_end_ == tail_->capacity) {
      Chunk* chunk = NewChunk(NextCapacity());
      if (tail_ == nullptr) {
        head_ = chunk;
        head_begin_ = 0;
      } else {
        tail_->next = chunk;
      }
      tail_ = chunk;
      tail_end_ = 0;
    }
    new (&tail_->slots()[tail_end_]) T(std::move(value));
    ++tail_end_;
    ++size_;
  }

  void push_front(T&& value) {
    if (head_ == nullptr || head_begin_ == 0) {
      Chunk* chunk = NewChunk(kFirstCapacity);
      chunk->next = head_;
      if (tail_ == nullptr) {
        tail_ = chunk;
        tail_end_ = kFirstCapacity;
      }
      head_ = chunk;
      head_begin_ = kFirstCapacity;
    }
    --head_begin_;
    new (&head_->slots()[head_begin_]) T(std::move(value));
    ++size_;
  }

  void pop_front() {
    assert(!empty());
    head_->slots()[head_begin_].~T();
    ++head_begin_;
    --size_;
    if (head_begin_ == EndOf(head_)) {
      Chunk* done = head_;
      head_ = done->next;
      head_begin_ = 0;
      if (head_ == nullptr) {
        tail_ = nullptr;
        tail_end_ = 0;
      }
      FreeChunk(done);
    }
  }

  void clear() {
    while (head_ != nullptr) {
      Chunk* chunk = head_;
      for (uint32_t i = head_begin_, end = EndOf(chunk); i < end; ++i) chunk->slots()[i].~T();
      head_ = chunk->next;
      head_begin_ = 0;
      FreeChunk(chunk);
    }
    tail_ = nullptr;
    tail_end_ = 0;
    size_ = 0;
  }

  // Calls f(const T&) for each element, front to back.
  template <typename F>
  void ForEach(F&& f) const {
    uint32_t begin = head_begin_;
    for (const Chunk* c = head_; c != nullptr; c = c->next, begin = 0) {
      for (uint32_t i = begin, end = EndOf(c); i < end; ++i) f(c->slots()[i]);
    }
  }

 private:
  // Only the head chunk can start after slot 0 and only the tail chunk can end before its
  // capacity; both bounds are kept here, not in the chunks.
  struct Chunk {
    Chunk* next;
    uint32_t capacity;

    T* slots() { return reinterpret_cast<T*>(reinterpret_cast<std::byte*>(this) + kHeader); }
    const T* slots() const {
      return reinterpret_cast<const T*>(reinterpret_cast<const std::byte*>(this) + kHeader);
    }
  };
  // Slots start after the header, rounded up to T's alignment.
  static constexpr size_t kHeader = (sizeof(Chunk) + alignof(T) - 1) / alignof(T) * alignof(T);
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);

  uint32_t EndOf(const Chunk* chunk) const { return chunk == tail_ ? tail_end_ : chunk->capacity; }

  uint32_t NextCapacity() const {
    return tail_ == nullptr ? kFirstCapacity : std::min(kMaxCapacity, tail_->capacity * 2);
  }

  static Chunk* NewChunk(uint32_t capacity) {
    void* raw = ::operator new (kHeader + size_t{capacity} * sizeof(T));
    return new (raw) Chunk{nullptr, capacity};
  }

  static void FreeChunk(Chunk* chunk) {
    chunk->~Chunk();
    ::operator delete(chunk);
  }

  void Take(ChunkedFifo& other) {
    head_ = std::exchange(other.head_, nullptr);
    tail_ = std::exchange(other.tail_, nullptr);
    head_begin_ = std::exchange(other.head_begin_, 0);
    tail_end_ = std::exchange(other.tail_end_, 0);
    size_ = std::exchange(other.size_, 0);
  }

  Chunk* head_ = nullptr;
  Chunk* tail_ = nullptr;
  uint32_t head_begin_ = 0;  // first live slot of head_
  uint32_t tail_end_ = 0;    // one past the last live slot of tail_
  size_t size_ = 0;
};

}  // namespace strandq
