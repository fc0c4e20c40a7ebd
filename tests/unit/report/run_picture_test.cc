// Copyright 2026 The strandq Authors.
#include "report/run_picture.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace strandq::report {
namespace {

using Outcome = AttemptRecord::Outcome;

// An attempt of account#seq by `worker` over [start, end] ms after 1 s (enqueued at 1 s).
AttemptRecord PictureAttempt(const std::string& account, uint64_t seq, const std::string& worker,
                             int64_t start_ms, int64_t end_ms, Outcome outcome = Outcome::kAck,
                             const std::string& error = "") {
  AttemptRecord r;
  r.id = std::hash<std::string>{}(account) % 100000 * 1000 + seq;
  r.account = account;
  r.seq = seq;
  r.attempt = 1;
  r.worker = worker;
  r.enqueued_ns = 1'000'000'000;
  r.start_ns = 1'000'000'000 + start_ms * 1'000'000;
  r.end_ns = 1'000'000'000 + end_ms * 1'000'000;
  r.outcome = outcome;
  r.error = error;
  return r;
}

TEST(RunPictureTest, EmptyLogGivesAnEmptyPicture) {
  const RunPicture p = BuildRunPicture({});
  EXPECT_EQ(p.bins, 0u);
  EXPECT_TRUE(p.slot_rows.empty());
  EXPECT_TRUE(p.lanes.empty());
  EXPECT_TRUE(p.latency_counts.empty());
}

TEST(RunPictureTest, BinsCoverTheMakespanAndBusySharesAddUp) {
  // Two slots, 100 ms: slot 0 busy all the time, slot 1 for the second half.
  const std::vector<AttemptRecord> records = {PictureAttempt("a", 1, "h:1:0", 0, 50),
                                              PictureAttempt("a", 2, "h:1:0", 50, 100),
                                              PictureAttempt("b", 1, "h:1:1", 50, 100)};
  PictureLimits limits;
  limits.bins = 10;
  const RunPicture p = BuildRunPicture(records, limits);
  EXPECT_EQ(p.span_ns, 100'000'000);
  EXPECT_EQ(p.bins, 10u);
  EXPECT_EQ(p.bin_ns, 10'000'000);
  ASSERT_EQ(p.slots, 2u);
  ASSERT_EQ(p.slot_rows.size(), 2u);
  for (size_t b = 0; b < 10; ++b) {
    EXPECT_EQ(p.slot_rows[0].busy[b], 1000) << b;
    EXPECT_EQ(p.slot_rows[1].busy[b], b < 5 ? 0 : 1000) << b;
    EXPECT_DOUBLE_EQ(p.concurrency[b], b < 5 ? 1.0 : 2.0) << b;
  }
}

TEST(RunPictureTest, ManySlotsShareRowsInNaturalOrder) {
  std::vector<AttemptRecord> records;
  for (int slot = 0; slot < 25; ++slot) {
    records.push_back(PictureAttempt("a" + std::to_string(slot), 1, "h:1:" + std::to_string(slot),
                                     0, slot < 5 ? 10 : 5));
  }
  PictureLimits limits;
  limits.slot_rows = 10;
  limits.bins = 2;
  const RunPicture p = BuildRunPicture(records, limits);
  EXPECT_EQ(p.slots, 25u);
  EXPECT_EQ(p.slots_per_row, 3u);
  ASSERT_EQ(p.slot_rows.size(), 9u);  // ceil(25 / 3)
  EXPECT_EQ(p.slot_rows[0].label, "h:1:0 .. h:1:2");
  EXPECT_EQ(p.slot_rows[3].label, "h:1:9 .. h:1:11");  // 10 after 9, not after 1
  EXPECT_EQ(p.slot_rows[8].label, "h:1:24");
  EXPECT_EQ(p.slot_rows[8].members, 1u);
  // Row 1 holds slots 3, 4 (busy 10 ms) and 5 (5 ms): 2/3 busy in the second bin.
  EXPECT_EQ(p.slot_rows[1].busy[0], 1000);
  EXPECT_EQ(p.slot_rows[1].busy[1], 667);
}

TEST(RunPictureTest, SlotNamesSortByTheirNumber) {
  EXPECT_TRUE(SlotNameLess("h:1:2", "h:1:10"));
  EXPECT_FALSE(SlotNameLess("h:1:10", "h:1:2"));
  EXPECT_TRUE(SlotNameLess("h:1:10", "h:2:0"));
  EXPECT_TRUE(SlotNameLess("a", "b"));
  EXPECT_FALSE(SlotNameLess("store", "store"));
}

TEST(RunPictureTest, LanesAreTheAccountsWithTheMostEvents) {
  std::vector<AttemptRecord> records;
  for (uint64_t seq = 1; seq <= 3; ++seq)
    records.push_back(PictureAttempt("long", seq, "w:0", 0, 1));
  // Two attempts of one event count once.
  records.push_back(PictureAttempt("mid", 1, "w:1", 0, 1, Outcome::kNack, "boom"));
  records.push_back(PictureAttempt("mid", 1, "w:1", 1, 2));
  records.push_back(PictureAttempt("mid", 2, "w:1", 2, 3));
  records.push_back(PictureAttempt("short", 1, "w:2", 0, 1));
  PictureLimits limits;
  limits.lanes = 2;
  const RunPicture p = BuildRunPicture(records, limits);
  EXPECT_EQ(p.accounts, 3u);
  ASSERT_EQ(p.lanes.size(), 2u);
  EXPECT_EQ(p.lanes[0].label, "long");
  EXPECT_EQ(p.lanes[0].events, 3u);
  EXPECT_EQ(p.lanes[1].label, "mid");
  EXPECT_EQ(p.lanes[1].events, 2u);
  ASSERT_EQ(p.lanes[1].marks.size(), 1u);
  EXPECT_EQ(p.lanes[1].marks[0].failed, 1u);
}

TEST(RunPictureTest, FailuresAreMarkedInTheBinWhereTheyEnd) {
  const std::vector<AttemptRecord> records = {
      PictureAttempt("a", 1, "w:0", 0, 10, Outcome::kNack, "e1"),
      PictureAttempt("a", 1, "w:0", 10, 20, Outcome::kNack, "e1"),
      PictureAttempt("a", 1, "w:0", 20, 95, Outcome::kDead, "e2"),
      PictureAttempt("b", 1, "w:1", 0, 100, Outcome::kLost, "lease lost")};
  PictureLimits limits;
  limits.bins = 10;
  const RunPicture p = BuildRunPicture(records, limits);
  ASSERT_EQ(p.slot_rows.size(), 2u);
  const auto& marks = p.slot_rows[0].marks;
  ASSERT_EQ(marks.size(), 3u);
  EXPECT_EQ(marks[0].bin, 1u);  // ends at 10 ms: the second bin
  EXPECT_EQ(marks[1].bin, 2u);
  EXPECT_EQ(marks[2].bin, 9u);
  EXPECT_EQ(marks[2].dead, 1u);
  EXPECT_EQ(p.slot_rows[1].marks.back().bin, 9u);  // the last end is in the last bin
  EXPECT_EQ(p.slot_rows[1].marks.back().failed, 1u);
  EXPECT_EQ(p.failed_attempts, 4u);
  ASSERT_EQ(p.errors.size(), 3u);
  EXPECT_EQ(p.errors[0].error, "e1");
  EXPECT_EQ(p.errors[0].count, 2u);
  EXPECT_EQ(p.errors[0].example, "a#1");
  ASSERT_EQ(p.dead.size(), 1u);
  EXPECT_EQ(p.dead_total, 1u);
  EXPECT_EQ(p.dead[0].error, "e2");
  EXPECT_EQ(p.dead[0].at_ns, 95'000'000);
}

TEST(RunPictureTest, ListsAndErrorsAreCut) {
  std::vector<AttemptRecord> records;
  for (uint64_t seq = 1; seq <= 50; ++seq) {
    records.push_back(PictureAttempt("a", seq, "w:0", static_cast<int64_t>(seq),
                                     static_cast<int64_t>(seq) + 1, Outcome::kDead,
                                     "error " + std::to_string(seq) + std::string(500, 'x')));
  }
  const RunPicture p = BuildRunPicture(records);
  EXPECT_EQ(p.dead_total, 50u);
  ASSERT_EQ(p.dead.size(), 20u);
  EXPECT_EQ(p.dead[0].seq, 1u);  // earliest first
  EXPECT_EQ(p.dead[0].error.size(), 300u);
  EXPECT_EQ(p.distinct_errors, 50u);
  EXPECT_EQ(p.errors.size(), 10u);
}

TEST(RunPictureTest, LatencyHistogramCountsEveryAck) {
  std::vector<AttemptRecord> records;
  for (int i = 1; i <= 100; ++i) records.push_back(PictureAttempt("a", i, "w:0", i, i + 1));
  records.push_back(PictureAttempt("a", 101, "w:0", 1, 2, Outcome::kNack, "x"));  // not acked
  PictureLimits limits;
  limits.latency_bins = 10;
  const RunPicture p = BuildRunPicture(records, limits);
  EXPECT_TRUE(p.latency_log);  // 2 ms to 101 ms: max/min >= 50
  uint64_t total = 0;
  for (uint64_t c : p.latency_counts) total += c;
  EXPECT_EQ(total, 100u);
  ASSERT_EQ(p.latency_edges.size(), 11u);
  EXPECT_DOUBLE_EQ(p.latency_edges.front(), 2e6);
}

TEST(RunPictureTest, BoundedWhateverTheLogsSize) {
  std::vector<AttemptRecord> records;
  for (int i = 0; i < 20000; ++i) {
    records.push_back(PictureAttempt("acct" + std::to_string(i % 700), i / 700 + 1,
                                     "h:1:" + std::to_string(i % 1500), i, i + 3));
  }
  const RunPicture p = BuildRunPicture(records);
  EXPECT_LE(p.slot_rows.size(), 120u);
  EXPECT_LE(p.bins, 600u);
  EXPECT_EQ(p.lanes.size(), 20u);
  for (const Strip& s : p.slot_rows) EXPECT_EQ(s.busy.size(), p.bins);
}

TEST(RunPictureTest, ZeroLengthRunsStillHaveOneBin) {
  const std::vector<AttemptRecord> records = {PictureAttempt("a", 1, "w:0", 5, 5)};
  const RunPicture p = BuildRunPicture(records);
  EXPECT_EQ(p.bins, 1u);
  ASSERT_EQ(p.slot_rows.size(), 1u);
  EXPECT_EQ(p.slot_rows[0].busy[0], 0);
  ASSERT_EQ(p.latency_counts.size(), 1u);
  EXPECT_EQ(p.latency_counts[0], 1u);
}

// A hostile log's times may be anywhere in int64_t (UBSan in the ASan tree checks the
// arithmetic).
TEST(RunPictureTest, ExtremeTimesStayInTheirBins) {
  std::vector<AttemptRecord> records = {PictureAttempt("a", 1, "w:0", 0, 1),
                                        PictureAttempt("a", 2, "w:0", 1, 2)};
  records[0].start_ns = records[0].enqueued_ns = std::numeric_limits<int64_t>::min();
  records[1].end_ns = std::numeric_limits<int64_t>::max();
  const RunPicture p = BuildRunPicture(records);
  EXPECT_EQ(p.span_ns, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(p.bins, 600u);
  ASSERT_EQ(p.slot_rows.size(), 1u);
  EXPECT_GT(p.slot_rows[0].busy.front(), 0);
  EXPECT_GT(p.slot_rows[0].busy.back(), 0);
  EXPECT_EQ(p.latency_counts.size(), 40u);
}

}  // namespace
}  // namespace strandq::report
