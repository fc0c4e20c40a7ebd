// Copyright 2026 The strandq Authors.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "strandq/clock.h"
#include "strandq/store.h"
#include "util/random.h"

namespace strandq::testing {

// Steps of the differential test (store_differential_test.cc): random operations on a Store and
// a runner that applies them and writes down every answer as text, so that two stores given
// the same steps can be compared line by line. Not thread-safe.

inline constexpr int kStepAccounts = 4;  // accounts a0..a3

enum class OpKind {
  kEnqueue,
  kClaim,
  kComplete,
  kExtend,
  kStale,
  kAdvance,
  kReplay,
  kPurge,
  kCompleteMany,
  kEnqueueOnce,
  kRestart,  // close the store and open it again (durable stores; the model: Restart)
  kPause,    // pause (b = 1) or resume (b = 0) account a, then show it with its events
};

// One step. Its numbers are read against the state of the run (the i-th lease held, modulo how
// many are held), so a step still means something when the steps before it are dropped.
struct Op {
  OpKind kind = OpKind::kClaim;
  uint32_t a = 0;
  uint32_t b = 0;
  uint32_t c = 0;
};

inline constexpr int64_t kAdvanceMs[] = {5, 5, 10, 15, 25};

// EnqueueOnce steps use kOnceKeys keys, each with kOnceBatches batches (OnceBatch): a step
// repeats a key with its batch or with another, and the window (30 ms in the differential test)
// ends within a few time steps.
inline constexpr uint32_t kOnceKeys = 3;
inline constexpr uint32_t kOnceBatches = 2;
// The `variant`-th batch of key number `key`: 1 to 3 events on accounts and payloads drawn
// from both, the same every time (the last key's batches differ in their payloads only).
std::vector<NewEvent> OnceBatch(uint32_t key, uint32_t variant);

// The outcomes a step can settle a lease with, by code: ack (twice as likely), nack, permanent
// failure, nack with a retry delay of 0 or 12 ms.
inline constexpr uint32_t kOutcomeCodes = 6;
Outcome OutcomeOf(uint32_t code);
std::string OutcomeName(uint32_t code);

// One line saying what the step does ("complete held#1 nack claim_next").
std::string Describe(const Op& op);

// Swarm testing: each sequence weighs the kinds of step differently (some leave kinds out), so
// some dwell on expiries and replays, others on grants and completions.
// With `restarts`, some steps are kRestart; with `accounts`, some are kPause.
std::vector<Op> Generate(Random& random, size_t length, bool restarts = false,
                         bool accounts = false);

// The grant count a token stands for: the model and MemoryStore put the account's number in
// the low 32 bits, the Redis store counts grants.
using GrantOf = uint64_t (*)(uint64_t token);
inline uint64_t HighWord(uint64_t token) { return token >> 32; }
inline uint64_t Itself(uint64_t token) { return token; }

// What kRestart does to a subject: takes the store and gives back the one that replaces it.
using Restarter = std::function<Result<std::unique_ptr<Store>>(std::unique_ptr<Store>)>;

// Runs steps against one subject and writes down what it answered.
class StepRunner {
 public:
  StepRunner(std::unique_ptr<Store> store, GrantOf grant_of, ManualClock* clock,
             Restarter restarter = nullptr)
      : store_(std::move(store)),
        grant_of_(grant_of),
        clock_(clock),
        start_ns_(clock->WallNs()),
        restarter_(std::move(restarter)) {}

  // Also write down the accounts (Store::ListAccounts) after every step, and their oldest
  // pending event and paused count with the stats.
  void set_accounts(bool accounts) { accounts_ = accounts; }

  // The answer to `op`, then the stats, the dead letters and the accounts after it.
  std::string Step(const Op& op) {
    std::ostringstream out;
    Apply(op, out);
    out << "\n  stats:";
    if (auto stats = store_->Stats(); !stats.ok()) {
      out << " " << stats.status().ToString();
    } else {
      const StoreStats& s = *stats;
      out << " pending=" << s.pending << " accounts=" << s.accounts << " ready=" << s.ready
          << " leased=" << s.leased << " delayed=" << s.delayed << " parked=" << s.parked
          << " dead=" << s.dead << " enqueued=" << s.enqueued << " acked=" << s.acked
          << " nacked=" << s.nacked << " expired=" << s.expired
          << " dead_lettered=" << s.dead_lettered;
      if (accounts_) {
        out << " paused=" << s.paused
            << " oldest=" << (s.oldest_pending_ns == 0 ? "none" : Ms(s.oldest_pending_ns));
      }
    }
    out << "\n  dead:";
    dead_ids_.clear();
    if (auto dead = store_->ListDead(100); !dead.ok()) {
      out << " " << dead.status().ToString();
    } else {
      // Oldest first; the order among those that died at one instant (leases that expired
      // together) is not part of the rules.
      std::stable_sort(dead->begin(), dead->end(), [](const DeadLetter& x, const DeadLetter& y) {
        return x.dead_ns != y.dead_ns ? x.dead_ns < y.dead_ns : x.event.id < y.event.id;
      });
      for (const DeadLetter& d : *dead) {
        dead_ids_.push_back(d.event.id);
        out << " [" << EventText(d.event) << " '" << d.error << "' at " << Ms(d.dead_ns) << "]";
      }
    }
    if (accounts_) ListAccounts(out);
    return out.str();
  }

