// Copyright 2026 The strandq Authors.
#include "http/query_string.h"

#include <gtest/gtest.h>

namespace strandq::http {
namespace {

TEST(QueryStringTest, PercentDecodeDecodesAndRefusesBadEscapes) {
  EXPECT_EQ(*PercentDecode("acct%2D7", false), "acct-7");
  EXPECT_EQ(*PercentDecode("a%3Ab%40c", false), "a:b@c");
  EXPECT_EQ(*PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(*PercentDecode("a+b", true), "a b");
  EXPECT_EQ(*PercentDecode("", false), "");
  for (const char* bad : {"%", "a%", "a%2", "%G1", "%1G", "%%", "%-1"}) {
    auto decoded = PercentDecode(bad, false);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("percent-encoding"), std::string::npos);
  }
  auto nul = PercentDecode("a%00b", false);
  ASSERT_FALSE(nul.ok());
  EXPECT_NE(nul.status().message().find("NUL"), std::string::npos);
}

TEST(QueryStringTest, ParseQueryKeepsOrderAndRefusesRepeats) {
  auto q = ParseQuery("state=paused&sort=age&&limit=5&flag");
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[0], (std::pair<std::string, std::string>{"state", "paused"}));
  EXPECT_EQ((*q)[2], (std::pair<std::string, std::string>{"limit", "5"}));
  EXPECT_EQ((*q)[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_TRUE(ParseQuery("")->empty());

  auto twice = ParseQuery("limit=1&limit=2");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("'limit' given twice"), std::string::npos);
  auto bad = ParseQuery("limit=%zz");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("query parameter 'limit'"), std::string::npos);
  std::string many;
  for (int i = 0; i <= 16; ++i) many += "p" + std::to_string(i) + "=1&";
  EXPECT_FALSE(ParseQuery(many).ok());
}

TEST(QueryStringTest, QueryOfIsWhatFollowsTheFirstQuestionMark) {
  EXPECT_EQ(QueryOf("/v1/accounts?limit=5"), "limit=5");
  EXPECT_EQ(QueryOf("/v1/accounts"), "");
  EXPECT_EQ(QueryOf("/v1/accounts?a=1?b"), "a=1?b");
}

}  // namespace
}  // namespace strandq::http
