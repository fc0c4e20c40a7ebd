// Copyright 2026 The strandq Authors.
// Lines a crash left unconfirmed: resolved, then verified.
#include "verify/unconfirmed.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "strandq/verifier.h"
#include "verify_log.h"

namespace strandq {
namespace {

TEST(UnconfirmedTest, ConfirmedAttemptsDropTheirUnconfirmedLine) {
  Log log;
  log.Ack("a", 1, 0, 10).Unconfirmed().Ack("a", 1, 0, 10);
  log.Attempt("a", 2, 1, 10, 20).Unconfirmed().Attempt("a", 2, 1, 10, 20, Outcome::kLost);
  ResolvedLog resolved = ResolveUnconfirmed(log.records());
  ASSERT_EQ(resolved.records.size(), 2u);
  EXPECT_EQ(resolved.unconfirmed, 0u);
  EXPECT_EQ(resolved.records[1].outcome, Outcome::kLost);  // the store's word wins
}

TEST(UnconfirmedTest, AnAckWithoutFinalLineAndNoLaterDeliverySettles) {
  // Killed after the store acked a#1, before the final line: a#2 follows, nothing else.
  Log log;
  log.Ack("a", 1, 0, 10).Unconfirmed().Ack("a", 2, 10, 20);
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.unconfirmed, 1u);
  EXPECT_EQ(report.unconfirmed_settled, 1u);
  EXPECT_EQ(report.acked, 2u);
  EXPECT_EQ(report.attempts, 2u);
}

TEST(UnconfirmedTest, AnUnconfirmedAttemptFollowedByARedeliveryIsLost) {
  // Killed before the store heard of the ack: the lease expired, another worker ran it.
  Log log;
  log.Ack("a", 1, 0, 10, "w1").Unconfirmed();
  log.Attempt("a", 1, 2, 5, 15, Outcome::kAck, "w2");  // overlaps: fine, the first was lost
  log.Ack("a", 2, 15, 20, "w2");
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.lost, 1u);
  EXPECT_EQ(report.unconfirmed_settled, 0u);
}

TEST(UnconfirmedTest, AnUnconfirmedLastNackIsTheDeadLetterItBecame) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kNack).Attempt("a", 1, 2, 20, 30, Outcome::kNack);
  log.records().back().unconfirmed = true;
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.dead, 1u);
}

TEST(UnconfirmedTest, TwoUnconfirmedAcksOfOneSeriesAreStillADuplicate) {
  Log log;
  log.Ack("a", 1, 0, 10, "w1").Unconfirmed().Ack("a", 1, 20, 30, "w2").Unconfirmed();
  EXPECT_EQ(Kinds(log.Verify()), std::vector<std::string>{"duplicate"});
}

}  // namespace
}  // namespace strandq
