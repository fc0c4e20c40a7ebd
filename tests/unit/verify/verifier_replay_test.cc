// Copyright 2026 The strandq Authors.
// The verifier on logs with dead-letter replays, crash leftovers and gaps against an input.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "strandq/verifier.h"
#include "verify_log.h"

namespace strandq {
namespace {

// --- replays from the dead letters ---

// a#2 dies after two attempts; the strand skips it (a#3 runs); an operator replays it.
Log SkipThenReplay() {
  Log log;
  log.Ack("a", 1, 0, 10);
  log.Attempt("a", 2, 1, 10, 20, Outcome::kNack).Attempt("a", 2, 2, 30, 40, Outcome::kDead);
  log.Ack("a", 3, 40, 50);
  log.Attempt("a", 2, 1, 100, 110).Replay(1);
  return log;
}

TEST(VerifierReplayTest, ReplayAfterLaterEventsWithSkipIsReportedNotAViolation) {
  VerifyReport report = SkipThenReplay().Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.replayed, 1u);
  EXPECT_EQ(report.replayed_late, 1u);
  EXPECT_EQ(report.redelivered, 0u);
  EXPECT_NE(Details(report).find("replayed:     1 (1 after later events of their account)"),
            std::string::npos)
      << Details(report);
}

TEST(VerifierReplayTest, ReplayAtTheHeadWithParkKeepsOrder) {
  Log log;
  log.Ack("a", 1, 0, 10).Attempt("a", 2, 1, 10, 20, Outcome::kDead);
  // Parked: nothing of `a` runs until the replay.
  log.Attempt("a", 2, 1, 100, 110, Outcome::kNack).Replay(1);
  log.Attempt("a", 2, 2, 120, 130).Replay(1);
  log.Ack("a", 3, 130, 140);
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.replayed, 1u);
  EXPECT_EQ(report.replayed_late, 0u);
}

TEST(VerifierReplayTest, AReplayedEventMayDieAndBeReplayedAgain) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kDead);
  log.Attempt("a", 1, 1, 20, 30, Outcome::kDead).Replay(1);
  log.Attempt("a", 1, 1, 40, 50).Replay(2);
  EXPECT_TRUE(log.Verify().ok()) << Details(log.Verify());
}

TEST(VerifierReplayTest, LaterEventBeforeTheEarlierSettledIsStillOrder) {
  // a#3 starts while a#2 is still being retried: a real reorder, replay or not.
  Log log;
  log.Ack("a", 1, 0, 10);
  log.Attempt("a", 2, 1, 10, 20, Outcome::kNack);
  log.Ack("a", 3, 25, 30);
  log.Attempt("a", 2, 2, 40, 50, Outcome::kDead);
  log.Attempt("a", 2, 1, 100, 110).Replay(1);
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"order"}) << Details(report);
}

TEST(VerifierReplayTest, ReplayOfAnAckedEventIsADuplicate) {
  Log log;
  log.Ack("a", 1, 0, 10).Attempt("a", 1, 1, 20, 30).Replay(1);
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"duplicate"}) << Details(report);
  EXPECT_NE(report.violations[0].detail.find("replayed (replay 1) after it was acked"),
            std::string::npos);
}

TEST(VerifierReplayTest, SecondAckInOneSeriesIsADuplicate) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kDead);
  log.Attempt("a", 1, 1, 20, 30).Replay(1).Attempt("a", 1, 2, 40, 50).Replay(1);
  EXPECT_EQ(Kinds(log.Verify()), std::vector<std::string>{"duplicate"});
}

TEST(VerifierReplayTest, ReplayedAttemptOverlappingALaterEventIsOverlap) {
  Log log = SkipThenReplay();
  log.Ack("a", 4, 105, 120);
  EXPECT_EQ(Kinds(log.Verify()), std::vector<std::string>{"overlap"});
}

TEST(VerifierReplayTest, UnsettledReplayIsLoss) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kDead);
  log.Attempt("a", 1, 1, 20, 30, Outcome::kNack).Replay(1);
  EXPECT_EQ(Kinds(log.Verify()), std::vector<std::string>{"loss"});
}

// --- a missing event is reported once ---

TEST(VerifierInputTest, AGapIsOneLossNotTwo) {
  Log log;
  log.Ack("a", 1, 0, 10).Ack("a", 3, 20, 30);  // a#2 never logged
  std::vector<WorkloadEvent> input = Input({{"a", 3}});
  VerifyOptions options;
  options.input = &input;
  VerifyReport report = log.Verify(options);
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"loss"}) << Details(report);
  EXPECT_EQ(report.violations[0].detail, "a: seq 2 never logged (between seq 1 and 3)");
}

TEST(VerifierInputTest, AGapAndAMissingTailAreEachReportedOnce) {
  Log log;
  log.Ack("a", 1, 0, 10).Ack("a", 3, 20, 30);  // a#2 and a#4 never logged
  std::vector<WorkloadEvent> input = Input({{"a", 4}});
  VerifyOptions options;
  options.input = &input;
  VerifyReport report = log.Verify(options);
  EXPECT_EQ(Kinds(report), (std::vector<std::string>{"loss", "loss"})) << Details(report);
  EXPECT_EQ(report.violations[1].detail,
            "a: 1 of its 4 input events never logged (from input event #4)");
}

// --- dropped at exit ---

TEST(VerifierTest, DroppedEventIsLossAndNoAttempt) {
  Log log;
  log.Ack("a", 1, 0, 10, "w1").Attempt("a", 2, 0, 500, 500, Outcome::kDropped, "serve");
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"loss"}) << Details(report);
  EXPECT_NE(report.violations[0].detail.find("accepted but dropped unprocessed"),
            std::string::npos);
  EXPECT_EQ(report.dropped, 1u);
  EXPECT_EQ(report.workers, 1u);  // the dropped line names no worker slot
  EXPECT_EQ(report.makespan, std::chrono::milliseconds(10));
}

}  // namespace
}  // namespace strandq
