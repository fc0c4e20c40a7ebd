// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_url.h"

#include <gtest/gtest.h>

#include "backend/redis/redis_connection.h"

namespace strandq {
namespace {

TEST(RedisUrlTest, DefaultsForABareHost) {
  auto url = ParseRedisUrl("redis://cache.internal");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "cache.internal");
  EXPECT_EQ(url->port, 6379);
  EXPECT_EQ(url->db, 0);
  EXPECT_EQ(url->prefix, "strandq");
  EXPECT_EQ(url->user, "");
  EXPECT_EQ(url->password, "");
  EXPECT_EQ(url->Address(), "cache.internal:6379");
}

TEST(RedisUrlTest, EveryPart) {
  auto url = ParseRedisUrl("redis://app:s%40cret@10.0.0.7:6380/3?prefix=orders.eu");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->user, "app");
  EXPECT_EQ(url->password, "s@cret");
  EXPECT_EQ(url->host, "10.0.0.7");
  EXPECT_EQ(url->port, 6380);
  EXPECT_EQ(url->db, 3);
  EXPECT_EQ(url->prefix, "orders.eu");
}

TEST(RedisUrlTest, PasswordWithoutUserAndIpv6) {
  auto url = ParseRedisUrl("redis://:pw@[::1]:7000");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->user, "");
  EXPECT_EQ(url->password, "pw");
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->Address(), "[::1]:7000");
  auto lone = ParseRedisUrl("redis://secret@localhost");
  ASSERT_TRUE(lone.ok());
  EXPECT_EQ(lone->password, "secret");
  EXPECT_EQ(lone->user, "");
}

TEST(RedisUrlTest, BadUrlsNameTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"http://localhost", "must start with redis://"},
      {"redis://", "host is missing"},
      {"redis://:6379", "host is missing"},
      {"redis://localhost:0", "port must be a number"},
      {"redis://localhost:99999", "port must be a number"},
      {"redis://localhost:abc", "port must be a number"},
      {"redis://localhost/x", "database must be a number"},
      {"redis://localhost?db=1", "only query parameter is prefix"},
      {"redis://localhost?prefix=", "prefix must be"},
      {"redis://localhost?prefix=a{b}", "prefix must be"},
      {"redis://[::1:6379", "unclosed '['"},
      {"redis://u:%zz@localhost", "percent-escape"},
  };
  for (const auto& [text, why] : cases) {
    auto url = ParseRedisUrl(text);
    ASSERT_FALSE(url.ok()) << text;
    EXPECT_EQ(url.status().code(), Status::Code::kInvalidArgument) << text;
    EXPECT_NE(url.status().message().find(why), std::string::npos)
        << text << " -> " << url.status().message();
  }
}

TEST(RedisVersionTest, ReadsTheServerSection) {
  EXPECT_EQ(ParseRedisVersion("# Server\r\nredis_version:7.0.15\r\nredis_git_sha1:0\r\n"), 70015);
  EXPECT_EQ(ParseRedisVersion("redis_version:6.2.0\r\n"), 60200);
  EXPECT_EQ(ParseRedisVersion("redis_version:6.0.16\r\n"), 60016);
  EXPECT_LT(ParseRedisVersion("redis_version:6.0.16\r\n"), 60200);
  EXPECT_EQ(ParseRedisVersion("no version here"), 0);
}

}  // namespace
}  // namespace strandq
