// Copyright 2026 The strandq Authors.
#include "runtime/handler_attempt.h"

#include <gtest/gtest.h>

namespace strandq {
namespace {

Event EventOf(uint64_t id) {
  Event e;
  e.id = id;
  return e;
}

TEST(HandlerAttemptTest, EachAttemptIsSettledOnceAndTheNextReusesIt) {
  auto first = HandlerAttempt::Next(nullptr, EventOf(1), 3, 1);
  EXPECT_EQ(first->event().id, 1u);
  EXPECT_EQ(first->index(), 3u);
  EXPECT_EQ(first->Running(), std::optional<uint64_t>(1));
  EXPECT_TRUE(first->Settle(1));
  EXPECT_FALSE(first->Settle(1)) << "settled already";
  EXPECT_EQ(first->Running(), std::nullopt);
  auto second = HandlerAttempt::Next(first, EventOf(2), 3, 2);
  EXPECT_EQ(second.get(), first.get()) << "reused: no allocation per event";
  EXPECT_FALSE(second->Settle(1)) << "a stale Completion of attempt 1";
  EXPECT_TRUE(second->Settle(2));
}

TEST(HandlerAttemptTest, ATimedOutAttemptIsCancelledAndNotReused) {
  auto attempt = HandlerAttempt::Next(nullptr, EventOf(1), 0, 1);
  Cancellation token = attempt->token();
  bool fired = false;
  token.OnCancel([&] { fired = true; });
  ASSERT_TRUE(attempt->Settle(1));  // the ticker won
  HandlerAttempt::TimeOut(attempt);
  EXPECT_TRUE(token.cancelled());
  EXPECT_TRUE(fired);
  auto next = HandlerAttempt::Next(attempt, EventOf(2), 0, 2);
  EXPECT_NE(next.get(), attempt.get()) << "the late handler may still read the old one";
  EXPECT_EQ(attempt->event().id, 1u);
}

TEST(HandlerAttemptTest, TheLastAttemptsCancelCallbackIsDroppedOnReuse) {
  auto attempt = HandlerAttempt::Next(nullptr, EventOf(1), 0, 1);
  bool fired = false;
  attempt->token().OnCancel([&] { fired = true; });
  ASSERT_TRUE(attempt->Settle(1));
  auto next = HandlerAttempt::Next(attempt, EventOf(2), 0, 2);
  ASSERT_TRUE(next->Settle(2));
  HandlerAttempt::TimeOut(next);
  EXPECT_FALSE(fired) << "attempt 1's callback fired for attempt 2";
}

}  // namespace
}  // namespace strandq
