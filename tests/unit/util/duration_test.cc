// Copyright 2026 The strandq Authors.
#include "strandq/duration.h"

#include <gtest/gtest.h>

namespace strandq {
namespace {

using std::chrono::nanoseconds;

TEST(DurationTest, ParsesEveryUnit) {
  EXPECT_EQ(*ParseDuration("1s"), std::chrono::seconds(1));
  EXPECT_EQ(*ParseDuration("10ms"), std::chrono::milliseconds(10));
  EXPECT_EQ(*ParseDuration("250us"), std::chrono::microseconds(250));
  EXPECT_EQ(*ParseDuration("500ns"), nanoseconds(500));
  EXPECT_EQ(*ParseDuration("2m"), std::chrono::minutes(2));
  EXPECT_EQ(*ParseDuration("1h"), std::chrono::hours(1));
  EXPECT_EQ(*ParseDuration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(*ParseDuration("0"), nanoseconds(0));
  EXPECT_EQ(*ParseDuration("0ms"), nanoseconds(0));
}

TEST(DurationTest, RejectsWhatDoesNotParse) {
  for (const char* bad : {"", "s", "10", "1 s", "-1s", "1sec", "abc", "1.2.3s", "99999999999h"}) {
    auto parsed = ParseDuration(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
      EXPECT_NE(parsed.status().message().find("bad duration"), std::string::npos);
    }
  }
}

TEST(DurationTest, FormatsReadably) {
  EXPECT_EQ(FormatDuration(std::chrono::seconds(1)), "1s");
  EXPECT_EQ(FormatDuration(std::chrono::milliseconds(10)), "10ms");
  EXPECT_EQ(FormatDuration(std::chrono::milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatDuration(nanoseconds(0)), "0s");
  EXPECT_EQ(FormatDuration(std::chrono::microseconds(250)), "250us");
  // Found by fuzz/duration_fuzz: a rendering must parse again (no "2.22224e+06h").
  const auto long_ago = ParseDuration("00008000080001s");
  ASSERT_TRUE(long_ago.ok());
  EXPECT_EQ(FormatDuration(*long_ago), "2222244h");
  EXPECT_TRUE(ParseDuration(FormatDuration(*long_ago)).ok());
  EXPECT_EQ(FormatDuration(*ParseDuration("99999.9h")), "99999.9h");
  EXPECT_EQ(FormatDuration(*ParseDuration("9199999999s")), "2555555h");  // near the largest
  EXPECT_EQ(FormatDuration(*ParseDuration("999999.9h")), "999999h");     // 6 digits, truncated
  EXPECT_EQ(FormatDuration(nanoseconds(7)), "7ns");
}

TEST(StatusTest, CarriesCodeAndMessage) {
  Status s = Status::LeaseLost("token 3 is stale");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "lease lost: token 3 is stale");
  EXPECT_EQ(s.Prefixed("complete").message(), "complete: token 3 is stale");
  EXPECT_TRUE(Status().ok());
  EXPECT_TRUE(Status().Prefixed("x").ok());
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = 7;
  EXPECT_TRUE(good.ok());
  EXPECT_EQ(*good, 7);
  EXPECT_TRUE(good.status().ok());
  Result<int> bad = Status::NotFound("nope");
  EXPECT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace strandq
