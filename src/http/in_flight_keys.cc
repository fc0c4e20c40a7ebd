// Copyright 2026 The strandq Authors.
#include "http/in_flight_keys.h"

namespace strandq::http {

InFlightKeys::Hold::~Hold() {
  if (owner_ == nullptr) return;
  std::lock_guard lock(owner_->mu_);
  owner_->keys_.erase(key_);
}

std::optional<InFlightKeys::Hold> InFlightKeys::TryHold(std::string_view key) {
  std::string owned(key);
  {
    std::lock_guard lock(mu_);
    if (!keys_.insert(owned).second) return std::nullopt;
  }
  return Hold(*this, std::move(owned));
}

size_t InFlightKeys::size() const {
  std::lock_guard lock(mu_);
  return keys_.size();
}

}  // namespace strandq::http
