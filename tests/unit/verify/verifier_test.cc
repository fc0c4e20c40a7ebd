// Copyright 2026 The strandq Authors.
#include "strandq/verifier.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "verify_log.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

// --- good logs ---

TEST(VerifierTest, SerialAndParallelAccountsAreOk) {
  Log log;
  log.Ack("a", 1, 0, 1000, "w1").Ack("a", 2, 1000, 2000, "w1").Ack("a", 3, 2000, 3000, "w2");
  log.Ack("b", 1, 0, 1000, "w2").Ack("b", 2, 1000, 2000, "w2");
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.events, 5u);
  EXPECT_EQ(report.accounts, 2u);
  EXPECT_EQ(report.attempts, 5u);
  EXPECT_EQ(report.acked, 5u);
  EXPECT_EQ(report.longest, 3u);
  EXPECT_EQ(report.workers, 2u);
  EXPECT_EQ(report.unit, 1s);
  EXPECT_EQ(report.makespan, 3s);
  EXPECT_EQ(report.lower_bound, 3s);  // max(ceil(5 / 2), 3) x 1s
  EXPECT_DOUBLE_EQ(report.efficiency, 1.0);
  EXPECT_EQ(report.latency_p50, 2s);
  EXPECT_EQ(report.latency_max, 3s);
}

TEST(VerifierTest, RetriesAfterNacksAreOkAndNotRedeliveries) {
  Log log;
  log.Attempt("a", 1, 1, 0, 100, Outcome::kNack)
      .Attempt("a", 1, 2, 300, 400, Outcome::kNack)
      .Attempt("a", 1, 3, 700, 800, Outcome::kAck)
      .Ack("a", 2, 800, 900);
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.events, 2u);
  EXPECT_EQ(report.nacked, 2u);
  EXPECT_EQ(report.acked, 2u);
  EXPECT_EQ(report.redelivered, 0u);
}

TEST(VerifierTest, LostAttemptOverlappingItsRedeliveryIsOk) {
  // w1 stalls past its lease; the store gives a#1 to w2, which acks it and goes on with a#2
  // while w1 is still running. w1's late completion is refused: `lost`.
  Log log;
  log.Attempt("a", 1, 1, 0, 40'000, Outcome::kLost, "w1")
      .Attempt("a", 1, 2, 30'000, 31'000, Outcome::kAck, "w2")
      .Attempt("a", 2, 1, 31'000, 32'000, Outcome::kAck, "w2");
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.lost, 1u);
  EXPECT_EQ(report.redelivered, 1u);
  EXPECT_EQ(report.makespan, 40s);
}

TEST(VerifierTest, CrashedAttemptLeavesARedelivery) {
  // Attempt 1 of a#1 died with its worker: no line. Attempt 2 follows after the lease expired.
  Log log;
  log.Attempt("a", 1, 2, 30'000, 31'000, Outcome::kAck).Ack("a", 2, 31'000, 32'000);
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.redelivered, 1u);
}

TEST(VerifierTest, DeadLetterLineSettlesTheEvent) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kNack)
      .Attempt("a", 1, 2, 20, 30, Outcome::kNack)
      .Attempt("a", 1, 3, 40, 50, Outcome::kDead)
      .Ack("a", 2, 50, 60);
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.dead, 1u);
  EXPECT_EQ(report.nacked, 2u);
}

TEST(VerifierTest, DeadLetterIdsSettleEventsWithoutADeadLine) {
  // a#1's last attempt crashed and the store dead-lettered it when the lease expired.
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kNack).Ack("a", 2, 40'000, 40'010);
  const uint64_t id = log.records()[0].id;
  VerifyReport without = log.Verify();
  EXPECT_EQ(Kinds(without), std::vector<std::string>{"loss"}) << Details(without);
  VerifyOptions options;
  options.dead_letter_ids = {999, id};
  VerifyReport with = log.Verify(options);
  EXPECT_TRUE(with.ok()) << Details(with);
}

