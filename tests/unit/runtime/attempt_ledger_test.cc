// Copyright 2026 The strandq Authors.
#include "runtime/attempt_ledger.h"

#include <gtest/gtest.h>

namespace strandq {
namespace {

Result<CompleteResult> Settled(Disposition d) {
  CompleteResult r;
  r.disposition = d;
  return r;
}

Settlement Of(Outcome outcome) {
  Settlement s;
  s.lease.event.id = 7;
  s.lease.event.account = "a";
  s.outcome = std::move(outcome);
  return s;
}

TEST(AttemptLedgerTest, CountsWhatTheStoreMadeOfEachAttempt) {
  AttemptLedger ledger;
  EXPECT_EQ(ledger.Book(Settled(Disposition::kAcked)), AttemptRecord::Outcome::kAck);
  EXPECT_EQ(ledger.Book(Settled(Disposition::kRetrying)), AttemptRecord::Outcome::kNack);
  EXPECT_EQ(ledger.Book(Settled(Disposition::kDead)), AttemptRecord::Outcome::kDead);
  EXPECT_EQ(ledger.Book(Status::LeaseLost("expired")), AttemptRecord::Outcome::kLost);
  PoolProgress p = ledger.Progress();
  EXPECT_EQ(p.acked, 1u);
  EXPECT_EQ(p.nacked, 2u);  // the dead one was nacked too
  EXPECT_EQ(p.dead, 1u);
  EXPECT_EQ(p.lost, 1u);
}

TEST(AttemptLedgerTest, TheFinalLineCarriesTheHandlersOrTheStoresError) {
  const Result<CompleteResult> retrying = Settled(Disposition::kRetrying);
  AttemptRecord nacked = AttemptLedger::Final(Of(Outcome::Nack("boom")), "w:0", 1, 2, retrying,
                                              AttemptRecord::Outcome::kNack);
  EXPECT_EQ(nacked.error, "boom");
  EXPECT_EQ(nacked.worker, "w:0");
  EXPECT_FALSE(nacked.unconfirmed);
  const Result<CompleteResult> lost = Status::LeaseLost("gone");
  AttemptRecord refused =
      AttemptLedger::Final(Of(Outcome::Ack()), "w:0", 1, 2, lost, AttemptRecord::Outcome::kLost);
  EXPECT_EQ(refused.outcome, AttemptRecord::Outcome::kLost);
  EXPECT_NE(refused.error.find("gone"), std::string::npos);
}

TEST(AttemptLedgerTest, TheLineBeforeTheStoreCallIsTheHandlersVerdictUnconfirmed) {
  AttemptRecord line = AttemptLedger::Unconfirmed(Of(Outcome::Nack("later")), "w:1", 1, 2);
  EXPECT_TRUE(line.unconfirmed);
  EXPECT_EQ(line.outcome, AttemptRecord::Outcome::kNack);
  EXPECT_EQ(line.error, "later");
  EXPECT_EQ(line.id, 7u);
}

}  // namespace
}  // namespace strandq
