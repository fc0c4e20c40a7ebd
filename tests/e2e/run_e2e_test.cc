// Copyright 2026 The strandq Authors.
// End to end: the real `strandq` binary at millisecond scale, then `strandq verify` on its log.

#include <gtest/gtest.h>

#include <csignal>
#include <thread>

#include "e2e/e2e_util.h"
#include "strandq/event_log.h"
#include "testutil/subprocess.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using testing::ProcessResult;
using testing::RunProcess;
using testing::Subprocess;
using testing::TempDir;

class RunE2eTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(RunE2eTest, RunThenVerifyTheLogAgainstTheInput) {
  const std::string csv = dir_.File("w.csv"), log = dir_.File("run.jsonl");
  ProcessResult gen = Strandq({"generate", "--to", csv, "--events", "2000", "--accounts", "150",
                               "--seed", "7", "--payload-bytes", "16"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;

  ProcessResult run =
      Strandq({"run", "--input", csv, "--work", "sleep:2ms", "--workers", "40", "--log", log});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "verification: OK")) << run.out;
  EXPECT_TRUE(Contains(run.out, "efficiency")) << run.out;
  EXPECT_TRUE(Contains(run.out, "lower bound")) << run.out;

  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ(records->size(), 2000u);

  ProcessResult verify = Strandq({"verify", log, "--input", csv});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;
}

TEST_F(RunE2eTest, SeedWorkloadWithBothPolicies) {
  const std::string csv = std::string(STRANDQ_WORKLOADS_DIR) + "/seed-10000.csv";
  for (const char* policy : {"longest", "oldest"}) {
    ProcessResult run =
        Strandq({"run", "--input", csv, "--work", "noop", "--workers", "100", "--policy", policy});
    EXPECT_EQ(run.exit_code, 0) << policy << "\n" << run.out << run.err;
    EXPECT_TRUE(Contains(run.out, "events:")) << run.out;
    EXPECT_TRUE(Contains(run.out, "verification: OK")) << run.out;
  }
}

TEST_F(RunE2eTest, RetriesAndDeadLettersStillVerify) {
  const std::string log = dir_.File("retry.jsonl");
  ProcessResult run = Strandq({"run", "--events", "1500", "--accounts", "100", "--work",
                               "sleep:1ms", "--fail-rate", "0.3", "--max-attempts", "3",
                               "--retry-backoff", "1ms", "--workers", "30", "--log", log});
  // Dead letters are events that were not processed: the run fails, though it verifies.
  ASSERT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "result: FAILED")) << run.out;
  EXPECT_TRUE(Contains(run.out, "verification: OK")) << run.out;
  ProcessResult verify = Strandq({"verify", log});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  auto records = *ReadEventLog(log);
  size_t nacks = 0, dead = 0;
  for (const auto& r : records) {
    nacks += r.outcome == AttemptRecord::Outcome::kNack;
    dead += r.outcome == AttemptRecord::Outcome::kDead;
  }
  EXPECT_GT(nacks, 0u);
  EXPECT_GT(dead, 0u);
}

TEST_F(RunE2eTest, ParkedAccountsAreNotCountedAsLost) {
  ProcessResult run =
      Strandq({"run", "--events", "500", "--accounts", "20", "--work", "noop", "--fail-rate", "0.5",
               "--max-attempts", "2", "--retry-backoff", "1ms", "--on-dead", "park"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // dead letters
  EXPECT_TRUE(Contains(run.out, "verification: OK")) << run.out;
}

TEST_F(RunE2eTest, ExecHandlerThroughTheCli) {
  ProcessResult run = Strandq({"run", "--events", "40", "--accounts", "5", "--work",
                               "exec:test -n \"$STRANDQ_ACCOUNT\"", "--workers", "4"});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "verification: OK")) << run.out;
}

TEST_F(RunE2eTest, EveryEventDeadLetteredFailsTheRun) {
  ProcessResult run =
      Strandq({"run", "--events", "20", "--accounts", "4", "--work", "exec:/nonexistent",
               "--max-attempts", "2", "--retry-backoff", "1ms", "--workers", "4"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "verification: OK")) << run.out;
  EXPECT_TRUE(Contains(run.out, "result: FAILED: 20 events were dead-lettered")) << run.out;
}

