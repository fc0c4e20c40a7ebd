// Copyright 2026 The strandq Authors.
#include "http/dead_body.h"

#include <gtest/gtest.h>

#include <string>

namespace strandq::http {
namespace {

TEST(DeadBodyTest, IdsAllAndAt) {
  auto ids = ParseDeadSelection(R"({"ids":[3,1,18446744073709551615]})", true);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(ids->ids, (std::vector<uint64_t>{3, 1, UINT64_MAX}));
  EXPECT_FALSE(ids->all);
  EXPECT_EQ(ids->at, ReplayAt::kHead);

  auto all = ParseDeadSelection(" {\"at\":\"tail\", \"all\":true}\n", true);
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_TRUE(all->all);
  EXPECT_TRUE(all->ids.empty());
  EXPECT_EQ(all->at, ReplayAt::kTail);
  EXPECT_TRUE(ParseDeadSelection(R"({"all":true})", false).ok());
}

// Every malformed body is refused whole, with a message naming the problem.
TEST(DeadBodyTest, HostileBodiesAreRefusedWithTheirReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "expected an object"},
      {"[]", "expected an object"},
      {"{", "expected a field name"},
      {"{}", "one of the two"},
      {R"({"ids":[]})", "\"ids\" is empty"},
      {R"({"ids":[1],"all":true})", "one of the two"},
      {R"({"all":false})", "\"all\" must be true"},
      {R"({"all":1})", "\"all\" must be true"},
      {R"({"ids":[0]})", "ids[0]"},
      {R"({"ids":[1,-2]})", "ids[1]"},
      {R"({"ids":[1.5]})", "ids[0]"},
      {R"({"ids":["1"]})", "ids[0]"},
      {R"({"ids":[[1]]})", "ids[0]"},
      {R"({"ids":[18446744073709551616]})", "ids[0]"},
      {R"({"ids":[1,]})", "expected an id"},
      {R"({"ids":[1 2]})", "expected ',' or ']'"},
      {R"({"ids":"1"})", "must be an array"},
      {R"({"ids":[1],"ids":[2]})", "given twice"},
      {R"({"id":[1]})", "unknown field \"id\""},
      {R"({"all":true,"at":"middle"})", "\"at\" must be \"head\" or \"tail\""},
      {R"({"all":true} {})", "the end of the JSON text"},
      {std::string("{\"all\":true}\0", 13), "NUL"},
      {"{\"all\":tru", "malformed JSON"},
      {"{\"all\xff\":true}", "malformed JSON"},
  };
  for (const auto& [body, reason] : cases) {
    auto parsed = ParseDeadSelection(body, true);
    ASSERT_FALSE(parsed.ok()) << body;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument) << body;
    EXPECT_NE(parsed.status().message().find(reason), std::string::npos)
        << body << " -> " << parsed.status().message();
  }
  // "at" is replay's only.
  auto at = ParseDeadSelection(R"({"all":true,"at":"head"})", false);
  ASSERT_FALSE(at.ok());
  EXPECT_NE(at.status().message().find("unknown field \"at\""), std::string::npos);
}

TEST(DeadBodyTest, TooManyIdsIsTooLarge) {
  std::string body = "{\"ids\":[1";
  for (size_t i = 1; i < kMaxDeadIdsPerRequest; ++i) body += ",1";
  EXPECT_TRUE(ParseDeadSelection(body + "]}", true).ok());
  auto over = ParseDeadSelection(body + ",1]}", true);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), Status::Code::kTooLarge);
  EXPECT_NE(over.status().message().find("more than 10000 ids"), std::string::npos);
  // A huge array stops at the limit, whatever follows.
  std::string huge = "{\"ids\":[";
  for (int i = 0; i < 200'000; ++i) huge += "7,";
  EXPECT_EQ(ParseDeadSelection(huge, true).status().code(), Status::Code::kTooLarge);
}

}  // namespace
}  // namespace strandq::http