 private:
  // Every account by backlog, then a filter and an order that change with every step.
  void ListAccounts(std::ostringstream& out) {
    static constexpr std::optional<AccountState> kFilters[] = {
        std::nullopt,           AccountState::kReady,  AccountState::kLeased,
        AccountState::kDelayed, AccountState::kPaused, AccountState::kParked};
    AccountQuery all;
    AccountQuery some;
    some.state = kFilters[steps_ % std::size(kFilters)];
    some.sort = (steps_ / std::size(kFilters)) % 2 ? AccountQuery::Sort::kAge
                                                   : AccountQuery::Sort::kBacklog;
    some.limit = 1 + steps_ % 3;
    ++steps_;
    for (const AccountQuery& query : {all, some}) {
      out << "\n  accounts " << (query.state ? AccountStateName(*query.state) : "all") << " by "
          << (query.sort == AccountQuery::Sort::kAge ? "age" : "backlog") << ":";
      auto infos = store_->ListAccounts(query);
      if (!infos.ok()) return void(out << " " << infos.status().ToString());
      for (const AccountInfo& info : *infos) out << "\n    " << InfoText(info);
    }
  }
  std::string InfoText(const AccountInfo& info) const {
    std::ostringstream out;
    out << info.account << " " << AccountStateName(info.state) << (info.paused ? " paused" : "")
        << (info.parked ? " parked" : "") << " pending " << info.pending << " head "
        << (info.head ? EventText(*info.head) : "none") << " error '" << info.last_error << "' due "
        << (info.due_in.count() + 999) / 1000 << "us";  // Redis keeps whole µs
    if (info.state == AccountState::kLeased) {
      out << " grant " << grant_of_(info.lease_token) << " by " << info.lease_holder;
    }
    return out.str();
  }
  void Pause(const Op& op, std::ostringstream& out) {
    const std::string account = "a" + std::to_string(op.a % kStepAccounts);
    auto info = store_->SetPaused(account, op.b != 0);
    if (!info.ok()) return void(out << CodeName(info.status().code()));
    out << InfoText(*info);
    auto detail = store_->GetAccount(account, op.c % 3, 2);
    if (!detail.ok()) return void(out << " " << detail.status().ToString());
    out << "\n  events:";
    for (const Event& e : detail->events) out << " [" << EventText(e) << "]";
  }

  void Apply(const Op& op, std::ostringstream& out) {
    switch (op.kind) {
      case OpKind::kEnqueue: {
        std::vector<NewEvent> batch;
        for (uint32_t i = 0; i < op.a; ++i) {
          batch.push_back({"a" + std::to_string((op.b >> (3 * i)) % kStepAccounts),
                           "p" + std::to_string(++payloads_)});
        }
        auto receipts = store_->Enqueue(batch);
        if (!receipts.ok()) return void(out << receipts.status().ToString());
        for (const EnqueueReceipt& r : *receipts) out << " #" << r.id << "/" << r.seq;
        return;
      }
      case OpKind::kClaim: {
        auto leases = store_->Claim(op.a, std::chrono::nanoseconds(0));
        if (!leases.ok()) return void(out << leases.status().ToString());
        for (Lease& lease : *leases) Hold(std::move(lease), out);
        return;
      }
      case OpKind::kComplete:
        if (held_.empty()) return void(out << "(no lease)");
        return Complete(Take(held_, op.a), OutcomeOf(op.b), op.c != 0, out);
      case OpKind::kCompleteMany:
        return CompleteMany(op, out);
      case OpKind::kEnqueueOnce: {
        const std::vector<NewEvent> batch = OnceBatch(op.a, op.b);
        auto result = store_->EnqueueOnce("key-" + std::to_string(op.a), batch);
        if (!result.ok()) return void(out << CodeName(result.status().code()));
        for (const EnqueueReceipt& r : result->receipts) out << " #" << r.id << "/" << r.seq;
        if (result->replayed) out << " replayed";
        return;
      }
      case OpKind::kExtend: {
        if (held_.empty()) return void(out << "(no lease)");
        Lease& lease = held_[op.a % held_.size()];
        Status s = store_->Extend(lease);
        out << (s.ok() ? "extended to " + Ms(lease.deadline_ns) : std::string(CodeName(s.code())));
        return;
      }
      case OpKind::kStale: {
        if (retired_.empty()) return void(out << "(no retired lease)");
        Lease lease = retired_[op.a % retired_.size()];
        if (op.b < 2) return Complete(std::move(lease), OutcomeOf(op.b * 2), false, out);
        Status s = store_->Extend(lease);
        out << (s.ok() ? "extended to " + Ms(lease.deadline_ns) : std::string(CodeName(s.code())));
        return;
      }
      case OpKind::kAdvance:
        clock_->Advance(kAdvanceMs[op.a] * 1'000'000);
        return void(out << "now " << Ms(clock_->WallNs()));
      case OpKind::kRestart:
        return Restart(out);
      case OpKind::kPause:
        return Pause(op, out);
      case OpKind::kReplay:
      case OpKind::kPurge: {
        std::vector<uint64_t> ids;
        for (size_t i = 0; i < dead_ids_.size() && i < 32; ++i) {
          if ((op.a >> i) & 1) ids.push_back(dead_ids_[i]);
        }
        if (op.kind == OpKind::kPurge && op.a != 0 && ids.empty()) return void(out << "(none)");
        auto n = op.kind == OpKind::kReplay
                     ? store_->ReplayDead(ids, op.b != 0 ? ReplayAt::kTail : ReplayAt::kHead)
                     : store_->PurgeDead(ids);
        out << (n.ok() ? std::to_string(*n) : n.status().ToString());
        return;
      }
    }
  }

