// Copyright 2026 The strandq Authors.
// End to end over redis://: real `strandq worker` processes sharing one private redis-server,
// killed (SIGKILL), stalled (SIGSTOP) and cut off (the server restarted) mid-run, then
// `strandq stats` and `strandq verify` on what they left behind. Millisecond-scale handlers;
// every wait is bounded and nothing asserts on speed.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e/redis_e2e_util.h"
#include "strandq/event_log.h"
#include "strandq/verifier.h"
#include "strandq/workload.h"

namespace strandq {
namespace {

// ---- 1. A worker killed with SIGKILL mid-run: the others finish everything. ----

TEST_F(RedisE2eTest, SigkilledWorkerLosesNothing) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("kill");
  constexpr int kEvents = 1500, kWorkers = 4, kSlots = 8;
  const std::string csv = Produce(url, kEvents, 60, 11);
  ASSERT_EQ(Field(Stats(url), "enqueued"), uint64_t{kEvents});

  std::vector<std::string> logs;
  std::vector<std::unique_ptr<Subprocess>> workers;
  for (int i = 0; i < kWorkers; ++i) {
    logs.push_back(dir_.File("w" + std::to_string(i) + ".jsonl"));
    auto args =
        WorkerArgs(url, "w" + std::to_string(i), logs.back(), kSlots, "sleep:10ms", "300ms");
    // The victim runs until killed; the others stop by themselves once all is done.
    if (i != 0) args.push_back("--exit-when-drained");
    workers.push_back(StartStrandq(args));
  }
  // Kill the victim once it has visibly been working for a while: with 60 accounts for 32
  // slots every slot is busy, so it holds kSlots leases when it dies.
  ASSERT_TRUE(WaitFor([&] { return LineCount(logs[0]) >= 40; }, seconds(30)))
      << "worker 0 made no progress: " << workers[0]->Wait(milliseconds(1)).err;
  workers[0]->Signal(SIGKILL);
  EXPECT_EQ(workers[0]->Wait(seconds(10)).exit_code, 128 + SIGKILL);
  ExpectFinished(workers, 1);

  // The store: every event acked (exactly once: a fenced completion changes nothing), none
  // left, and the victim's leases ran out.
  const Json stats = ExpectAllAcked(url, kEvents);
  EXPECT_EQ(Field(stats, "leased"), 0u) << stats;
  EXPECT_GE(Field(stats, "expired"), 1u) << stats;
  EXPECT_EQ(stats.value("drained", false), true) << stats;

  // The logs prove it: a worker writes each attempt's line before its store call (unconfirmed)
  // and again after, so a SIGKILL at any moment leaves a line of every event the store acked;
  // nothing is missing, nothing counted twice.
  const std::vector<AttemptRecord> records = ReadLogs(logs);
  auto input = ReadWorkloadCsv(csv);
  ASSERT_TRUE(input.ok()) << input.status().ToString();
  VerifyOptions options;
  options.input = &*input;
  const VerifyReport report = Verify(records, options);
  EXPECT_TRUE(report.ok()) << Describe(report);
  EXPECT_EQ(report.acked, size_t{kEvents}) << FormatVerifyReport(report);
  // The victim held leases when it died: their events were delivered again.
  EXPECT_GE(report.redelivered, 1u) << FormatVerifyReport(report);

  // The same through the command line.
  std::vector<std::string> verify_args = {"verify"};
  verify_args.insert(verify_args.end(), logs.begin(), logs.end());
  verify_args.insert(verify_args.end(), {"--input", csv});
  ProcessResult verify = Strandq(verify_args);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "redelivered:")) << verify.out;
}

// ---- 2. A worker stalled with SIGSTOP past its leases: fencing refuses its late work. ----

