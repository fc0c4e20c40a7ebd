// Copyright 2026 The strandq Authors.
// The differential test: random sequences of store operations (enqueue batches, idempotent
// enqueues under a few keys with their own batch or another, claims, completions with ack or
// nack, with or without claim_next, extensions, stale tokens, time stepping past deadlines,
// delays and idempotency windows, replays at head or tail, purges) run against the
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
#include "backend/sqlite/sqlite_store.h"
#include "core/batch_fingerprint.h"
#include "core/store_model.h"
#include "strandq/clock.h"
#include "strandq/store.h"
#include "testutil/redis_server.h"
#include "testutil/shared_redis_store.h"
#include "testutil/store_steps.h"
#include "testutil/temp_dir.h"
#include "util/random.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;
using testing::Op;
using testing::OpKind;

constexpr uint64_t kJitterSeed = 42;

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
  Result<EnqueueOnceResult> EnqueueOnce(std::string_view key,
                                        std::span<const NewEvent> batch) override {
    std::vector<std::string> payloads;
    for (const NewEvent& e : batch) payloads.push_back(e.payload);
    return model_.EnqueueOnce(key, BatchFingerprint(batch), batch, std::move(payloads), Now());
  }
  Result<std::vector<Lease>> Claim(size_t max, std::chrono::nanoseconds, std::stop_token) override {
    return model_.Claim(max, Now());
  }
  Result<CompleteResult> Complete(const Lease& lease, const Outcome& outcome,
                                  ClaimNext claim_next) override {
    return model_.Complete(lease, outcome, claim_next, Now());
  }
  std::vector<Result<CompleteResult>> CompleteMany(std::span<const Settlement> settlements,
                                                   ClaimNext claim_next) override {
    return model_.CompleteMany(settlements, claim_next, Now());
  }
  Status Extend(Lease& lease) override { return model_.Extend(lease, Now()); }
  Result<StoreStats> Stats() override { return model_.Stats(Now()); }
  Result<std::vector<DeadLetter>> ListDead(size_t limit) override {
    return model_.ListDead(limit, Now());
  }
  Result<size_t> ReplayDead(std::span<const uint64_t> ids, ReplayAt at) override {
    return model_.ReplayDead(ids, at, Now());
  }
  Result<size_t> PurgeDead(std::span<const uint64_t> ids) override {
    return model_.PurgeDead(ids, Now());
  }
  Result<std::vector<AccountInfo>> ListAccounts(const AccountQuery& query) override {
    return model_.ListAccounts(query, Now());
  }
  Result<AccountDetail> GetAccount(std::string_view account, size_t offset, size_t limit) override {
    return model_.GetAccount(account, offset, limit, Now());
  }
  Result<AccountInfo> SetPaused(std::string_view account, bool paused) override {
    return model_.SetPaused(account, paused, Now());
  }
  StoreTraits Traits() const override {
    return {StoreTraits::Kind::kEmbedded, false, model_.options().lease_ttl};
  }
  void Restart() { model_.Restart(Now()); }

 private:
  ModelTime Now() { return {clock_->MonotonicNs(), clock_->WallNs()}; }
  Clock* clock_;
  StoreModel model_;
};

// ---- Backends ----

// The database of the sqlite subjects.
std::string SqlitePathInUse() {
  static testing::TempDir dir;
  return dir.path() + "/diff.db";
}

// The database of the sqlite subjects, deleted: a run starts with a new one.
std::string SqlitePath() {
  const std::string path = SqlitePathInUse();
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  return path;
}

// Opens a fresh store of `backend` on `clock`.
Result<std::unique_ptr<Store>> OpenSubject(const std::string& backend, const EngineOptions& options,
                                           ManualClock* clock) {
  if (backend == "mem") return std::unique_ptr<Store>(new MemoryStore(options, clock, kJitterSeed));
  if (backend == "sqlite") {
    return SqliteStore::Open(SqliteUrl{SqlitePath()}, options, clock, kJitterSeed);
  }
  static int namespaces = 0;
  RedisStoreOptions redis_options;
  redis_options.functions = backend == "redis";
  redis_options.jitter_seed = kJitterSeed;
  redis_options.clock = clock;
  return testing::OpenSharedRedisStore("diff" + std::to_string(++namespaces), options,
                                       redis_options);
}

