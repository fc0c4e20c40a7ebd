// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace strandq::http {

class Session;

// The live sessions of a server, so that a drain can reach them. Thread-safe. Holds weak
// references: a session's lifetime stays with its pending operations.
class SessionRegistry {
 public:
  // False once DrainAll was called: the caller drops the session (its socket closes).
  bool Add(const std::shared_ptr<Session>& session);
  void Remove(Session* session);  // from the session's destructor
  // Stops admitting sessions and asks every live one to drain.
  void DrainAll();
  // Closes the sockets of the sessions still alive.
  void CloseAll();
  // Waits until no session is alive or until `deadline`; true if none is.
  bool WaitEmpty(std::chrono::steady_clock::time_point deadline);

 private:
  std::mutex mu_;
  std::condition_variable empty_;
  bool draining_ = false;                                      // guarded by mu_
  std::unordered_map<Session*, std::weak_ptr<Session>> live_;  // guarded by mu_
};

}  // namespace strandq::http
