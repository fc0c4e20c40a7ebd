// Copyright 2026 The strandq Authors.
// The differential test: random sequences of store operations (enqueue batches, claims,
// completions with ack or nack, with or without claim_next, extensions, stale tokens, time
// stepping past deadlines and delays, replays at head or tail, purges) run against the
// StoreModel (core/store_model.h, the rules) and against each store, on one hand-stepped clock.
// After every step the store's answer, its stats and its dead letters must be the model's: which
// accounts are granted (policy order), events, attempts, tokens (as the account's grant count),
// deadlines, dispositions, dead letters. Seeded; a failing sequence is shrunk to the shortest
// one that still fails, which is printed with both answers at the step where they part.
//
// Time steps are whole milliseconds of at least 5 ms: a Redis completion runs its expiries
// only when none ran in the last 5 ms (redis-protocol.md), which the model does not state, and
// Redis rounds retry delays up to whole microseconds.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "backend/memory/memory_store.h"
#include "backend/redis/redis_store.h"
#include "backend/redis/redis_url.h"
#include "core/store_model.h"
#include "strandq/clock.h"
#include "strandq/store.h"
#include "testutil/redis_server.h"
#include "util/random.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;

constexpr uint64_t kJitterSeed = 42;
constexpr int kAccounts = 4;

// ---- Operations ----

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
};

// One step. Its numbers are read against the state of the run (the i-th lease held, modulo how
// many are held), so a step still means something when the steps before it are dropped.
struct Op {
  OpKind kind = OpKind::kClaim;
  uint32_t a = 0;
  uint32_t b = 0;
  uint32_t c = 0;
};

constexpr int64_t kAdvanceMs[] = {5, 5, 10, 15, 25};

std::string Describe(const Op& op) {
  std::ostringstream out;
  switch (op.kind) {
    case OpKind::kEnqueue:
      out << "enqueue [";
      for (uint32_t i = 0; i < op.a; ++i)
        out << (i ? " " : "") << "a" << (op.b >> (3 * i)) % kAccounts;
      out << "]";
      break;
    case OpKind::kClaim:
      out << "claim " << op.a;
      break;
    case OpKind::kComplete:
      out << "complete held#" << op.a << (op.b == 0 ? " ack" : " nack")
          << (op.c ? " claim_next" : "");
      break;
    case OpKind::kExtend:
      out << "extend held#" << op.a;
      break;
    case OpKind::kStale:
      out << "stale retired#" << op.a << (op.b == 0 ? " ack" : op.b == 1 ? " nack" : " extend");
      break;
    case OpKind::kAdvance:
      out << "advance " << kAdvanceMs[op.a] << " ms";
      break;
    case OpKind::kReplay:
      out << "replay dead mask " << op.a << (op.b ? " at tail" : " at head");
      break;
    case OpKind::kCompleteMany:
      out << "complete " << op.b << " held from #" << op.a << " nack mask " << (op.c & 7)
          << ((op.c & 8) ? " claim_next" : "");
      break;
    case OpKind::kPurge:
      out << "purge " << (op.a == 0 ? std::string("all") : "dead mask " + std::to_string(op.a));
      break;
  }
  return out.str();
}

// Swarm testing: each sequence weighs the kinds of step differently (some leave kinds out), so
// some dwell on expiries and replays, others on grants and completions.
std::vector<Op> Generate(Random& random, size_t length) {
  constexpr size_t kKinds = 9;
  uint64_t weights[kKinds];
  uint64_t total = 0;
  for (size_t k = 0; k < kKinds; ++k) {
    weights[k] = random.Uniform(8);
    if (k <= static_cast<size_t>(OpKind::kComplete)) weights[k] += 2;  // enqueue, claim, complete
    total += weights[k];
  }
  const auto r32 = [&](uint64_t bound) { return static_cast<uint32_t>(random.Uniform(bound)); };
  std::vector<Op> ops;
  for (size_t i = 0; i < length; ++i) {
    uint64_t roll = random.Uniform(total);
    size_t kind = 0;
    while (roll >= weights[kind]) roll -= weights[kind++];
    switch (static_cast<OpKind>(kind)) {
      case OpKind::kEnqueue:
        ops.push_back({OpKind::kEnqueue, 1 + r32(4), r32(1 << 12)});
        break;
      case OpKind::kClaim:
        ops.push_back({OpKind::kClaim, 1 + r32(3)});
        break;
      case OpKind::kComplete:
        ops.push_back({OpKind::kComplete, r32(4), r32(2), r32(2)});
        break;
      case OpKind::kExtend:
        ops.push_back({OpKind::kExtend, r32(4)});
        break;
      case OpKind::kStale:
        ops.push_back({OpKind::kStale, r32(4), r32(3)});
        break;
      case OpKind::kAdvance:
        ops.push_back({OpKind::kAdvance, r32(std::size(kAdvanceMs))});
        break;
      case OpKind::kReplay:
        ops.push_back({OpKind::kReplay, 1 + r32(15), r32(2)});
        break;
      case OpKind::kPurge:
        ops.push_back({OpKind::kPurge, r32(4)});
        break;
      case OpKind::kCompleteMany:
        ops.push_back({OpKind::kCompleteMany, r32(4), 2 + r32(2), r32(16)});
        break;
    }
  }
  return ops;
}

