// Copyright 2026 The strandq Authors.
// OpenStore's URLs and the helpers beside it (the stores themselves: store_contract_test.cc).

#include <gtest/gtest.h>

#include "strandq/store.h"

namespace strandq {
namespace {

TEST(RedactedStoreUrlTest, HidesThePassword) {
  EXPECT_EQ(RedactedStoreUrl("redis://app:s3cret@10.0.0.7:6380/3?prefix=q"),
            "redis://app:***@10.0.0.7:6380/3?prefix=q");
  EXPECT_EQ(RedactedStoreUrl("redis://:s3cret@cache:6379"), "redis://:***@cache:6379");
  // A password with '@' (percent-encoded or not) is hidden up to the last '@'.
  EXPECT_EQ(RedactedStoreUrl("redis://app:p@ss@cache:6379"), "redis://app:***@cache:6379");
  EXPECT_EQ(RedactedStoreUrl("redis://app:s%40cret@cache"), "redis://app:***@cache");
}

TEST(RedactedStoreUrlTest, LeavesUrlsWithoutAPasswordAlone) {
  EXPECT_EQ(RedactedStoreUrl("mem:"), "mem:");
  EXPECT_EQ(RedactedStoreUrl("redis://cache:6379/2"), "redis://cache:6379/2");
  EXPECT_EQ(RedactedStoreUrl("redis://app@cache:6379"), "redis://app@cache:6379");
  EXPECT_EQ(RedactedStoreUrl(""), "");
}

TEST(OpenStoreTest, TheEmbeddedStoreSaysItIsEmbedded) {
  EngineOptions options;
  options.lease_ttl = std::chrono::milliseconds(250);
  for (const char* url : {"mem:", "mem"}) {
    auto store = OpenStore(url, options);
    ASSERT_TRUE(store.ok()) << url << ": " << store.status().ToString();
    EXPECT_TRUE((*store)->Traits().embedded()) << url;
    EXPECT_EQ((*store)->Traits().lease_ttl, std::chrono::milliseconds(250)) << url;
  }
}

TEST(OpenStoreTest, AnUnknownUrlNamesWhatItExpects) {
  auto store = OpenStore("memcached://cache:11211", EngineOptions{});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(store.status().message().find("expected mem:, sqlite:PATH or redis://"),
            std::string::npos);
}

}  // namespace
}  // namespace strandq
