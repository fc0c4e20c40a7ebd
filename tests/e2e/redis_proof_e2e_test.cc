// Copyright 2026 The strandq Authors.
// End to end over redis://: the proof (`strandq verify`) after what an operator or a crash
// does to a run: dead letters replayed with `dlq replay` (--on-dead skip and park), and a
// worker killed between the store's ack and its log lines. Real binary, private redis-server.

#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "e2e/redis_e2e_util.h"

namespace strandq {
namespace {

// How many lines of `path` contain `needle`.
size_t LinesWith(const std::string& path, const std::string& needle) {
  std::istringstream lines(testing::ReadFile(path));
  size_t n = 0;
  for (std::string line; std::getline(lines, line);) n += Contains(line, needle);
  return n;
}

class RedisProofE2eTest : public RedisE2eTest {
 protected:
  // A worker that drains the namespace and exits; its exit code is not checked (a run with
  // dead letters may exit 1).
  void Drain(const std::string& url, const std::string& log, const std::string& fail_rate,
             const std::string& on_dead) {
    ProcessResult r = Strandq({"worker", "--store",         url,       "--workers",
                               "4",      "--threads",       "2",       "--work",
                               "noop",   "--fail-rate",     fail_rate, "--max-attempts",
                               "2",      "--retry-backoff", "1ms",     "--on-dead",
                               on_dead,  "--log",           log,       "--exit-when-drained"});
    EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.out << r.err;
  }

  // The documented flow: a failing worker, `dlq replay --all`, a second worker, one verify
  // over both logs and the input. Returns verify's output.
  std::string ReplayFlow(const std::string& on_dead) {
    RedisServer redis;
    EXPECT_TRUE(redis.ok()) << redis.Error();
    const std::string url = redis.Url("replay-" + on_dead);
    const std::string csv = Produce(url, 200, 20, 5);
    const std::string w1 = dir_.File(on_dead + "-w1.jsonl"), w2 = dir_.File(on_dead + "-w2.jsonl");
    Drain(url, w1, "0.5", on_dead);
    const uint64_t dead = Field(Stats(url), "dead");
    EXPECT_GT(dead, 0u);  // 0.5^2 of 200 events (with skip): ~50 expected
    ProcessResult replay = Strandq({"dlq", "replay", "--all", "--store", url});
    EXPECT_EQ(replay.exit_code, 0) << replay.err;
    Drain(url, w2, "0", on_dead);
    ExpectAllAcked(url, 200 - 0);
    // The replayed events' lines say so.
    // Two lines per attempt: unconfirmed before the store call, final after.
    EXPECT_EQ(LinesWith(w2, "\"replay\":1,"), 2 * dead) << testing::ReadFile(w2);
    ProcessResult verify = Strandq({"verify", w1, w2, "--input", csv});
    EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
    EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;
    EXPECT_TRUE(Contains(verify.out, "replayed:     " + std::to_string(dead) + " (")) << verify.out;
    return verify.out;
  }
};

// With skip, the strand went on: replayed events run after later events of their account.
TEST_F(RedisProofE2eTest, ReplayedDeadLettersVerifyWithSkip) {
  const std::string out = ReplayFlow("skip");
  EXPECT_FALSE(Contains(out, " (0 after later events")) << out;
}

// With park, the strand waited for the replay: order holds throughout.
TEST_F(RedisProofE2eTest, ReplayedDeadLettersVerifyWithPark) {
  const std::string out = ReplayFlow("park");
  EXPECT_TRUE(Contains(out, " (0 after later events of their account)")) << out;
}

// A worker killed right after the store acked a batch, before that batch's log lines were
// written (a fault point makes it die exactly there): its unconfirmed lines stand for the
// acks, and verify proves the run with nothing lost, missing or counted twice.
TEST_F(RedisProofE2eTest, KilledBetweenTheStoreAckAndItsLogLinesLosesNoProof) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("crash");
  constexpr int kEvents = 400;
  const std::string csv = Produce(url, kEvents, 40, 13);
  const std::string victim_log = dir_.File("victim.jsonl"), log = dir_.File("w1.jsonl");
  auto args = WorkerArgs(url, "victim", victim_log, 8, "noop", "300ms");
  args.insert(args.begin(),
              {"/usr/bin/env", "STRANDQ_FAILPOINT_KILL_AFTER_SETTLE=10", STRANDQ_BINARY});
  ProcessResult victim = RunProcess(args, seconds(60));
  ASSERT_EQ(victim.exit_code, 128 + SIGKILL) << victim.out << victim.err;
  const size_t unconfirmed = LinesWith(victim_log, "\"unconfirmed\":true");
  const size_t confirmed = LineCount(victim_log) - unconfirmed;
  EXPECT_GT(unconfirmed, confirmed) << "the last batch's final lines must be missing";
  const uint64_t acked_by_victim = Field(Stats(url), "acked");
  EXPECT_GT(acked_by_victim, confirmed) << "the store acked events the victim has no final line of";