// ---- Subjects: the model, or a store, with the leases its runner holds ----

// The model as a Store (never blocks), on the run's clock.
class ModelStore final : public Store {
 public:
  ModelStore(const EngineOptions& options, Clock* clock)
      : clock_(clock), model_(options, kJitterSeed) {}
  Result<std::vector<EnqueueReceipt>> Enqueue(std::span<const NewEvent> batch) override {
    std::vector<std::string> payloads;
    for (const NewEvent& e : batch) payloads.push_back(e.payload);
    return model_.Enqueue(batch, std::move(payloads), Now());
  }
  Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds) override {
    return model_.Claim(max, Now());
  }
  Result<CompleteResult> Complete(const Lease& lease, const Outcome& outcome,
                                  bool claim_next) override {
    return model_.Complete(lease, outcome, claim_next, Now());
  }
  std::vector<Result<CompleteResult>> CompleteMany(std::span<const Settlement> settlements,
                                                   bool claim_next) override {
    return model_.CompleteMany(settlements, claim_next, Now());
  }
  Status Extend(Lease& lease) override { return model_.Extend(lease, Now()); }
  Result<StoreStats> Stats() override { return model_.Stats(Now()); }
  Result<std::vector<DeadLetter>> ListDead(size_t limit) override {
    return model_.ListDead(limit, Now());
  }
  Result<size_t> ReplayDead(std::span<const uint64_t> ids, bool at_tail) override {
    return model_.ReplayDead(ids, at_tail, Now());
  }
  Result<size_t> PurgeDead(std::span<const uint64_t> ids) override {
    return model_.PurgeDead(ids, Now());
  }
  void Interrupt() override {}

 private:
  ModelTime Now() { return {clock_->MonotonicNs(), clock_->WallNs()}; }
  Clock* clock_;
  StoreModel model_;
};

// The grant count a token stands for: the model and MemoryStore put the account's number in
// the low 32 bits, the Redis store counts grants.
using GrantOf = uint64_t (*)(uint64_t token);
uint64_t HighWord(uint64_t token) { return token >> 32; }
uint64_t Itself(uint64_t token) { return token; }

// Runs steps against one subject and writes down what it answered.
class Runner {
 public:
  Runner(std::unique_ptr<Store> store, GrantOf grant_of, ManualClock* clock)
      : store_(std::move(store)), grant_of_(grant_of), clock_(clock), start_ns_(clock->WallNs()) {}

