// Copyright 2026 The strandq Authors.
#pragma once

#include <string>

#include "strandq/result.h"

namespace strandq {

// OwnerLock makes one process the owner of a database: an exclusive flock on PATH.lock (PATH
// with its symlinks resolved), which holds the owner's pid. The lock ends with the object or with
// the process (a crash frees it). Not copyable; any thread.
class OwnerLock {
 public:
  // Unavailable naming the owner's pid when another process holds it; Unavailable when the
  // lock file cannot be created.
  static Result<OwnerLock> Acquire(const std::string& database_path);

  OwnerLock(OwnerLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  OwnerLock& operator=(OwnerLock&& other) noexcept;
  OwnerLock(const OwnerLock&) = delete;
  OwnerLock& operator=(const OwnerLock&) = delete;
  ~OwnerLock();

 private:
  explicit OwnerLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace strandq