TEST(VerifierTest, MergedLogsOfSeveralWorkersAreOk) {
  // A valid schedule of 300 events over 3 workers (list scheduling, each account in order),
  // then each worker's log written separately and the logs concatenated.
  std::map<std::string, std::vector<AttemptRecord>> per_worker;
  std::map<std::string, int64_t> account_free;
  std::vector<int64_t> worker_free(3, 0);
  std::map<std::string, uint64_t> next_seq;
  uint64_t id = 0;
  for (int i = 0; i < 300; ++i) {
    const std::string account = std::to_string((i * 7 + i / 5) % 23);
    const size_t w = static_cast<size_t>(std::min_element(worker_free.begin(), worker_free.end()) -
                                         worker_free.begin());
    const int64_t start = std::max(worker_free[w], account_free[account]);
    const int64_t end = start + 10;
    worker_free[w] = account_free[account] = end;
    Log one;
    one.Attempt(account, ++next_seq[account], 1, start, end, Outcome::kAck,
                "host:1:" + std::to_string(w), ++id);
    per_worker["host:1:" + std::to_string(w)].push_back(one.records()[0]);
  }
  std::vector<AttemptRecord> merged;
  for (const auto& [worker, records] : per_worker) {
    merged.insert(merged.end(), records.begin(), records.end());
  }
  VerifyReport report = Verify(merged, {});
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.events, 300u);
  EXPECT_EQ(report.workers, 3u);
  EXPECT_EQ(report.unit, 10ms);
  EXPECT_GE(report.efficiency, 1.0);
}

// --- each violation kind on a crafted bad log ---

TEST(VerifierViolationTest, Order) {
  Log log;
  log.Ack("a", 2, 0, 1000).Ack("a", 1, 1000, 2000);
  VerifyReport report = log.Verify();
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"order"}) << Details(report);
  EXPECT_NE(report.violations[0].detail.find("a#1 (id 2) attempt 1"), std::string::npos)
      << report.violations[0].detail;
}

TEST(VerifierViolationTest, OrderAfterANackOfTheEarlierSeq) {
  // a#1 is nacked, a#2 runs while a#1 is pending, then a#1 is retried: out of order.
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kNack).Ack("a", 2, 20, 30);
  log.Attempt("a", 1, 2, 40, 50, Outcome::kAck);
  EXPECT_EQ(Kinds(log.Verify()), std::vector<std::string>{"order"});
}

TEST(VerifierViolationTest, OverlapOfTwoAttemptsOfOneEvent) {
  Log log;
  log.Attempt("a", 1, 1, 0, 2000, Outcome::kNack, "w1")
      .Attempt("a", 1, 2, 1000, 3000, Outcome::kAck, "w2");
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"overlap"}) << Details(report);
}

TEST(VerifierViolationTest, NextSeqStartingBeforeTheSettlingAttemptEndedIsAnOverlap) {
  Log log;
  log.Ack("a", 1, 0, 2000, "w1").Ack("a", 2, 1000, 3000, "w2").Ack("b", 1, 0, 3000, "w3");
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"overlap"}) << Details(report);
}

TEST(VerifierViolationTest, DuplicateSettlement) {
  Log log;
  log.Ack("a", 1, 0, 10).Attempt("a", 1, 2, 10, 20, Outcome::kAck).Ack("a", 2, 20, 30);
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"duplicate"}) << Details(report);
  EXPECT_NE(report.violations[0].detail.find("settled 2 times"), std::string::npos);
}

TEST(VerifierViolationTest, TheSameLogMergedTwiceIsAllDuplicates) {
  Log log;
  log.Ack("a", 1, 0, 10).Ack("a", 2, 10, 20);
  std::vector<AttemptRecord> twice = log.records();
  twice.insert(twice.end(), log.records().begin(), log.records().end());
  VerifyReport report = Verify(twice, {});
  // Each event settled twice, and each copy overlaps its twin.
  EXPECT_EQ(Kinds(report),
            (std::vector<std::string>{"duplicate", "duplicate", "overlap", "overlap"}))
      << Details(report);
}

TEST(VerifierViolationTest, AckedAndDeadLettered) {
  Log log;
  log.Ack("a", 1, 0, 10);
  VerifyOptions options;
  options.dead_letter_ids = {log.records()[0].id};
  EXPECT_EQ(Kinds(log.Verify(options)), std::vector<std::string>{"duplicate"});
}

TEST(VerifierViolationTest, IdNamingTwoEvents) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kAck, "w1", 7)
      .Attempt("a", 2, 1, 10, 20, Outcome::kAck, "w1", 7);
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"duplicate"}) << Details(report);
  EXPECT_EQ(report.violations[0].detail, "id 7 names two events: a#1 and a#2");
}