  // The answer to `op`, then the stats and the dead letters after it.
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
    return out.str();
  }

 private:
  void Apply(const Op& op, std::ostringstream& out) {
    switch (op.kind) {
      case OpKind::kEnqueue: {
        std::vector<NewEvent> batch;
        for (uint32_t i = 0; i < op.a; ++i) {
          batch.push_back({"a" + std::to_string((op.b >> (3 * i)) % kAccounts),
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
        return Complete(Take(held_, op.a), op.b == 0, op.c != 0, out);
      case OpKind::kCompleteMany:
        return CompleteMany(op, out);
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
        if (op.b < 2) return Complete(std::move(lease), op.b == 0, false, out);
        Status s = store_->Extend(lease);
        out << (s.ok() ? "extended to " + Ms(lease.deadline_ns) : std::string(CodeName(s.code())));
        return;
      }
      case OpKind::kAdvance:
        clock_->Advance(kAdvanceMs[op.a] * 1'000'000);
        return void(out << "now " << Ms(clock_->WallNs()));
      case OpKind::kReplay:
      case OpKind::kPurge: {
        std::vector<uint64_t> ids;
        for (size_t i = 0; i < dead_ids_.size() && i < 32; ++i) {
          if ((op.a >> i) & 1) ids.push_back(dead_ids_[i]);
        }
        if (op.kind == OpKind::kPurge && op.a != 0 && ids.empty()) return void(out << "(none)");
        auto n = op.kind == OpKind::kReplay ? store_->ReplayDead(ids, op.b != 0)
                                            : store_->PurgeDead(ids);
        out << (n.ok() ? std::to_string(*n) : n.status().ToString());
        return;
      }
    }
  }

  void Complete(Lease lease, bool ack, bool claim_next, std::ostringstream& out) {
    auto result = store_->Complete(lease, ack ? Outcome::Ack() : Outcome::Nack("boom"), claim_next);
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

  // Settles op.b held leases from the op.a-th on, the i-th nacked if bit i of op.c is set,
  // with claim_next if bit 3 is; a stale lease joins them when one is at hand.
  void CompleteMany(const Op& op, std::ostringstream& out) {
    std::vector<Settlement> batch;
    for (uint32_t i = 0; i < op.b && !held_.empty(); ++i) {
      const Outcome outcome = (op.c >> i) & 1 ? Outcome::Nack("boom") : Outcome::Ack();
      batch.push_back({Take(held_, op.a), outcome});
    }
    if (!retired_.empty()) batch.push_back({retired_[op.a % retired_.size()], Outcome::Ack()});
    auto results = store_->CompleteMany(batch, (op.c & 8) != 0);
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
           " attempt " + std::to_string(e.attempt) + " from " + Ms(e.enqueued_ns);
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
};

// ---- Backends ----

testing::RedisServer& SharedRedis() {
  static testing::RedisServer server;
  return server;
}

// Opens a fresh store of `backend` on `clock`.
Result<std::unique_ptr<Store>> OpenSubject(const std::string& backend, const EngineOptions& options,
                                           ManualClock* clock) {
  if (backend == "mem") return std::unique_ptr<Store>(new MemoryStore(options, clock, kJitterSeed));
  static int namespaces = 0;
  testing::RedisServer& redis = SharedRedis();
  if (!redis.ok()) return Status::Unavailable(redis.Error());
  auto url = ParseRedisUrl(redis.Url("diff" + std::to_string(++namespaces)));
  if (!url.ok()) return url.status();
  RedisStoreOptions redis_options;
  redis_options.functions = backend == "redis";
  redis_options.jitter_seed = kJitterSeed;
  redis_options.clock = clock;
  auto store = RedisStore::Open(*url, options, redis_options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

struct Config {
  Policy policy;
  OnDead on_dead;
  uint32_t max_attempts;
};

EngineOptions OptionsFor(const Config& config) {
  EngineOptions options;
  options.policy = config.policy;
  options.on_dead = config.on_dead;
  options.lease_ttl = milliseconds(20);
  options.max_attempts = config.max_attempts;
  options.retry_backoff = milliseconds(10);
  options.retry_backoff_max = milliseconds(40);
  return options;
}

// Where a run of `ops` first parts from the model: the step, and both answers.
struct Divergence {
  size_t step = 0;
  std::string model;
  std::string store;
};

// Runs `ops` on the model and on a fresh `backend` store; nullopt if they agree throughout.
std::optional<Divergence> RunOps(const std::string& backend, const Config& config,
                                 const std::vector<Op>& ops) {
  const EngineOptions options = OptionsFor(config);
  ManualClock model_clock(1'000'000'000);
  ManualClock store_clock(1'000'000'000);
  auto store = OpenSubject(backend, options, &store_clock);
  if (!store.ok()) return Divergence{0, "", store.status().ToString()};
  Runner model(std::make_unique<ModelStore>(options, &model_clock), HighWord, &model_clock);
  Runner subject(std::move(*store), backend == "mem" ? HighWord : Itself, &store_clock);
  for (size_t i = 0; i < ops.size(); ++i) {
    std::string want = model.Step(ops[i]);
    std::string got = subject.Step(ops[i]);
    if (want != got) return Divergence{i, std::move(want), std::move(got)};
  }
  return std::nullopt;
}

// The shortest sequence found (by dropping chunks, then single steps) that still fails.
std::vector<Op> Shrink(const std::string& backend, const Config& config, std::vector<Op> ops) {
  if (auto d = RunOps(backend, config, ops)) ops.resize(d->step + 1);
  for (size_t chunk = ops.size() / 2; chunk >= 1; chunk = chunk == 1 ? 0 : chunk / 2) {
    for (size_t start = 0; start + chunk <= ops.size();) {
      std::vector<Op> shorter = ops;
      shorter.erase(shorter.begin() + static_cast<std::ptrdiff_t>(start),
                    shorter.begin() + static_cast<std::ptrdiff_t>(start + chunk));
      if (auto d = RunOps(backend, config, shorter)) {
        shorter.resize(d->step + 1);
        ops = std::move(shorter);
      } else {
        start += chunk;
      }
    }
  }
  return ops;
}

// Sanitizer builds (Debug) run a fifth of the sequences.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr size_t kScale = 5;
#else
constexpr size_t kScale = 1;
#endif

struct Plan {
  std::string backend;
  size_t sequences;
  size_t length;
};

void PrintTo(const Plan& plan, std::ostream* os) { *os << plan.backend; }

class StoreDifferentialTest : public ::testing::TestWithParam<Plan> {};

// What a failure prints: the shortest failing sequence and both answers where they part.
std::string Report(const std::string& backend, const Config& config, const std::string& origin,
                   const std::vector<Op>& ops) {
  const std::vector<Op> shortest = Shrink(backend, config, ops);
  const std::optional<Divergence> d = RunOps(backend, config, shortest);
  std::ostringstream out;
  out << backend << " parts from the model; " << origin << " (" << ops.size() << " steps, policy "
      << PolicyName(config.policy) << ", on_dead " << OnDeadName(config.on_dead)
      << ", max_attempts " << config.max_attempts << "), shortest failing sequence:\n";
  for (size_t i = 0; i < shortest.size(); ++i) {
    out << "  " << i << ": " << Describe(shortest[i]) << "\n";
  }
  if (!d) return out.str() + "(no difference on the shrunk run)";
  out << "at step " << d->step << " the model answered:\n"
      << d->model << "\nand " << backend << ":\n"
      << d->store;
  return out.str();
}

TEST_P(StoreDifferentialTest, EveryAnswerIsTheModels) {
  const Plan& plan = GetParam();
  if (plan.backend != "mem" && !SharedRedis().ok()) FAIL() << SharedRedis().Error();
  for (uint64_t seed = 1; seed <= plan.sequences / kScale; ++seed) {
    Random random(seed);
    const Config config{random.Uniform(2) == 0 ? Policy::kLongest : Policy::kOldest,
                        random.Uniform(2) == 0 ? OnDead::kSkip : OnDead::kPark,
                        static_cast<uint32_t>(1 + random.Uniform(3))};
    const std::vector<Op> ops = Generate(random, plan.length);
    if (!RunOps(plan.backend, config, ops)) continue;
    FAIL() << Report(plan.backend, config, "seed " + std::to_string(seed), ops);
  }
}

// Sequences that random ones reach only rarely.
TEST_P(StoreDifferentialTest, KnownSequences) {
  const Plan& plan = GetParam();
  if (plan.backend != "mem" && !SharedRedis().ok()) FAIL() << SharedRedis().Error();
  const Op claim{OpKind::kClaim, 1}, expire{OpKind::kAdvance, 4};
  // a0's first event dies; its second expires once (attempt 1, ready); the dead one is
  // replayed at the head: it goes behind the attempted head, which is granted next.
  const std::vector<Op> replay_behind_attempted = {
      {OpKind::kEnqueue, 2, 0}, claim, expire, claim, expire, claim, expire,
      {OpKind::kReplay, 1, 0},  claim};
  const Config config{Policy::kLongest, OnDead::kSkip, 2};
  if (RunOps(plan.backend, config, replay_behind_attempted)) {
    ADD_FAILURE() << Report(plan.backend, config, "replay behind an attempted head",
                            replay_behind_attempted);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreDifferentialTest,
                         ::testing::Values(Plan{"mem", 5000, 40}, Plan{"redis", 400, 30},
                                           Plan{"redis_scripts", 300, 30}),
                         [](const auto& info) { return info.param.backend; });

}  // namespace
}  // namespace strandq
