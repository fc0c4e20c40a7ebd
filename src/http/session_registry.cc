// Copyright 2026 The strandq Authors.
#include "http/session_registry.h"

#include <vector>

#include "http/session.h"

namespace strandq::http {
namespace {

// Strong references to the live sessions, taken under the lock and used outside it (a
// session's methods post to its strand and never call back into the registry synchronously,
// but its destructor does, and that must not happen while mu_ is held).
template <typename Map>
std::vector<std::shared_ptr<Session>> Lock(const Map& live) {
  std::vector<std::shared_ptr<Session>> sessions;
  for (const auto& [raw, weak] : live) {
    if (auto s = weak.lock()) sessions.push_back(std::move(s));
  }
  return sessions;
}

}  // namespace

bool SessionRegistry::Add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mu_);
  if (draining_) return false;
  live_.emplace(session.get(), session);
  return true;
}

void SessionRegistry::Remove(Session* session) {
  std::lock_guard lock(mu_);
  live_.erase(session);
  if (live_.empty()) empty_.notify_all();
}

void SessionRegistry::DrainAll() {
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(mu_);
    draining_ = true;
    sessions = Lock(live_);
  }
  for (auto& s : sessions) s->Drain();
}

void SessionRegistry::CloseAll() {
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(mu_);
    sessions = Lock(live_);
  }
  for (auto& s : sessions) s->ForceClose();
}

bool SessionRegistry::WaitEmpty(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return empty_.wait_until(lock, deadline, [this] { return live_.empty(); });
}

}  // namespace strandq::http