TEST_F(RedisE2eTest, StalledWorkerIsFencedOff) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("stop");
  constexpr int kEvents = 160, kStalledSlots = 4;
  const std::string csv = Produce(url, kEvents, 16, 3);
  const std::string stalled_log = dir_.File("stalled.jsonl"), taker_log = dir_.File("taker.jsonl");

  auto stalled_args = WorkerArgs(url, "stalled", stalled_log, kStalledSlots, "sleep:50ms", "200ms");
  stalled_args.push_back("--exit-when-drained");
  auto stalled = StartStrandq(stalled_args);
  // Once it has finished a few events it is busy on all its slots (16 accounts for 4 slots),
  // each a 50 ms sleep of which only a few microseconds are spent talking to the store.
  ASSERT_TRUE(WaitFor([&] { return LineCount(stalled_log) >= kStalledSlots; }, seconds(30)));
  stalled->Signal(SIGSTOP);
  const auto stopped_at = std::chrono::steady_clock::now();
  const int64_t stopped_wall_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count();
  const size_t lines_before = LineCount(stalled_log);

  // A second worker takes over the leases once they expire and finishes every account. A
  // lease lives as long as the TTL of the worker it was granted to: the taker's is long, so
  // that it does not lose leases of its own should this machine be slow for 200 ms.
  auto taker_args = WorkerArgs(url, "taker", taker_log, 8, "sleep:2ms", "5s");
  taker_args.push_back("--exit-when-drained");
  ProcessResult taker = Strandq(taker_args);
  EXPECT_EQ(taker.exit_code, 0) << taker.out << taker.err;
  // Stay stopped well past the TTL (the taker needed at least one TTL anyway).
  std::this_thread::sleep_until(stopped_at + milliseconds(800));
  EXPECT_EQ(LineCount(stalled_log), lines_before) << "a stopped process wrote";

  const Json stats = ExpectAllAcked(url, kEvents);
  EXPECT_GE(Field(stats, "expired"), 1u) << stats;

  // Resumed, the stalled worker's handlers end at once; the store refuses their completions.
  stalled->Signal(SIGCONT);
  ProcessResult r = stalled->Wait(seconds(30));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "worker stalled:")) << r.out;

  auto stalled_records = ReadEventLog(stalled_log);
  ASSERT_TRUE(stalled_records.ok()) << stalled_records.status().ToString();
  const size_t lost = CountOutcome(*stalled_records, AttemptRecord::Outcome::kLost);
  EXPECT_GE(lost, 1u) << testing::ReadFile(stalled_log);
  // The attempts in hand at the stop end after it, and at most one per slot is refused. (On a
  // slow machine a 200 ms lease may also run out before the stop: that loss ended earlier.)
  size_t lost_to_the_stall = 0;
  for (const AttemptRecord& rec : *stalled_records) {
    if (rec.outcome == AttemptRecord::Outcome::kLost && rec.end_ns >= stopped_wall_ns) {
      ++lost_to_the_stall;
    }
  }
  EXPECT_GE(lost_to_the_stall, 1u) << testing::ReadFile(stalled_log);
  EXPECT_LE(lost_to_the_stall, size_t{kStalledSlots}) << testing::ReadFile(stalled_log);
  for (const AttemptRecord& rec : *stalled_records) {
    if (rec.outcome == AttemptRecord::Outcome::kLost) {
      EXPECT_TRUE(Contains(rec.error, "no longer valid")) << rec.error;
    }
  }

  // Every event acked exactly once over both logs: each lost one by the taker, with a higher
  // attempt.
  const std::vector<AttemptRecord> records = ReadLogs({stalled_log, taker_log});
  std::map<uint64_t, int> acks;
  std::map<uint64_t, uint32_t> acked_attempt;
  for (const AttemptRecord& rec : records) {
    if (rec.outcome != AttemptRecord::Outcome::kAck || rec.unconfirmed) continue;
    ++acks[rec.id];
    acked_attempt[rec.id] = rec.attempt;
  }
  EXPECT_EQ(acks.size(), size_t{kEvents});
  for (const auto& [id, n] : acks) EXPECT_EQ(n, 1) << "event " << id;
  for (const AttemptRecord& rec : *stalled_records) {
    if (rec.outcome != AttemptRecord::Outcome::kLost) continue;
    EXPECT_GT(acked_attempt[rec.id], rec.attempt) << "event " << rec.id;
  }

  ProcessResult verify = Strandq({"verify", stalled_log, taker_log, "--input", csv});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "lost leases:  " + std::to_string(CountOutcome(
                                                          records, AttemptRecord::Outcome::kLost))))
      << verify.out;
}

// ---- 3. The Redis server dies mid-run and comes back from its AOF. ----