struct Config {
  Policy policy;
  OnDead on_dead;
  uint32_t max_attempts;
  bool accounts = true;  // pause steps and account listings
};

EngineOptions OptionsFor(const Config& config) {
  EngineOptions options;
  options.policy = config.policy;
  options.on_dead = config.on_dead;
  options.lease_ttl = milliseconds(20);
  options.max_attempts = config.max_attempts;
  options.retry_backoff = milliseconds(10);
  options.retry_backoff_max = milliseconds(40);
  options.idempotency_window = milliseconds(30);
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
  testing::StepRunner model(std::make_unique<ModelStore>(options, &model_clock), testing::HighWord,
                            &model_clock,
                            [](std::unique_ptr<Store> store) -> Result<std::unique_ptr<Store>> {
                              static_cast<ModelStore&>(*store).Restart();
                              return store;
                            });
  testing::Restarter reopen;
  if (backend == "sqlite") {
    reopen = [&](std::unique_ptr<Store> store) {
      store.reset();  // as a process that ends: the file stays
      return SqliteStore::Open(SqliteUrl{SqlitePathInUse()}, options, &store_clock);
    };
  }
  const bool redis = backend.starts_with("redis");
  testing::StepRunner subject(std::move(*store), redis ? testing::Itself : testing::HighWord,
                              &store_clock, reopen);
  model.set_accounts(config.accounts);
  subject.set_accounts(config.accounts);
  for (size_t i = 0; i < ops.size(); ++i) {
    std::string want = model.Step(ops[i]);
    std::string got = subject.Step(ops[i]);
    if (want != got) return Divergence{i, std::move(want), std::move(got)};
  }
  return std::nullopt;
}

