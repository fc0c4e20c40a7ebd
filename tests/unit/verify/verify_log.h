// Copyright 2026 The strandq Authors.
// Test helpers for the verifier: logs built in the domain's words.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "strandq/verifier.h"
#include "strandq/workload.h"

namespace strandq {

using Outcome = AttemptRecord::Outcome;

constexpr int64_t kT0 = 1'764'180'000'000'000'000;  // all events are enqueued at kT0
constexpr int64_t kMs = 1'000'000;

// Builds logs in the domain's words: times in milliseconds after kT0.
class Log {
 public:
  // Adds one attempt line. The id defaults to a stable number per (account, seq).
  Log& Attempt(const std::string& account, uint64_t seq, uint32_t attempt, int64_t start_ms,
               int64_t end_ms, Outcome outcome = Outcome::kAck, const std::string& worker = "w1",
               uint64_t id = 0) {
    AttemptRecord r;
    r.id = id != 0 ? id : IdOf(account, seq);
    r.account = account;
    r.seq = seq;
    r.attempt = attempt;
    r.worker = worker;
    r.enqueued_ns = kT0;
    r.start_ns = kT0 + start_ms * kMs;
    r.end_ns = kT0 + end_ms * kMs;
    r.outcome = outcome;
    if (outcome != Outcome::kAck) r.error = "failed";
    records_.push_back(r);
    return *this;
  }
  Log& Ack(const std::string& account, uint64_t seq, int64_t start_ms, int64_t end_ms,
           const std::string& worker = "w1") {
    return Attempt(account, seq, 1, start_ms, end_ms, Outcome::kAck, worker);
  }

  // The last line added belongs to delivery series `replay` (replayed from the dead letters).
  Log& Replay(uint32_t replay) {
    records_.back().replay = replay;
    return *this;
  }
  // The last line added was written before its store call and never confirmed.
  Log& Unconfirmed() {
    records_.back().unconfirmed = true;
    return *this;
  }

  std::vector<AttemptRecord>& records() { return records_; }
  VerifyReport Verify(const VerifyOptions& options = {}) const {
    return strandq::Verify(records_, options);
  }

 private:
  uint64_t IdOf(const std::string& account, uint64_t seq) {
    auto [it, added] = ids_.try_emplace({account, seq}, ids_.size() + 1);
    return it->second;
  }

  std::map<std::pair<std::string, uint64_t>, uint64_t> ids_;
  std::vector<AttemptRecord> records_;
};

// The kinds of the report's violations, in order, for compact expectations.
inline std::vector<std::string> Kinds(const VerifyReport& report) {
  std::vector<std::string> kinds;
  for (const Violation& v : report.violations) kinds.push_back(v.kind);
  return kinds;
}

inline std::string Details(const VerifyReport& report) { return FormatVerifyReport(report); }

// An input of `count` events for each account.
inline std::vector<WorkloadEvent> Input(
    std::initializer_list<std::pair<const char*, int>> accounts) {
  std::vector<WorkloadEvent> input;
  for (const auto& [account, count] : accounts) {
    for (int seq = 1; seq <= count; ++seq) {
      input.push_back({account, static_cast<uint64_t>(seq), ""});
    }
  }
  return input;
}

}  // namespace strandq
