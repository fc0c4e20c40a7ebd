// Copyright 2026 The strandq Authors.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "strandq/workload.h"

namespace strandq {
namespace {

std::vector<WorkloadEvent> Generate(const SeedOptions& options) {
  Result<std::vector<WorkloadEvent>> events = GenerateSeedWorkload(options);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  return events.ok() ? *events : std::vector<WorkloadEvent>{};
}

// Splits the list into runs: maximal stretches of consecutive events of one account.
std::vector<size_t> RunLengths(const std::vector<WorkloadEvent>& events) {
  std::vector<size_t> runs;
  for (size_t i = 0; i < events.size(); ++i) {
    if (i == 0 || events[i].account != events[i - 1].account) runs.push_back(0);
    ++runs.back();
  }
  return runs;
}

TEST(GeneratorTest, SameSeedSameList) {
  SeedOptions options;
  options.seed = 42;
  options.payload_bytes = 16;
  EXPECT_EQ(Generate(options), Generate(options));
}

TEST(GeneratorTest, DifferentSeedsDiffer) {
  SeedOptions a, b;
  a.seed = 1;
  b.seed = 2;
  EXPECT_NE(Generate(a), Generate(b));
}

TEST(GeneratorTest, KnownPrefixIsPinned) {
  // The output of seed 1 as first recorded on x86-64 Linux: a change to the PRNG or the
  // algorithm changes every seed workload, so it must be deliberate.
  SeedOptions options;
  options.events = 12;
  options.seed = 1;
  std::string summary;
  for (const WorkloadEvent& e : Generate(options)) {
    summary += e.account + "#" + std::to_string(e.seq) + " ";
  }
  EXPECT_EQ(summary, "702#1 702#2 702#3 702#4 702#5 702#6 574#1 574#2 574#3 574#4 697#1 697#2 ");
}

TEST(GeneratorTest, ExactCountsAndValidSeqs) {
  SeedOptions options;  // the DESIGN.md seed: 10,000 events, 1,000 accounts, runs of 1-10
  std::vector<WorkloadEvent> events = Generate(options);
  ASSERT_EQ(events.size(), 10'000u);
  std::map<std::string, uint64_t> last;
  for (const WorkloadEvent& e : events) {
    EXPECT_EQ(e.seq, ++last[e.account]) << e.account;
    EXPECT_TRUE(e.payload.empty());
  }
  EXPECT_LE(last.size(), 1'000u);
  EXPECT_GT(last.size(), 700u);
  const size_t longest = LongestAccount(events);
  EXPECT_GE(longest, 25u);
  EXPECT_LE(longest, 80u);
}

TEST(GeneratorTest, AccountsInRangeAndNamedByNumber) {
  SeedOptions options;
  options.events = 5'000;
  options.accounts = 37;
  std::set<std::string> names;
  for (const WorkloadEvent& e : Generate(options)) names.insert(e.account);
  EXPECT_EQ(names.size(), 37u);  // 5,000 events over 37 accounts use them all
  for (int i = 0; i < 37; ++i) EXPECT_TRUE(names.count(std::to_string(i))) << i;
}

TEST(GeneratorTest, RunsAreOneToTen) {
  SeedOptions options;
  options.events = 20'000;
  options.accounts = 1'000'000;  // so that two runs of one account almost never touch
  std::vector<size_t> runs = RunLengths(Generate(options));
  ASSERT_FALSE(runs.empty());
  std::map<size_t, size_t> histogram;
  for (size_t i = 0; i + 1 < runs.size(); ++i) ++histogram[runs[i]];  // the last may be cut
  EXPECT_EQ(histogram.begin()->first, 1u);
  EXPECT_EQ(histogram.rbegin()->first, 10u);
  EXPECT_EQ(histogram.size(), 10u);
  for (const auto& [length, count] : histogram) EXPECT_GT(count, 100u) << length;
}

TEST(GeneratorTest, FixedRunLength) {
  SeedOptions options;
  options.events = 103;
  options.accounts = 1'000'000;
  options.batch_min = options.batch_max = 5;
  std::vector<size_t> runs = RunLengths(Generate(options));
  ASSERT_EQ(runs.size(), 21u);
  for (size_t i = 0; i < 20; ++i) EXPECT_EQ(runs[i], 5u);
  EXPECT_EQ(runs.back(), 3u);  // cut to reach the exact count
}

TEST(GeneratorTest, PayloadsArePrintableAndIncludeCsvSpecials) {
  SeedOptions options;
  options.events = 2'000;
  options.payload_bytes = 64;
  bool comma = false, quote = false;
  for (const WorkloadEvent& e : Generate(options)) {
    ASSERT_EQ(e.payload.size(), 64u);
    for (char c : e.payload) {
      ASSERT_GE(c, ' ');
      ASSERT_LE(c, '~');
      comma = comma || c == ',';
      quote = quote || c == '"';
    }
  }
  EXPECT_TRUE(comma);
  EXPECT_TRUE(quote);
}

TEST(GeneratorTest, PayloadsDoNotChangeTheAccountSequence) {
  SeedOptions plain, with_payload;
  with_payload.payload_bytes = 8;
  std::vector<WorkloadEvent> a = Generate(plain), b = Generate(with_payload);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].account, b[i].account);
    ASSERT_EQ(a[i].seq, b[i].seq);
  }
}

TEST(GeneratorTest, RejectsBadOptions) {
  SeedOptions options;
  options.events = 0;
  EXPECT_EQ(GenerateSeedWorkload(options).status().code(), Status::Code::kInvalidArgument);
  options = SeedOptions();
  options.accounts = 0;
  EXPECT_EQ(GenerateSeedWorkload(options).status().code(), Status::Code::kInvalidArgument);
  options = SeedOptions();
  options.batch_min = 0;
  EXPECT_EQ(GenerateSeedWorkload(options).status().code(), Status::Code::kInvalidArgument);
  options = SeedOptions();
  options.batch_min = 5;
  options.batch_max = 4;
  EXPECT_EQ(GenerateSeedWorkload(options).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace strandq
