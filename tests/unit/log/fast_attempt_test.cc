// Copyright 2026 The strandq Authors.
#include "log/fast_attempt.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

namespace strandq {
namespace {

using Outcome = AttemptRecord::Outcome;

void ExpectSameRecord(const AttemptRecord& a, const AttemptRecord& b, const std::string& line) {
  EXPECT_EQ(a.id, b.id) << line;
  EXPECT_EQ(a.account, b.account) << line;
  EXPECT_EQ(a.seq, b.seq) << line;
  EXPECT_EQ(a.attempt, b.attempt) << line;
  EXPECT_EQ(a.replay, b.replay) << line;
  EXPECT_EQ(a.worker, b.worker) << line;
  EXPECT_EQ(a.enqueued_ns, b.enqueued_ns) << line;
  EXPECT_EQ(a.start_ns, b.start_ns) << line;
  EXPECT_EQ(a.end_ns, b.end_ns) << line;
  EXPECT_EQ(a.outcome, b.outcome) << line;
  EXPECT_EQ(a.error, b.error) << line;
  EXPECT_EQ(a.unconfirmed, b.unconfirmed) << line;
}

// Text of random bytes: printable ASCII and the simply escaped ones, or (`any`) also control
// characters, DEL and bytes of (often invalid) UTF-8.
std::string CanonicalRandomText(std::mt19937_64& rng, size_t max, bool any) {
  static const std::string kPlain = "abcXYZ019 -_:.@\"\\/\b\f\n\r\t<>&";
  static const std::string kAny = kPlain + "\x01\x1f\x7f\xc3\xa9\xe2\x80\xa8\xff";
  const std::string& bytes = any ? kAny : kPlain;
  std::string out(rng() % (max + 1), ' ');
  for (char& c : out) c = bytes[rng() % bytes.size()];
  return out;
}

// Half of them in the fast path's form, half anything the writer may write.
AttemptRecord CanonicalRandomRecord(std::mt19937_64& rng) {
  const bool any = rng() % 2 == 0;
  AttemptRecord r;
  const uint64_t big[] = {
      0, 1, 9, 10, 4294967295u, 4294967296u, std::numeric_limits<uint64_t>::max(), rng()};
  r.id = big[rng() % 8];
  r.account = CanonicalRandomText(rng, 6, any);
  r.seq = big[rng() % 8];
  r.attempt = static_cast<uint32_t>(big[rng() % 5]);
  r.replay = rng() % 3 == 0 ? static_cast<uint32_t>(rng() % 5) : 0;
  r.worker = CanonicalRandomText(rng, 12, any);
  const int64_t times[] = {1796157398401874492,
                           0,
                           1,
                           -1,
                           std::numeric_limits<int64_t>::max(),
                           std::numeric_limits<int64_t>::min()};
  const size_t kinds = any ? 6 : 1;  // times[0] only, or negative ones too
  r.enqueued_ns = times[rng() % kinds];
  r.start_ns = times[rng() % kinds];
  r.end_ns = times[rng() % kinds];
  r.outcome = static_cast<Outcome>(rng() % 5);
  r.error = CanonicalRandomText(rng, 20, any);
  r.unconfirmed = rng() % 4 == 0;
  return r;
}

TEST(FastAttemptTest, ReadsWhatTheWriterWrites) {
  AttemptRecord r;
  r.id = 17;
  r.account = "a42";
  r.seq = 3;
  r.attempt = 2;
  r.replay = 1;
  r.worker = "host:12:7";
  r.enqueued_ns = 1796157398401874492;
  r.start_ns = 1796157399087210597;
  r.end_ns = 1796157399088636073;
  r.outcome = Outcome::kNack;
  r.error = "boom \"quoted\"\n\ttab";
  r.unconfirmed = true;
  const std::string line = FormatAttempt(r);
  const std::optional<AttemptRecord> fast = ParseAttemptFast(line);
  ASSERT_TRUE(fast.has_value()) << line;
  ExpectSameRecord(*fast, r, line);
}

// Other valid forms (key order, spaces, \u escapes, negative times, duplicate keys) are read
// as the JSON parser reads them.
TEST(FastAttemptTest, ReadsOtherValidFormsAsTheJsonParserDoes) {
  for (
      const char* line : {
          R"({"account":"a","id":1,"seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack"})",
          R"({"id":1, "account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack"} )",
          R"({"id":1,"account":"\u0041","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack"})",
          R"({"id":1,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":-1,"start_ns":1,"end_ns":1,"outcome":"ack"})",
          R"({"id":1,"id":2,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"nack","error":"e"})",
      }) {
    const std::optional<AttemptRecord> fast = ParseAttemptFast(line);
    const Result<AttemptRecord> general = ParseAttemptJson(line);
    ASSERT_TRUE(fast.has_value()) << line;
    ASSERT_TRUE(general.ok()) << line << ": " << general.status().ToString();
    ExpectSameRecord(*fast, *general, line);
  }
}