TEST_F(RunE2eTest, TamperedLogsFailVerification) {
  const std::string csv = dir_.File("w.csv"), log = dir_.File("run.jsonl");
  ASSERT_EQ(Strandq({"generate", "--to", csv, "--events", "300", "--accounts", "10"}).exit_code, 0);
  ASSERT_EQ(Strandq({"run", "--input", csv, "--work", "sleep:1ms", "--workers", "5", "--log", log})
                .exit_code,
            0);
  auto records = *ReadEventLog(log);

  auto write_log = [&](const std::vector<AttemptRecord>& rs, const std::string& path) {
    std::string text;
    for (const auto& r : rs) text += FormatAttempt(r) + "\n";
    testing::WriteFile(path, text);
  };

  // Loss: one ack line removed.
  auto lossy = records;
  lossy.erase(lossy.begin() + lossy.size() / 2);
  write_log(lossy, dir_.File("lossy.jsonl"));
  ProcessResult r = Strandq({"verify", dir_.File("lossy.jsonl"), "--input", csv});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "loss")) << r.out;

  // Order: two events of one account swap their times.
  auto swapped = records;
  size_t a = 0, b = 0;
  for (size_t i = 0; i < swapped.size() && b == 0; ++i) {
    for (size_t j = i + 1; j < swapped.size(); ++j) {
      if (swapped[j].account == swapped[i].account) {
        a = i, b = j;
        break;
      }
    }
  }
  ASSERT_NE(b, 0u);
  std::swap(swapped[a].start_ns, swapped[b].start_ns);
  std::swap(swapped[a].end_ns, swapped[b].end_ns);
  write_log(swapped, dir_.File("swapped.jsonl"));
  r = Strandq({"verify", dir_.File("swapped.jsonl")});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "order")) << r.out;

  // Duplicate: one ack line twice (as a second process's log).
  write_log({records.front()}, dir_.File("dup.jsonl"));
  r = Strandq({"verify", log, dir_.File("dup.jsonl")});
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_TRUE(Contains(r.out, "duplicate")) << r.out;
}

// Reads the Threads: line of /proc/<pid>/status; 0 if it cannot.
int ThreadCount(pid_t pid) {
  const std::string status = testing::ReadFile("/proc/" + std::to_string(pid) + "/status");
  const size_t at = status.find("Threads:");
  return at == std::string::npos ? 0 : std::atoi(status.c_str() + at + 8);
}

TEST_F(RunE2eTest, TenThousandSleepingSlotsNeedNoTenThousandThreads) {
  Subprocess run({STRANDQ_BINARY, "run", "--events", "20000", "--accounts", "10000", "--batch",
                  "1-3", "--workers", "10000", "--work", "sleep:300ms", "--threads", "2"});
  int most_threads = 0;
  for (int i = 0; i < 40; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    most_threads = std::max(most_threads, ThreadCount(run.pid()));
  }
  ProcessResult r = run.Wait(std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "verification: OK")) << r.out;
  EXPECT_GT(most_threads, 0);
  EXPECT_LT(most_threads, 16) << "slots must not be threads";
}

TEST_F(RunE2eTest, SigintFinishesInFlightAndReportsWhatWasDone) {
  const std::string log = dir_.File("int.jsonl");
  Subprocess run({STRANDQ_BINARY, "run", "--events", "3000", "--accounts", "100", "--work",
                  "sleep:50ms", "--workers", "20", "--log", log});
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  run.Signal(SIGINT);
  ProcessResult r = run.Wait(std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "interrupted")) << r.out;
  EXPECT_TRUE(Contains(r.out, "verification: OK")) << r.out;
  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_GT(records->size(), 0u);
  EXPECT_LT(records->size(), 3000u);
  for (const auto& rec : *records) EXPECT_EQ(rec.outcome, AttemptRecord::Outcome::kAck);
  ProcessResult verify = Strandq({"verify", log});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

TEST_F(RunE2eTest, SigintWithRetriesPendingIsStillAValidPartialRun) {
  Subprocess run({STRANDQ_BINARY, "run", "--events", "2000", "--accounts", "100", "--work",
                  "sleep:50ms", "--fail-rate", "0.3", "--workers", "50", "--max-attempts",
                  "100"});  // no dead letter: that would fail the run (exit 1)
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  run.Signal(SIGTERM);
  ProcessResult r = run.Wait(std::chrono::seconds(30));
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "verification: OK")) << r.out;
}

}  // namespace
}  // namespace strandq
