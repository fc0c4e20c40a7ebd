// Copyright 2026 The strandq Authors.
#include "runtime/foreign_posts.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>

namespace strandq {
namespace {

using namespace std::chrono_literals;

TEST(ForeignPostsTest, WaitNoneBlocksUntilTheLastPostLeft) {
  ForeignPosts posts;
  posts.WaitNone();  // none: returns at once
  posts.Enter();
  posts.Enter();
  auto waiter = std::async(std::launch::async, [&] { posts.WaitNone(); });
  posts.Leave();
  EXPECT_EQ(waiter.wait_for(20ms), std::future_status::timeout) << "one post is still inside";
  posts.Leave();
  waiter.get();
}

}  // namespace
}  // namespace strandq
