// Copyright 2026 The strandq Authors.
// End to end: `strandq run` with exec: handlers through the real binary, at millisecond scale:
// signals to the whole process group, the permanent-failure exit, --handler-timeout, and
// where the child's stdout and stderr go.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <thread>

#include "e2e/e2e_util.h"
#include "strandq/event_log.h"
#include "testutil/subprocess.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;
using testing::ProcessResult;
using testing::ReadFile;
using testing::RunProcess;
using testing::Subprocess;
using testing::TempDir;

size_t Lines(const std::string& path) {
  const std::string text = ReadFile(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

class ExecE2eTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ExecE2eTest, CtrlCToTheProcessGroupLetsTheChildrenFinish) {
  // As a terminal's Ctrl-C (or a group SIGTERM) does: the signal goes to strandq's whole
  // process group. setsid makes strandq the leader of a group without this test in it. The
  // signal comes while all 8 commands sleep (none is being started: see the README).
  const std::string log = dir_.File("int.jsonl"), started = dir_.File("started");
  const std::string csv = dir_.File("in.csv");
  std::string rows = "account,seq\n";
  for (int seq = 1; seq <= 2; ++seq) {
    for (int a = 0; a < 8; ++a) rows += "a" + std::to_string(a) + "," + std::to_string(seq) + "\n";
  }
  testing::WriteFile(csv, rows);
  Subprocess run({"setsid", STRANDQ_BINARY, "run", "--input", csv, "--work",
                  "exec:echo x >> " + started + "; sleep 1", "--workers", "8", "--log", log});
  for (int i = 0; i < 3000 && Lines(started) < 8; ++i) std::this_thread::sleep_for(2ms);
  ASSERT_EQ(Lines(started), 8u) << "no progress";
  ASSERT_EQ(kill(-run.pid(), SIGINT), 0);
  ProcessResult r = run.Wait(std::chrono::seconds(60));
  EXPECT_EQ(r.exit_code, 130) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "verification: OK")) << r.out;
  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  // The 8 attempts in flight were finished and acked, none killed by the SIGINT.
  EXPECT_EQ(records->size(), 8u);
  for (const AttemptRecord& rec : *records) {
    EXPECT_EQ(rec.outcome, AttemptRecord::Outcome::kAck) << rec.error;
  }
}

TEST_F(ExecE2eTest, ADeclinedCardIsChargedOnce) {
  const std::string log = dir_.File("cards.jsonl"), charges = dir_.File("charges");
  // Every odd event is declined: charged once, then dead-lettered without a retry.
  ProcessResult run = Strandq(
      {"run", "--events", "20", "--accounts", "4", "--max-attempts", "5", "--retry-backoff", "1ms",
       "--workers", "4", "--log", log, "--work",
       "exec:echo $STRANDQ_EVENT_ID >> " + charges +
           "; if [ $((STRANDQ_EVENT_ID % 2)) = 1 ]; then echo 'card declined' >&2; exit 65; fi"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // dead letters
  EXPECT_TRUE(Contains(run.out, "verification: OK")) << run.out;
  EXPECT_EQ(Lines(charges), 20u) << "a declined card was charged again";
  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  size_t dead = 0;
  for (const AttemptRecord& rec : *records) {
    EXPECT_EQ(rec.attempt, 1u);
    if (rec.outcome != AttemptRecord::Outcome::kDead) continue;
    ++dead;
    EXPECT_EQ(rec.error, "permanent failure: command exited with status 65: card declined");
  }
  EXPECT_EQ(dead, 10u);
}

TEST_F(ExecE2eTest, AHungChildIsTimedOutKilledAndRetried) {
  const std::string log = dir_.File("hung.jsonl"), pids = dir_.File("pids");
  ProcessResult run =
      Strandq({"run", "--events", "3", "--accounts", "3", "--max-attempts", "2", "--retry-backoff",
               "1ms", "--workers", "3", "--handler-timeout", "300ms", "--log", log, "--work",
               "exec:echo $$ >> " + pids + "; exec sleep 300"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 6u);  // two attempts each, the second one dead
  for (const AttemptRecord& rec : *records) {
    EXPECT_EQ(rec.error, "handler timed out after 300ms");
    EXPECT_EQ(rec.outcome,
              rec.attempt == 2 ? AttemptRecord::Outcome::kDead : AttemptRecord::Outcome::kNack);
  }
  const std::string text = ReadFile(pids);
  size_t children = 0;
  for (size_t at = 0; at < text.size(); ++children) {
    const size_t end = text.find('\n', at);
    const pid_t pid = std::stoi(text.substr(at, end - at));
    for (int i = 0; i < 500 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_NE(kill(pid, 0), 0) << "a timed-out child is still running: " << pid;
    at = end + 1;
  }
  EXPECT_EQ(children, 6u);
}

TEST_F(ExecE2eTest, StdoutGoesToStderrAndStderrIntoTheDeadLetter) {
  const std::string log = dir_.File("out.jsonl");
  ProcessResult run =
      Strandq({"run", "--events", "2", "--accounts", "1", "--max-attempts", "1", "--log", log,
               "--work", "exec:echo STDOUT-$((40 + 2)); echo 'no such customer' >&2; exit 4"});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_FALSE(Contains(run.out, "STDOUT-42")) << run.out;  // (the report shows the spec)
  EXPECT_TRUE(Contains(run.err, "STDOUT-42")) << run.err;
  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  for (const AttemptRecord& rec : *records) {
    EXPECT_EQ(rec.outcome, AttemptRecord::Outcome::kDead);
    EXPECT_EQ(rec.error, "command exited with status 4: no such customer");
  }
}

TEST_F(ExecE2eTest, ABadHandlerTimeoutIsRefused) {
  ProcessResult run = Strandq({"run", "--events", "2", "--handler-timeout", "soon"});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_TRUE(Contains(run.err, "--handler-timeout")) << run.err;
}

}  // namespace
}  // namespace strandq