// The shortest sequence found that still fails: chunks of steps are dropped (halves, then
// quarters, ... single steps) for as long as dropping any of them keeps the failure.
std::vector<Op> Shrink(const std::string& backend, const Config& config, std::vector<Op> ops) {
  if (auto d = RunOps(backend, config, ops)) ops.resize(d->step + 1);
  for (size_t before = 0; before != ops.size();) {
    before = ops.size();
    for (size_t chunk = ops.size() / 2; chunk >= 1; chunk /= 2) {
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
  bool accounts = true;  // the store lists and pauses its accounts
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
    out << "  " << i << ": " << testing::Describe(shortest[i]) << "\n";
  }
  if (!d) return out.str() + "(no difference on the shrunk run)";
  out << "at step " << d->step << " the model answered:\n"
      << d->model << "\nand " << backend << ":\n"
      << d->store;
  return out.str();
}

TEST_P(StoreDifferentialTest, EveryAnswerIsTheModels) {
  const Plan& plan = GetParam();
  if (plan.backend.starts_with("redis") && !testing::SharedRedis().ok()) {
    FAIL() << testing::SharedRedis().Error();
  }
  for (uint64_t seed = 1; seed <= plan.sequences / kScale; ++seed) {
    Random random(seed);
    const Config config{random.Uniform(2) == 0 ? Policy::kLongest : Policy::kOldest,
                        random.Uniform(2) == 0 ? OnDead::kSkip : OnDead::kPark,
                        static_cast<uint32_t>(1 + random.Uniform(3)), plan.accounts};
    const std::vector<Op> ops =
        testing::Generate(random, plan.length, plan.backend == "sqlite", plan.accounts);
    if (!RunOps(plan.backend, config, ops)) continue;
    FAIL() << Report(plan.backend, config, "seed " + std::to_string(seed), ops);
  }
}

// Sequences that random ones reach only rarely.
TEST_P(StoreDifferentialTest, KnownSequences) {
  const Plan& plan = GetParam();
  if (plan.backend.starts_with("redis") && !testing::SharedRedis().ok()) {
    FAIL() << testing::SharedRedis().Error();
  }
  const Op claim{OpKind::kClaim, 1}, expire{OpKind::kAdvance, 4};
  // a0's first event dies; its second expires once (attempt 1, ready); the dead one is
  // replayed at the head: it goes behind the attempted head, which is granted next.
  const std::vector<Op> replay_behind_attempted = {
      {OpKind::kEnqueue, 2, 0}, claim, expire, claim, expire, claim, expire,
      {OpKind::kReplay, 1, 0},  claim};
  const Config config{Policy::kLongest, OnDead::kSkip, 2, plan.accounts};
  if (RunOps(plan.backend, config, replay_behind_attempted)) {
    ADD_FAILURE() << Report(plan.backend, config, "replay behind an attempted head",
                            replay_behind_attempted);
  }
  // A key is recorded, repeated with its batch (replayed), with another batch (refused), and
  // used again once its 30 ms window has passed (enqueued anew); at 25 ms it is still live.
  const Op once{OpKind::kEnqueueOnce, 1, 0}, other{OpKind::kEnqueueOnce, 1, 1};
  const std::vector<Op> idempotency = {once,
                                       once,
                                       other,
                                       {OpKind::kAdvance, 4},
                                       once,
                                       other,
                                       {OpKind::kAdvance, 0},
                                       other,
                                       once,
                                       {OpKind::kEnqueueOnce, 2, 1},
                                       {OpKind::kAdvance, 4},
                                       {OpKind::kAdvance, 4},
                                       once,
                                       {OpKind::kEnqueueOnce, 2, 1}};
  if (RunOps(plan.backend, config, idempotency)) {
    ADD_FAILURE() << Report(plan.backend, config, "idempotency keys and their window", idempotency);
  }
}

// Pausing an account with a lease in flight: the lease settles (an ack that asks for the next
// lease gets none), an expiry and a delay that end while paused leave it stopped, and a resume
// makes it ready again.
TEST_P(StoreDifferentialTest, PauseSequences) {
  const Plan& plan = GetParam();
  if (!plan.accounts) GTEST_SKIP() << plan.backend << " does not list its accounts yet";
  if (plan.backend.starts_with("redis") && !testing::SharedRedis().ok()) {
    FAIL() << testing::SharedRedis().Error();
  }
  const Op claim{OpKind::kClaim, 2}, expire{OpKind::kAdvance, 4};
  const Op pause{OpKind::kPause, 0, 1, 0}, resume{OpKind::kPause, 0, 0, 1};
  const std::vector<Op> pauses = {{OpKind::kEnqueue, 3, 0b001000},
                                  claim,
                                  pause,
                                  {OpKind::kComplete, 0, 0, 1},
                                  claim,
                                  resume,
                                  claim,
                                  pause,
                                  expire,
                                  claim,
                                  resume,
                                  claim,
                                  pause,
                                  {OpKind::kComplete, 0, 2, 0},
                                  expire,
                                  expire,
                                  claim,
                                  resume,
                                  claim,
                                  {OpKind::kPause, 3, 1, 0}};
  for (OnDead on_dead : {OnDead::kSkip, OnDead::kPark}) {
    const Config config{Policy::kLongest, on_dead, 3, true};
    if (RunOps(plan.backend, config, pauses)) {
      ADD_FAILURE() << Report(plan.backend, config, "pause with a lease in flight", pauses);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreDifferentialTest,
                         ::testing::Values(Plan{"mem", 5000, 40}, Plan{"redis", 400, 30},
                                           Plan{"redis_scripts", 300, 30}, Plan{"sqlite", 500, 40}),
                         [](const auto& info) { return info.param.backend; });

}  // namespace
}  // namespace strandq