TEST(VerifierViolationTest, EventUnderTwoIds) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kNack, "w1", 7)
      .Attempt("a", 1, 2, 10, 20, Outcome::kAck, "w1", 8);
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"duplicate"}) << Details(report);
  EXPECT_EQ(report.violations[0].detail, "a#1 is logged under two ids: 7 and 8");
}

TEST(VerifierViolationTest, LossOfAGap) {
  Log log;
  log.Ack("a", 1, 0, 10).Ack("a", 4, 10, 20).Ack("b", 1, 0, 10).Ack("b", 3, 10, 20);
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), (std::vector<std::string>{"loss", "loss"})) << Details(report);
  EXPECT_EQ(report.violations[0].detail, "a: seqs 2..3 never logged (between seq 1 and 4)");
  EXPECT_EQ(report.violations[1].detail, "b: seq 2 never logged (between seq 1 and 3)");
}

TEST(VerifierViolationTest, LossOfAnUnsettledEvent) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kNack).Attempt("a", 1, 2, 20, 30, Outcome::kLost);
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"loss"}) << Details(report);
  EXPECT_NE(report.violations[0].detail.find("never settled"), std::string::npos);
}

TEST(VerifierTest, PartialRunMayEndAnAccountOnAnUnsettledEvent) {
  Log log;
  log.Ack("a", 1, 0, 10)
      .Attempt("a", 2, 1, 10, 20, Outcome::kNack)  // waiting out its backoff when stopped
      .Ack("b", 1, 0, 10)
      .Attempt("b", 2, 1, 10, 20, Outcome::kLost);  // its lease ran out; still in the store
  VerifyOptions partial;
  partial.partial = true;
  EXPECT_TRUE(log.Verify(partial).ok()) << Details(log.Verify(partial));
  EXPECT_EQ(Kinds(log.Verify()), (std::vector<std::string>{"loss", "loss"}));
}

TEST(VerifierViolationTest, PartialRunStillLosesAnUnsettledEventBeforeALaterOne) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kNack).Ack("a", 2, 20, 30);
  VerifyOptions partial;
  partial.partial = true;
  EXPECT_FALSE(log.Verify(partial).ok());
  EXPECT_EQ(Kinds(log.Verify(partial)), (std::vector<std::string>{"loss"}));
}

TEST(VerifierViolationTest, InconsistentEnqueueTime) {
  Log log;
  log.Attempt("a", 1, 1, 0, 10, Outcome::kNack).Attempt("a", 1, 2, 20, 30, Outcome::kAck);
  log.records()[1].enqueued_ns += 5;
  VerifyReport report = log.Verify();
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"inconsistent"}) << Details(report);
}

TEST(VerifierViolationTest, InconsistentEndBeforeStart) {
  Log log;
  log.Ack("a", 1, 10, 5);
  EXPECT_EQ(Kinds(log.Verify()), std::vector<std::string>{"inconsistent"});
}

// --- against an input workload ---

TEST(VerifierInputTest, EverythingSettledIsOk) {
  Log log;
  log.Ack("a", 1, 0, 10).Ack("a", 2, 10, 20).Ack("b", 1, 0, 10);
  std::vector<WorkloadEvent> input = Input({{"a", 2}, {"b", 1}});
  VerifyOptions options;
  options.input = &input;
  VerifyReport report = log.Verify(options);
  EXPECT_TRUE(report.ok()) << Details(report);
}

TEST(VerifierInputTest, SeqsMatchByRankNotValue) {
  // The store already held two events of `a`, so its seqs start at 3.
  Log log;
  log.Ack("a", 3, 0, 10).Ack("a", 4, 10, 20);
  std::vector<WorkloadEvent> input = Input({{"a", 2}});
  VerifyOptions options;
  options.input = &input;
  EXPECT_TRUE(log.Verify(options).ok());
}

TEST(VerifierInputTest, MissingInputEventsAreLoss) {
  Log log;
  log.Ack("a", 1, 0, 10);
  std::vector<WorkloadEvent> input = Input({{"a", 3}, {"c", 2}});
  VerifyOptions options;
  options.input = &input;
  VerifyReport report = log.Verify(options);
  EXPECT_EQ(Kinds(report), (std::vector<std::string>{"loss", "loss"})) << Details(report);
  EXPECT_EQ(report.violations[0].detail,
            "a: 2 of its 3 input events never logged (from input event #2)");
  EXPECT_EQ(report.violations[1].detail, "c: none of its 2 input events logged");
}

