// Copyright 2026 The strandq Authors.
#include "backend/sqlite/sqlite_url.h"

#include <gtest/gtest.h>

namespace strandq {
namespace {

TEST(SqliteUrlTest, APathWithTheDefaultSync) {
  auto url = ParseSqliteUrl("sqlite:data/strandq.db");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->path, "data/strandq.db");
  EXPECT_EQ(url->sync, SqliteUrl::Sync::kFull);
}

TEST(SqliteUrlTest, SyncLevels) {
  auto normal = ParseSqliteUrl("sqlite:/var/lib/strandq/q.db?sync=normal");
  ASSERT_TRUE(normal.ok());
  EXPECT_EQ(normal->path, "/var/lib/strandq/q.db");
  EXPECT_EQ(normal->sync, SqliteUrl::Sync::kNormal);
  auto full = ParseSqliteUrl("sqlite:q.db?sync=full");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->sync, SqliteUrl::Sync::kFull);
}

TEST(SqliteUrlTest, MistakesAreNamed) {
  auto empty = ParseSqliteUrl("sqlite:");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("names no file"), std::string::npos);
  auto query_only = ParseSqliteUrl("sqlite:?sync=full");
  EXPECT_FALSE(query_only.ok());
  auto unknown = ParseSqliteUrl("sqlite:q.db?sync=sometimes");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("sync=sometimes"), std::string::npos);
  EXPECT_EQ(unknown.status().code(), Status::Code::kInvalidArgument);
  auto nul = ParseSqliteUrl(std::string_view("sqlite:a\0b", 10));
  EXPECT_FALSE(nul.ok());
}

}  // namespace
}  // namespace strandq
