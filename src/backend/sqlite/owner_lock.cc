// Copyright 2026 The strandq Authors.
#include "backend/sqlite/owner_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

namespace strandq {

namespace {

// The pid written in the lock file, or "an unknown process".
std::string OwnerOf(int fd) {
  char buffer[32] = {};
  const ssize_t n = pread(fd, buffer, sizeof(buffer) - 1, 0);
  std::string pid;
  for (ssize_t i = 0; i < n && buffer[i] >= '0' && buffer[i] <= '9'; ++i) pid += buffer[i];
  return pid.empty() ? "an unknown process" : "pid " + pid;
}

}  // namespace

Result<OwnerLock> OwnerLock::Acquire(const std::string& database_path) {
  // Beside the file itself, so that two names of one database (a symlink, another relative
  // path) meet at one lock.
  std::error_code error;
  const std::filesystem::path real = std::filesystem::weakly_canonical(database_path, error);
  const std::string path = (error ? database_path : real.string()) + ".lock";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Status::Unavailable("cannot create the lock file " + path + ": " + std::strerror(errno));
  }
  OwnerLock lock(fd);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return Status::Unavailable("cannot lock " + path + ": " + std::strerror(errno));
    }
    return Status::Unavailable(
        "sqlite:" + database_path + " is in use by " + OwnerOf(fd) +
        ": one process owns a database. Stop that process first (SIGTERM: it finishes what it "
        "holds), or reach the database through it (strandq serve answers GET /v1/stats, "
        "/v1/accounts and /v1/dead, and POST /v1/events); processes that share a queue need "
        "--store redis://");
  }
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) < 0) {
    return Status::Unavailable("cannot write " + path + ": " + std::strerror(errno));
  }
  return lock;
}

OwnerLock& OwnerLock::operator=(OwnerLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

OwnerLock::~OwnerLock() {
  if (fd_ >= 0) close(fd_);  // releases the flock
}

}  // namespace strandq