  // Every lease held ends with the restart: they are kept as stale ones.
  void Restart(std::ostringstream& out) {
    if (!restarter_) return void(out << "(no restarts)");
    for (Lease& lease : held_) Retire(std::move(lease));
    held_.clear();
    auto restarted = restarter_(std::move(store_));
    if (!restarted.ok()) return void(out << "restart failed: " << restarted.status().ToString());
    store_ = std::move(*restarted);
    out << "restarted";
  }

  void Complete(Lease lease, const Outcome& outcome, bool claim_next, std::ostringstream& out) {
    auto result = store_->Complete(lease, outcome, claim_next ? ClaimNext::kYes : ClaimNext::kNo);
    Retire(std::move(lease));
    Describe(result, out);
  }

  // Writes the disposition and takes the next lease, if any.
  void Describe(Result<CompleteResult>& result, std::ostringstream& out) {
    if (!result.ok()) return void(out << CodeName(result.status().code()));
    static constexpr const char* kNames[] = {"acked", "retrying", "dead"};
    out << kNames[static_cast<int>(result->disposition)];
    if (result->next) {
      out << " next";
      Hold(std::move(*result->next), out);
    }
  }

  // Settles op.b held leases from the op.a-th on, the i-th with the outcome of code digit i of
  // op.c / 2 in base kOutcomeCodes, with claim_next if op.c is odd; a stale lease joins them
  // when one is at hand.
  void CompleteMany(const Op& op, std::ostringstream& out) {
    std::vector<Settlement> batch;
    uint32_t codes = op.c / 2;
    for (uint32_t i = 0; i < op.b && !held_.empty(); ++i, codes /= kOutcomeCodes) {
      batch.push_back({Take(held_, op.a), OutcomeOf(codes % kOutcomeCodes)});
    }
    if (!retired_.empty()) batch.push_back({retired_[op.a % retired_.size()], Outcome::Ack()});
    auto results = store_->CompleteMany(batch, op.c % 2 != 0 ? ClaimNext::kYes : ClaimNext::kNo);
    for (size_t i = 0; i < batch.size(); ++i) {
      out << " (";
      Describe(results[i], out);
      out << ")";
    }
    for (Settlement& s : batch) Retire(std::move(s.lease));
  }

  void Hold(Lease lease, std::ostringstream& out) {
    out << " [" << EventText(lease.event) << " grant " << grant_of_(lease.token) << " until "
        << Ms(lease.deadline_ns) << "]";
    held_.push_back(std::move(lease));
  }
  void Retire(Lease lease) {
    retired_.push_back(std::move(lease));
    if (retired_.size() > 6) retired_.erase(retired_.begin());
  }
  static Lease Take(std::vector<Lease>& leases, uint32_t i) {
    auto it = leases.begin() + static_cast<std::ptrdiff_t>(i % leases.size());
    Lease lease = std::move(*it);
    leases.erase(it);
    return lease;
  }
  std::string EventText(const Event& e) const {
    return e.account + " #" + std::to_string(e.id) + "/" + std::to_string(e.seq) + " " + e.payload +
           " attempt " + std::to_string(e.attempt) + " replay " + std::to_string(e.replay) +
           " from " + Ms(e.enqueued_ns);
  }
  // Nanoseconds since the run began, in ms with a fraction.
  std::string Ms(int64_t ns) const {
    const int64_t d = ns - start_ns_;
    return std::to_string(d / 1'000'000) + "." + std::to_string(d % 1'000'000) + "ms";
  }

  std::unique_ptr<Store> store_;
  GrantOf grant_of_;
  ManualClock* clock_;
  const int64_t start_ns_;
  std::vector<Lease> held_;
  std::vector<Lease> retired_;
  std::vector<uint64_t> dead_ids_;  // as of the last step's ListDead
  uint64_t payloads_ = 0;
  Restarter restarter_;
  bool accounts_ = false;
  size_t steps_ = 0;
};

}  // namespace strandq::testing