  ProcessResult rest = Strandq({"worker", "--store", url, "--workers", "8", "--threads", "2",
                                "--work", "noop", "--log", log, "--exit-when-drained"});
  EXPECT_EQ(rest.exit_code, 0) << rest.out << rest.err;
  ExpectAllAcked(url, kEvents);
  ProcessResult verify = Strandq({"verify", victim_log, log, "--input", csv});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "unconfirmed:")) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "acked:        " + std::to_string(kEvents))) << verify.out;
}

// A worker killed while it handled an event's last allowed attempt logs nothing for it; the
// store dead-letters the event when the lease expires. Verify alone sees an event that never
// settled (a loss); with --store it reads the store's dead letters and proves the run.
TEST_F(RedisProofE2eTest, KilledOnTheLastAttemptIsADeadLetterWithStore) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("last-attempt");
  const std::string csv = Produce(url, 6, 1, 21);
  const std::string victim_log = dir_.File("victim.jsonl"), log = dir_.File("rest.jsonl");
  auto victim_args = WorkerArgs(url, "victim", victim_log, 1, "exec:sleep 3", "300ms");
  victim_args.insert(victim_args.end(), {"--max-attempts", "1"});
  auto victim = StartStrandq(victim_args);
  ASSERT_TRUE(WaitFor([&] { return Field(Stats(url), "leased") == 1; }, seconds(20)));
  victim->Signal(SIGKILL);
  victim->Wait();
  ProcessResult rest = Strandq({"worker", "--store", url, "--work", "noop", "--max-attempts", "1",
                                "--lease-ttl", "300ms", "--log", log, "--exit-when-drained"});
  EXPECT_TRUE(rest.exit_code == 0 || rest.exit_code == 1) << rest.out << rest.err;
  EXPECT_EQ(Field(Stats(url), "dead"), 1u);
  EXPECT_EQ(Field(Stats(url), "acked"), 5u);

  ProcessResult alone = Strandq({"verify", victim_log, log, "--input", csv});
  EXPECT_EQ(alone.exit_code, 1) << alone.out << alone.err;
  EXPECT_TRUE(Contains(alone.out, "loss")) << alone.out;
  ProcessResult with_store = Strandq({"verify", victim_log, log, "--input", csv, "--store", url});
  EXPECT_EQ(with_store.exit_code, 0) << with_store.out << with_store.err;
  EXPECT_TRUE(Contains(with_store.out, "verification: OK")) << with_store.out;
  EXPECT_TRUE(Contains(with_store.out, "dead:         1")) << with_store.out;
  ProcessResult mem = Strandq({"verify", log, "--store", "mem:"});
  EXPECT_EQ(mem.exit_code, 2) << mem.out << mem.err;
}

}  // namespace
}  // namespace strandq