TEST_F(RedisE2eTest, WorkersRideOutARedisRestart) {
  RedisServer redis(/*append_only=*/true);
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("aof"), idle_url = redis.Url("idle");
  constexpr int kEvents = 800, kIdleEvents = 200;
  const std::string csv = Produce(url, kEvents, 40, 5);
  Produce(idle_url, kIdleEvents, 10, 6);  // nobody works on it: it must survive as it is

  std::vector<std::string> logs;
  std::vector<std::unique_ptr<Subprocess>> workers;
  for (int i = 0; i < 2; ++i) {
    logs.push_back(dir_.File("r" + std::to_string(i) + ".jsonl"));
    auto args = WorkerArgs(url, "r" + std::to_string(i), logs.back(), 6, "sleep:10ms", "1s");
    args.push_back("--exit-when-drained");
    workers.push_back(StartStrandq(args));
  }
  ASSERT_TRUE(WaitFor([&] { return LineCount(logs[0]) + LineCount(logs[1]) >= 100; }, seconds(30)));
  redis.Stop(/*graceful=*/false);  // SIGKILL: only what was fsynced to the AOF survives
  std::this_thread::sleep_for(milliseconds(400));
  ASSERT_TRUE(redis.Start()) << redis.Error();

  // Producer side: everything enqueued before the crash is still there.
  const Json idle = Stats(idle_url);
  EXPECT_EQ(Field(idle, "enqueued"), uint64_t{kIdleEvents}) << idle;
  EXPECT_EQ(Field(idle, "pending"), uint64_t{kIdleEvents}) << idle;
  const Json during = Stats(url);
  EXPECT_EQ(Field(during, "enqueued"), uint64_t{kEvents}) << during;
  EXPECT_EQ(Field(during, "acked") + Field(during, "pending"), uint64_t{kEvents}) << during;
  EXPECT_GT(Field(during, "pending"), 0u) << "the server went down after the work was done";

  // The workers reconnect by themselves and finish.
  ExpectFinished(workers);
  ExpectAllAcked(url, kEvents);
  EXPECT_EQ(Field(Stats(idle_url), "pending"), uint64_t{kIdleEvents});

  // A lease that ran out during the outage shows up as a `lost` line; the order still holds.
  ProcessResult verify = Strandq({"verify", logs[0], logs[1], "--input", csv});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;
}

// ---- 4. The command line over redis://. ----

TEST_F(RedisE2eTest, RunOverRedisNeedsAnEmptyNamespace) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("run");
  const std::string log = dir_.File("run.jsonl");
  ProcessResult run = Strandq({"run", "--store", url, "--events", "400", "--accounts", "30",
                               "--work", "sleep:2ms", "--workers", "16", "--log", log});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "verification: OK")) << run.out;
  EXPECT_TRUE(Contains(run.out, "127.0.0.1:" + std::to_string(redis.port()))) << run.out;
  ProcessResult verify = Strandq({"verify", log});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;

  // stats --json: every field, as numbers, and the drained flag.
  const Json stats = ExpectAllAcked(url, 400);
  for (const char* name : {"pending", "accounts", "ready", "leased", "delayed", "parked", "dead",
                           "enqueued", "acked", "nacked", "expired", "dead_lettered"}) {
    ASSERT_TRUE(stats.contains(name) && stats[name].is_number_unsigned()) << name << " " << stats;
  }
  ASSERT_TRUE(stats.contains("drained") && stats["drained"].is_boolean()) << stats;
  EXPECT_EQ(Field(stats, "accounts"), 0u);
  EXPECT_TRUE(stats["drained"].get<bool>());
  ProcessResult table = Strandq({"stats", "--store", url});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(Contains(table.out, "acked")) << table.out;

  // The namespace is no longer empty: run refuses it before processing anything.
  const std::string again_log = dir_.File("again.jsonl");
  ProcessResult again = Strandq({"run", "--store", url, "--events", "10", "--accounts", "2",
                                 "--work", "noop", "--log", again_log});
  EXPECT_EQ(again.exit_code, 2) << again.out << again.err;
  EXPECT_EQ(again.err.rfind("strandq: error: ", 0), 0u) << again.err;
  EXPECT_TRUE(Contains(again.err, "already holds 400 events")) << again.err;
  EXPECT_TRUE(Contains(again.err, "?prefix=")) << again.err;
  EXPECT_EQ(Field(Stats(url), "enqueued"), 400u);
  // Another namespace of the same server is empty.
  ProcessResult other = Strandq(
      {"run", "--store", redis.Url("run2"), "--events", "10", "--accounts", "2", "--work", "noop"});
  EXPECT_EQ(other.exit_code, 0) << other.out << other.err;
}

