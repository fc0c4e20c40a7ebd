// Copyright 2026 The strandq Authors.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <csignal>
#include <future>

#include "strandq/handler.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;

Event MakeEvent(std::string account, uint64_t seq, std::string payload = "") {
  Event e;
  e.id = 100 + seq;
  e.account = std::move(account);
  e.seq = seq;
  e.payload = std::move(payload);
  e.attempt = 1;
  return e;
}

// Runs handlers one event at a time on an I/O loop that outlives every handler of the test
// (handlers are locals of the test body, destroyed before the fixture).
class HandlerFactoryTest : public ::testing::Test {
 protected:
  Outcome RunOne(Handler& handler, const Event& event, const Cancellation& cancel = {}) {
    io_.restart();
    auto guard = boost::asio::make_work_guard(io_);
    std::promise<Outcome> promise;
    auto future = promise.get_future();
    handler.Start(
        event, io_,
        [&](Outcome o) {
          promise.set_value(std::move(o));
          boost::asio::post(io_, [&] { guard.reset(); });
        },
        cancel);
    io_.run();
    return future.get();
  }

  boost::asio::io_context io_;
};

TEST_F(HandlerFactoryTest, RejectsUnknownSpecsAndBadDurations) {
  for (const char* spec :
       {"", "sleep", "sleep:", "sleep:abc", "sleep:10", "exec:", "bogus:1s", "http"}) {
    auto h = MakeHandler(spec, {});
    EXPECT_FALSE(h.ok()) << spec;
    if (!h.ok()) {
      EXPECT_EQ(h.status().code(), Status::Code::kInvalidArgument) << spec;
    }
  }
  HandlerOptions bad_rate;
  bad_rate.fail_rate = 1.5;
  EXPECT_FALSE(MakeHandler("noop", bad_rate).ok());
}

TEST_F(HandlerFactoryTest, SleepWaitsAtLeastItsDuration) {
  auto handler = *MakeHandler("sleep:20ms", {});
  const auto start = std::chrono::steady_clock::now();
  Outcome o = RunOne(*handler, MakeEvent("a", 1));
  EXPECT_TRUE(o.acked());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
}

TEST_F(HandlerFactoryTest, FailRateOneAlwaysNacks) {
  HandlerOptions options;
  options.fail_rate = 1.0;
  auto handler = *MakeHandler("noop", options);
  for (int i = 0; i < 10; ++i) {
    Outcome o = RunOne(*handler, MakeEvent("a", i + 1));
    EXPECT_FALSE(o.acked());
    EXPECT_NE(o.error.find("injected"), std::string::npos);
  }
}

TEST_F(HandlerFactoryTest, FailRateIsRoughlyHonoured) {
  HandlerOptions options;
  options.fail_rate = 0.25;
  options.seed = 3;
  auto handler = *MakeHandler("noop", options);
  int nacks = 0;
  for (int i = 0; i < 4000; ++i) nacks += !RunOne(*handler, MakeEvent("a", 1)).acked();
  EXPECT_GT(nacks, 800);
  EXPECT_LT(nacks, 1200);
}

TEST_F(HandlerFactoryTest, ExecAcksOnExitZeroAndSeesPayloadAndEnvironment) {
  auto handler = *MakeHandler(
      "exec:test \"$STRANDQ_ACCOUNT\" = acct-7 && test \"$STRANDQ_SEQ\" = 3 && "
      "test \"$STRANDQ_EVENT_ID\" = 103 && test \"$STRANDQ_ATTEMPT\" = 1 && grep -q 'a,\"b'",
      {});
  EXPECT_TRUE(RunOne(*handler, MakeEvent("acct-7", 3, "x a,\"b y")).acked());
  Outcome wrong = RunOne(*handler, MakeEvent("acct-8", 3, "x a,\"b y"));
  EXPECT_FALSE(wrong.acked());
  EXPECT_EQ(wrong.error, "command exited with status 1");
}

TEST_F(HandlerFactoryTest, ExecNacksWithTheExitStatus) {
  auto handler = *MakeHandler("exec:exit 3", {});
  Outcome o = RunOne(*handler, MakeEvent("a", 1, std::string(1 << 20, 'x')));
  EXPECT_FALSE(o.acked());
  EXPECT_EQ(o.error, "command exited with status 3");
}

TEST_F(HandlerFactoryTest, ExecCommandsGetDefaultSigpipe) {
  // As the strandq binary does: a pipeline inside the command must still end quietly.
  auto old = std::signal(SIGPIPE, SIG_IGN);
  // With SIGPIPE ignored, `yes` complains "Broken pipe" on stderr instead of dying quietly.
  auto handler = *MakeHandler("exec:test -z \"$( (yes | head -c1 >/dev/null) 2>&1 )\"", {});
  EXPECT_TRUE(RunOne(*handler, MakeEvent("a", 1)).acked());
  std::signal(SIGPIPE, old);
}

TEST_F(HandlerFactoryTest, ExecReportsASignal) {
  auto handler = *MakeHandler("exec:kill -9 $$", {});
  Outcome o = RunOne(*handler, MakeEvent("a", 1));
  EXPECT_FALSE(o.acked());
  EXPECT_EQ(o.error, "command killed by signal 9");
}

}  // namespace
}  // namespace strandq
