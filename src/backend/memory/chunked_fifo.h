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
  ChunkedFifo(ChunkedFifo&& other) noexcept
      : head_(std::exchange(other.head_, nullptr)),
        tail_(std::exchange(other.tail_, nullptr)),
        size_(std::exchange(other.size_, 0)) {}
  ChunkedFifo& operator=(ChunkedFifo&& other) noexcept {
    if (this != &other) {
      clear();
      head_ = std::exchange(other.head_, nullptr);
      tail_ = std::exchange(other.tail_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  T& front() {
    assert(!empty());
    return head_->slots()[head_->begin];
  }
  const T& front() const {
    assert(!empty());
    return head_->slots()[head_->begin];
  }

  void push_back(T&& value) {
    if (tail_ == nullptr || tail_->end == tail_->capacity) {
      Chunk* chunk = NewChunk(NextCapacity(), 0);
      if (tail_ == nullptr) {
        head_ = chunk;
      } else {
        tail_->next = chunk;
      }
      tail_ = chunk;
    }
    new (&tail_->slots()[tail_->end]) T(std::move(value));
    ++tail_->end;
    ++size_;
  }

  void push_front(T&& value) {
    if (head_ == nullptr || head_->begin == 0) {
      Chunk* chunk = NewChunk(kFirstCapacity, kFirstCapacity);
      chunk->next = head_;
      head_ = chunk;
      if (tail_ == nullptr) tail_ = chunk;
    }
    --head_->begin;
    new (&head_->slots()[head_->begin]) T(std::move(value));
    ++size_;
  }

  void pop_front() {
    assert(!empty());
    head_->slots()[head_->begin].~T();
    ++head_->begin;
    --size_;
    if (head_->begin == head_->end) {
      Chunk* done = head_;
      head_ = done->next;
      if (head_ == nullptr) tail_ = nullptr;
      FreeChunk(done);
    }
  }

  void clear() {
    while (head_ != nullptr) {
      Chunk* chunk = head_;
      for (uint32_t i = chunk->begin; i < chunk->end; ++i) chunk->slots()[i].~T();
      head_ = chunk->next;
      FreeChunk(chunk);
    }
    tail_ = nullptr;
    size_ = 0;
  }

  // Calls f(const T&) for each element, front to back.
  template <typename F>
  void ForEach(F&& f) const {
    for (const Chunk* c = head_; c != nullptr; c = c->next) {
      for (uint32_t i = c->begin; i < c->end; ++i) f(c->slots()[i]);
    }
  }

 private:
  struct Chunk {
    Chunk* next;
    uint32_t capacity;
    uint32_t begin;  // first live slot
    uint32_t end;    // one past the last live slot

    T* slots() { return reinterpret_cast<T*>(reinterpret_cast<std::byte*>(this) + kHeader); }
    const T* slots() const {
      return reinterpret_cast<const T*>(reinterpret_cast<const std::byte*>(this) + kHeader);
    }
  };
  // Slots start after the header, rounded up to T's alignment.
  static constexpr size_t kHeader = (sizeof(Chunk) + alignof(T) - 1) / alignof(T) * alignof(T);
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);

  uint32_t NextCapacity() const {
    return tail_ == nullptr ? kFirstCapacity : std::min(kMaxCapacity, tail_->capacity * 2);
  }

  static Chunk* NewChunk(uint32_t capacity, uint32_t at) {
    void* raw = ::operator new (kHeader + size_t{capacity} * sizeof(T));
    return new (raw) Chunk{nullptr, capacity, at, at};
  }

  static void FreeChunk(Chunk* chunk) {
    chunk->~Chunk();
    ::operator delete(chunk);
  }

  Chunk* head_ = nullptr;
  Chunk* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace strandq