TEST_F(RedisE2eTest, DeadLetterListReplayPurge) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("dlq");
  constexpr int kEvents = 30;
  Produce(url, kEvents, 6, 9);
  // A worker that dead-letters events fails (exit 1), and says where to look.
  auto work = [&](const std::string& fail_rate) {
    ProcessResult r =
        Strandq({"worker", "--store", url, "--workers", "4", "--work", "noop", "--fail-rate",
                 fail_rate, "--max-attempts", "1", "--exit-when-drained", "--threads", "2"});
    const bool failing = fail_rate != "0";
    EXPECT_EQ(r.exit_code, failing ? 1 : 0) << r.out << r.err;
    if (failing) {
      EXPECT_TRUE(Contains(r.err, "strandq dlq list")) << r.err;
    }
    return r;
  };
  auto dlq = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "dlq");
    args.insert(args.end(), {"--store", url});
    return Strandq(args);
  };

  // Every attempt fails once: every event is a dead letter.
  ProcessResult failing = work("1");
  EXPECT_TRUE(Contains(failing.out, "dead " + std::to_string(kEvents))) << failing.out;
  Json stats = Stats(url);
  EXPECT_EQ(Field(stats, "dead"), uint64_t{kEvents}) << stats;
  EXPECT_EQ(Field(stats, "dead_lettered"), uint64_t{kEvents}) << stats;
  EXPECT_EQ(Field(stats, "pending"), 0u) << stats;
  EXPECT_EQ(Field(stats, "acked"), 0u) << stats;

  ProcessResult list = dlq({"list", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::vector<Json> letters;
  std::istringstream lines(list.out);
  for (std::string line; std::getline(lines, line);) {
    letters.push_back(Json::parse(line, nullptr, /*allow_exceptions=*/false));
    ASSERT_FALSE(letters.back().is_discarded()) << line;
  }
  ASSERT_EQ(letters.size(), size_t{kEvents}) << list.out;
  for (const Json& d : letters) {
    for (const char* name :
         {"id", "account", "seq", "attempt", "error", "dead_ns", "enqueued_ns", "payload"}) {
      EXPECT_TRUE(d.contains(name)) << name << " " << d;
    }
    EXPECT_EQ(d.value("attempt", 0), 1) << d;
    EXPECT_FALSE(d.value("error", std::string()).empty()) << d;
    EXPECT_EQ(d.value("payload", std::string()).size(), 8u) << d;
  }
  for (size_t i = 1; i < letters.size(); ++i) {
    EXPECT_GE(letters[i]["dead_ns"].get<int64_t>(), letters[i - 1]["dead_ns"].get<int64_t>())
        << "oldest first";
  }
  ProcessResult limited = dlq({"list", "--limit", "5"});
  EXPECT_EQ(limited.exit_code, 0) << limited.err;
  EXPECT_EQ(std::count(limited.out.begin(), limited.out.end(), '\n'), 5) << limited.out;
  EXPECT_TRUE(Contains(limited.err, "5 dead events listed")) << limited.err;

  // Replay one by id, and a worker that succeeds acks it.
  const std::string one = std::to_string(letters.front()["id"].get<uint64_t>());
  ProcessResult replay = dlq({"replay", "--id", one});
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_TRUE(Contains(replay.out, "replayed 1 dead events")) << replay.out;
  stats = Stats(url);
  EXPECT_EQ(Field(stats, "dead"), uint64_t{kEvents - 1}) << stats;
  EXPECT_EQ(Field(stats, "pending"), 1u) << stats;
  EXPECT_EQ(Field(stats, "ready"), 1u) << stats;
  // An id that is no dead letter (any more) moves nothing and says so.
  ProcessResult stale = dlq({"replay", "--id", one});
  EXPECT_EQ(stale.exit_code, 0) << stale.err;
  EXPECT_TRUE(Contains(stale.out, "replayed 0")) << stale.out;
  EXPECT_TRUE(Contains(stale.err, "1 of the ids named were not dead letters")) << stale.err;
  work("0");
  stats = Stats(url);
  EXPECT_EQ(Field(stats, "acked"), 1u) << stats;
  EXPECT_EQ(Field(stats, "pending"), 0u) << stats;

  // Replay the rest at the tail of their accounts; they die again (max 1 attempt).
  replay = dlq({"replay", "--all", "--tail"});
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_TRUE(Contains(replay.out, "replayed " + std::to_string(kEvents - 1) + " dead events"))
      << replay.out;
  EXPECT_TRUE(Contains(replay.out, "tail")) << replay.out;
  stats = Stats(url);
  EXPECT_EQ(Field(stats, "dead"), 0u) << stats;
  EXPECT_EQ(Field(stats, "pending"), uint64_t{kEvents - 1}) << stats;
  work("1");
  stats = Stats(url);
  EXPECT_EQ(Field(stats, "dead"), uint64_t{kEvents - 1}) << stats;
  EXPECT_EQ(Field(stats, "dead_lettered"), uint64_t{2 * kEvents - 1}) << stats;

  // Purge them all.
  ProcessResult purge = dlq({"purge", "--all"});
  EXPECT_EQ(purge.exit_code, 0) << purge.err;
  EXPECT_TRUE(Contains(purge.out, "purged " + std::to_string(kEvents - 1) + " dead events"))
      << purge.out;
  stats = Stats(url);
  EXPECT_EQ(Field(stats, "dead"), 0u) << stats;
  EXPECT_EQ(Field(stats, "pending"), 0u) << stats;
  EXPECT_EQ(Field(stats, "acked"), 1u) << stats;
  EXPECT_TRUE(stats.value("drained", false)) << stats;
  list = dlq({"list", "--json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(list.out.empty()) << list.out;

  // Naming nothing is a usage error.
  ProcessResult nothing = dlq({"purge"});
  EXPECT_EQ(nothing.exit_code, 2) << nothing.err;
  EXPECT_TRUE(Contains(nothing.err, "--id ID")) << nothing.err;
}

TEST_F(RedisE2eTest, ConnectionErrorsAreClear) {
  // Nothing listens on port 1.
  ProcessResult refused = Strandq({"stats", "--store", "redis://127.0.0.1:1"});
  EXPECT_EQ(refused.exit_code, 1) << refused.err;
  EXPECT_EQ(refused.err.rfind("strandq: error: cannot connect to Redis at 127.0.0.1:1", 0), 0u)
      << refused.err;
  EXPECT_TRUE(refused.out.empty()) << refused.out;
  ProcessResult refused_worker =
      Strandq({"worker", "--store", "redis://127.0.0.1:1", "--work", "noop"});
  EXPECT_EQ(refused_worker.exit_code, 1) << refused_worker.err;
  EXPECT_TRUE(Contains(refused_worker.err, "cannot connect to Redis at 127.0.0.1:1"))
      << refused_worker.err;
  ProcessResult refused_generate =
      Strandq({"generate", "--to", "redis://127.0.0.1:1", "--events", "5"});
  EXPECT_EQ(refused_generate.exit_code, 1) << refused_generate.err;

  // A URL that does not parse is a usage error.
  for (const char* command : {"stats", "worker"}) {
    ProcessResult bad = Strandq({command, "--store", "redis://host:notaport"});
    EXPECT_EQ(bad.exit_code, 2) << command << ": " << bad.err;
    EXPECT_TRUE(Contains(bad.err, "bad Redis URL 'redis://host:notaport'")) << bad.err;
    EXPECT_TRUE(Contains(bad.err, "port")) << bad.err;
  }

  // A worker needs a store that outlives it.
  ProcessResult mem = Strandq({"worker", "--store", "mem:"});
  EXPECT_EQ(mem.exit_code, 2) << mem.err;
  EXPECT_TRUE(Contains(mem.err, "a worker needs a store that outlives it")) << mem.err;

  // A server with a password: none, a wrong one, the right one.
  RedisServer locked(false, {"--requirepass", "pw"});
  ASSERT_TRUE(locked.ok()) << locked.Error();
  const std::string address = "127.0.0.1:" + std::to_string(locked.port());
  ProcessResult none = Strandq({"stats", "--store", "redis://" + address});
  EXPECT_EQ(none.exit_code, 1) << none.err;
  EXPECT_TRUE(Contains(none.err, "needs a password")) << none.err;
  ProcessResult wrong = Strandq({"stats", "--store", "redis://:wrong@" + address});
  EXPECT_EQ(wrong.exit_code, 1) << wrong.err;
  EXPECT_TRUE(Contains(wrong.err, "password was refused")) << wrong.err;
  EXPECT_FALSE(Contains(wrong.err, "wrong@")) << "the password is echoed: " << wrong.err;
  ProcessResult right = Strandq({"stats", "--store", "redis://:pw@" + address + "?prefix=ok"});
  EXPECT_EQ(right.exit_code, 0) << right.err;
  EXPECT_TRUE(Contains(right.out, "***")) << right.out;
  EXPECT_FALSE(Contains(right.out, ":pw@")) << right.out;
  // run shows its store in the report and in its refusal of a used namespace: without the
  // password.
  const std::string run_url = "redis://:pw@" + address + "?prefix=run";
  for (int exit_code : {0, 2}) {
    ProcessResult run =
        Strandq({"run", "--store", run_url, "--events", "10", "--accounts", "2", "--work", "noop"});
    EXPECT_EQ(run.exit_code, exit_code) << run.out << run.err;
    EXPECT_TRUE(Contains(run.out + run.err, "redis://:***@" + address)) << run.out << run.err;
    EXPECT_FALSE(Contains(run.out + run.err, ":pw@")) << run.out << run.err;
  }
}

}  // namespace
}  // namespace strandq