TEST(VerifierInputTest, EventsOutsideTheInputAreUnknown) {
  Log log;
  log.Ack("a", 1, 0, 10).Ack("a", 2, 10, 20).Ack("z", 1, 0, 10);
  std::vector<WorkloadEvent> input = Input({{"a", 1}});
  VerifyOptions options;
  options.input = &input;
  VerifyReport report = log.Verify(options);
  EXPECT_EQ(Kinds(report), (std::vector<std::string>{"unknown", "unknown"})) << Details(report);
  EXPECT_EQ(report.violations[0].detail, "a: 2 events logged but 1 in the input; extra from seq 2");
  EXPECT_EQ(report.violations[1].detail, "z: not in the input, but 1 event logged");
}

TEST(VerifierInputTest, EmptyLogsLoseTheWholeInput) {
  std::vector<WorkloadEvent> input = Input({{"a", 2}});
  VerifyOptions options;
  options.input = &input;
  VerifyReport report = Verify({}, options);
  EXPECT_EQ(Kinds(report), std::vector<std::string>{"loss"});
  EXPECT_TRUE(Verify({}, {}).ok());
}

// --- figures ---

TEST(LowerBoundTest, Arithmetic) {
  EXPECT_EQ(LowerBound(10'000, 100, 46, 1s), 100s);
  EXPECT_EQ(LowerBound(10'000, 1'000, 46, 1s), 46s);
  EXPECT_EQ(LowerBound(10'001, 100, 46, 1s), 101s);  // ceil
  EXPECT_EQ(LowerBound(10'000, 100, 46, 10ms), 1s);
  EXPECT_EQ(LowerBound(5, 0, 3, 1s), 3s);  // no worker limit: only the longest account
  EXPECT_EQ(LowerBound(0, 4, 0, 1s), 0s);
}

TEST(VerifierFiguresTest, ExplicitWorkersAndUnit) {
  Log log;
  for (int i = 0; i < 10; ++i) log.Ack(std::to_string(i), 1, 0, 500, "w" + std::to_string(i));
  VerifyOptions options;
  options.workers = 4;
  options.unit = 250ms;
  VerifyReport report = log.Verify(options);
  EXPECT_EQ(report.workers, 4u);
  EXPECT_EQ(report.unit, 250ms);
  EXPECT_EQ(report.lower_bound, 750ms);  // ceil(10 / 4) = 3 units
  EXPECT_NEAR(report.efficiency, 500.0 / 750.0, 1e-9);
}

TEST(VerifierFiguresTest, UnitIsTheMedianAckDurationAndLatencyIsNearestRank) {
  Log log;
  for (int i = 1; i <= 100; ++i) log.Ack(std::to_string(i), 1, 0, i);  // latency i ms
  log.Attempt("x", 1, 1, 0, 1000, Outcome::kNack).Attempt("x", 1, 2, 1000, 1001);
  VerifyReport report = log.Verify();
  EXPECT_TRUE(report.ok()) << Details(report);
  // Ack durations: 1..100 ms and 1 ms: the 51st of 101 is 50 ms.
  EXPECT_EQ(report.unit, 50ms);
  // Latencies: 1..100 ms and 1001 ms.
  EXPECT_EQ(report.latency_p50, 51ms);
  EXPECT_EQ(report.latency_p99, 100ms);
  EXPECT_EQ(report.latency_max, 1001ms);
}

TEST(VerifierFiguresTest, KeepsTheFirst100ViolationsButCountsAll) {
  Log log;
  for (int i = 0; i < 300; ++i) log.Attempt(std::to_string(i), 1, 1, 0, 10, Outcome::kNack);
  VerifyReport report = log.Verify();
  EXPECT_EQ(report.violations_total, 300u);
  EXPECT_EQ(report.violations.size(), 100u);
  const std::string text = FormatVerifyReport(report);
  EXPECT_NE(text.find("  ... and 200 more\n"), std::string::npos);
  EXPECT_TRUE(text.ends_with("verification: FAILED (300 violations)\n")) << text;
}

TEST(VerifierFormatTest, AlignedFiguresThenVerdict) {
  Log log;
  log.Ack("a", 1, 0, 1000, "w1").Ack("a", 2, 1000, 2000, "w1").Ack("b", 1, 0, 1000, "w2");
  const std::string text = FormatVerifyReport(log.Verify());
  EXPECT_EQ(text,
            "events:       3\n"
            "accounts:     2\n"
            "attempts:     3\n"
            "acked:        3\n"
            "retries:      0\n"
            "dead:         0\n"
            "lost leases:  0\n"
            "redelivered:  0\n"
            "workers:      2\n"
            "unit:         1s\n"
            "makespan:     2s\n"
            "lower bound:  2s = max(ceil(3 / 2), 2) x 1s\n"
            "efficiency:   1.000\n"
            "latency p50:  1s\n"
            "latency p99:  2s\n"
            "latency max:  2s\n"
            "verification: OK\n");
}

TEST(VerifierFormatTest, ViolationsBeforeTheVerdict) {
  Log log;
  log.Ack("a", 2, 0, 1000).Ack("a", 1, 1000, 2000);
  const std::string text = FormatVerifyReport(log.Verify());
  EXPECT_NE(text.find("violations:   1\n  order: a#1 (id 2) attempt 1 by w1 [+1s..+2s] ack started "
                      "after a#2 (id 1) attempt 1 by w1 [+0s..+1s] ack\n"
                      "verification: FAILED (1 violation)\n"),
            std::string::npos)
      << text;
}

// Sanitizer builds (Debug) verify a fifth as many: the same checks, on fewer records.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr int kScaleRounds = 20;
#else
constexpr int kScaleRounds = 100;
#endif

TEST(VerifierScaleTest, AMillionAttemptsAtScale) {
  // 1M attempts over 10,000 accounts (a fifth under a sanitizer), 100 workers, 10% nacked and
  // retried. Its time is printed, not asserted: speed lives in the benchmarks.
  std::vector<AttemptRecord> records;
  records.reserve(kScaleRounds * 11'000);
  uint64_t id = 0;
  for (int round = 0; round < kScaleRounds; ++round) {
    for (int account = 0; account < 10'000; ++account) {
      AttemptRecord r;
      r.id = ++id;
      r.account = "acct-" + std::to_string(account);
      r.seq = static_cast<uint64_t>(round + 1);
      r.attempt = 1;
      r.worker = "host:1:" + std::to_string(account % 100);
      r.enqueued_ns = kT0;
      r.start_ns = kT0 + round * 10 * kMs;
      r.end_ns = r.start_ns + 4 * kMs;
      if (id % 10 == 0) {
        r.outcome = Outcome::kNack;
        records.push_back(r);
        r.attempt = 2;
        r.start_ns += 5 * kMs;
        r.end_ns += 5 * kMs;
      }
      r.outcome = Outcome::kAck;
      records.push_back(r);
    }
  }
  const auto start = std::chrono::steady_clock::now();
  VerifyReport report = Verify(records, {});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(report.ok()) << Details(report);
  EXPECT_EQ(report.events, kScaleRounds * 10'000u);
  EXPECT_EQ(report.attempts, kScaleRounds * 11'000u);
  EXPECT_EQ(report.nacked, kScaleRounds * 1'000u);
  EXPECT_EQ(report.workers, 100u);
  std::printf("Verify of %zu attempts took %lld ms\n", records.size(),
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()));
}

// A hostile log's times may be anywhere in int64_t: the figures saturate, nothing overflows
// (UBSan in the ASan tree), and a log of dropped lines only has no time span.
TEST(VerifierTest, ExtremeTimesSaturateTheFigures) {
  Log log;
  log.Ack("a", 1, 0, 1).Ack("a", 2, 1, 2);
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  log.records()[0].enqueued_ns = log.records()[0].start_ns = kMin;
  log.records()[1].enqueued_ns = kMin;
  log.records()[1].end_ns = kMax;
  const VerifyReport report = Verify(log.records(), {});
  EXPECT_EQ(report.makespan.count(), kMax);
  EXPECT_EQ(report.latency_max.count(), kMax);
  EXPECT_EQ(report.lower_bound.count(), kMax);  // 2 events x a saturated unit
  EXPECT_EQ(LowerBound(3, 1, 1, std::chrono::nanoseconds(kMax)).count(), kMax);

  Log dropped;
  dropped.Attempt("b", 1, 1, 0, 0, Outcome::kDropped);
  EXPECT_EQ(Verify(dropped.records(), {}).makespan.count(), 0);
}

}  // namespace
}  // namespace strandq