// What the JSON parser refuses, the fast path refuses too (the JSON parser then says why); a
// key the writer does not write is left to the JSON parser.
TEST(FastAttemptTest, LeavesTheRestToTheJsonParser) {
  for (
      const char* line : {
          R"({"id":01,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack"})",
          R"({"id":1.0,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack"})",
          R"({"id":1,"account":"a","seq":1,"attempt":4294967296,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack"})",
          R"({"id":1,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"maybe"})",
          R"({"id":1,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack")",
          R"({"id":1,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack"}x)",
          R"({"id":1,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"outcome":"ack"})",
          R"({"id":18446744073709551616,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack"})",
          R"({"id":1,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":9223372036854775808,"start_ns":1,"end_ns":1,"outcome":"ack"})",
          R"({"id":1,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack","unconfirmed":1})",
          R"([1,2])",
          R"({"id":1,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack","x":01})",
      }) {
    EXPECT_FALSE(ParseAttemptFast(line).has_value()) << line;
    EXPECT_FALSE(ParseAttemptJson(line).ok()) << line;
  }
  const char* unknown_key =
      R"({"id":1,"account":"a","seq":1,"attempt":1,"worker":"w","enqueued_ns":1,"start_ns":1,"end_ns":1,"outcome":"ack","x":1})";
  EXPECT_FALSE(ParseAttemptFast(unknown_key).has_value());
  EXPECT_TRUE(ParseAttemptJson(unknown_key).ok());
}

// Whatever the writer writes, and whatever a byte flip or a cut makes of it: a line the fast
// path takes is read the same by the JSON parser.
TEST(FastAttemptTest, AgreesWithTheJsonParser) {
  std::mt19937_64 rng(20261201);
  size_t fast_lines = 0, mutated_fast = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string line = FormatAttempt(CanonicalRandomRecord(rng));
    const Result<AttemptRecord> general = ParseAttemptJson(line);
    ASSERT_TRUE(general.ok()) << line << ": " << general.status().ToString();
    if (const auto fast = ParseAttemptFast(line)) {
      ++fast_lines;
      ExpectSameRecord(*fast, *general, line);
    }
    std::string mutated = line;
    if (rng() % 2 == 0) {
      mutated[rng() % mutated.size()] = "{}\":,0-9a\\ \x80"[rng() % 13];
    } else {
      mutated.resize(rng() % mutated.size());
    }
    if (const auto fast = ParseAttemptFast(mutated)) {
      ++mutated_fast;
      const Result<AttemptRecord> again = ParseAttemptJson(mutated);
      ASSERT_TRUE(again.ok()) << mutated << ": " << again.status().ToString();
      ExpectSameRecord(*fast, *again, mutated);
    }
  }
  EXPECT_GT(fast_lines, 2000u);  // the fast path is taken
  EXPECT_GT(mutated_fast, 100u);
}

}  // namespace
}  // namespace strandq
