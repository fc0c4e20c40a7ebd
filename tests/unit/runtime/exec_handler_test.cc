// Copyright 2026 The strandq Authors.
// The exec: handler (src/runtime/exec_handler.cc) on an I/O loop of the test: its process
// group, stderr in the error, the permanent-failure exit, cancellation, and as many children at
// once as there are attempts.

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "strandq/handler.h"
#include "testutil/handler_loop.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;
using testing::ReadFile;
using testing::TempDir;

Event MakeEvent(uint64_t seq, std::string payload = "") {
  Event e;
  e.id = seq;
  e.account = "acct-" + std::to_string(seq);
  e.seq = seq;
  e.payload = std::move(payload);
  e.attempt = 1;
  return e;
}

// Starts attempts on a HandlerLoop; collects their outcomes.
class ExecHandlerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Handler> Make(const std::string& command, std::chrono::nanoseconds grace = 5s) {
    HandlerOptions options;
    options.exec_kill_grace = grace;
    auto handler = MakeHandler("exec:" + command, options);
    EXPECT_TRUE(handler.ok()) << handler.status().ToString();
    return handler.ok() ? std::move(*handler) : nullptr;
  }

  void Start(Handler& handler, const Event& event, const Cancellation& cancel = {}) {
    loop_.Start(handler, event, cancel);
  }
  std::vector<Outcome> WaitFor(size_t n) { return loop_.WaitFor(n); }

  Outcome RunOne(const std::string& command, const std::string& payload = "") {
    auto handler = Make(command);
    Event event = MakeEvent(1, payload);
    Start(*handler, event);
    return WaitFor(1).at(0);
  }

  testing::HandlerLoop loop_;
};

TEST_F(ExecHandlerTest, TheNackErrorCarriesTheTailOfStderr) {
  Outcome o = RunOne("echo 'card service: 503' >&2; exit 3");
  EXPECT_FALSE(o.acked());
  EXPECT_EQ(o.error, "command exited with status 3: card service: 503");
}

TEST_F(ExecHandlerTest, OnlyTheLastKilobytesOfStderrAreKept) {
  Outcome o = RunOne("head -c 100000 /dev/zero | tr '\\0' x >&2; echo ' THE END' >&2; exit 1");
  EXPECT_EQ(o.error.rfind("command exited with status 1: ...", 0), 0u) << o.error.substr(0, 80);
  EXPECT_LT(o.error.size(), 4200u);
  EXPECT_TRUE(o.error.ends_with("x THE END")) << o.error.substr(o.error.size() - 40);
}

TEST_F(ExecHandlerTest, ThePermanentFailureExitIsNotRetried) {
  Outcome o = RunOne("echo 'card declined' >&2; exit 65");
  EXPECT_TRUE(o.permanent());
  EXPECT_EQ(o.error, "permanent failure: command exited with status 65: card declined");
}

TEST_F(ExecHandlerTest, StdoutIsNotTakenForTheError) {
  Outcome o = RunOne("echo to-stdout; exit 2");
  EXPECT_EQ(o.error, "command exited with status 2");
}

TEST_F(ExecHandlerTest, TheChildLeadsAProcessGroupOfItsOwn) {
  // ps is not everywhere: the shell's own pid is its process group id in /proc.
  Outcome o = RunOne("set -- $(cut -d' ' -f5 /proc/$$/stat); test \"$1\" = $$");
  EXPECT_TRUE(o.acked()) << o.error;
  EXPECT_NE(getpgrp(), 0);
}

TEST_F(ExecHandlerTest, APayloadLargerThanThePipeIsFedWhole) {
  Outcome o = RunOne("test $(wc -c) = 1000000", std::string(1'000'000, 'p'));
  EXPECT_TRUE(o.acked()) << o.error;
}

TEST_F(ExecHandlerTest, ACancelledChildGetsSigtermOnItsWholeGroup) {
  TempDir dir;
  const std::string pids = dir.File("pids");
  // The shell and a grandchild in its group both record their pids, then hang.
  auto handler = Make("sleep 300 & echo $! >> " + pids + "; echo $$ >> " + pids + "; wait", 200ms);
  Event event = MakeEvent(1);
  CancellationSource source;
  Start(*handler, event, source.token());
  auto lines = [&] {
    const std::string text = ReadFile(pids);
    return std::count(text.begin(), text.end(), '\n');
  };
  while (lines() < 2) std::this_thread::sleep_for(5ms);
  source.Cancel();
  Outcome o = WaitFor(1).at(0);
  EXPECT_EQ(o.error, "command killed by signal 15");
  std::string text = ReadFile(pids);
  for (size_t at = 0; at < text.size();) {
    const size_t end = text.find('\n', at);
    const pid_t pid = std::stoi(text.substr(at, end - at));
    for (int i = 0; i < 500 && kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_NE(kill(pid, 0), 0) << "process " << pid << " survived the cancellation";
    at = end + 1;
  }
}

TEST_F(ExecHandlerTest, AChildThatIgnoresSigtermGetsSigkillAfterTheGrace) {
  TempDir dir;
  const std::string ready = dir.File("ready");
  auto handler = Make("trap '' TERM; touch " + ready + "; while :; do sleep 0.01; done", 50ms);
  Event event = MakeEvent(1);
  CancellationSource source;
  Start(*handler, event, source.token());
  while (access(ready.c_str(), F_OK) != 0) std::this_thread::sleep_for(5ms);
  source.Cancel();
  EXPECT_EQ(WaitFor(1).at(0).error, "command killed by signal 9");
}

TEST_F(ExecHandlerTest, ChildrenRunAtOnceBeyondAnyThreadCap) {
  // 100 children that each wait until 90 of them have started: a handler that ran fewer at
  // once (the former 64 threads) would leave them all waiting until their own give-up time.
  TempDir dir;
  constexpr int kChildren = 100;
  auto handler = Make("touch " + dir.path() + "/$STRANDQ_SEQ; i=0; while [ $(ls " + dir.path() +
                      " | wc -l) -lt 90 ]; do i=$((i+1)); [ $i -lt 150 ] || exit 1; sleep 0.2; "
                      "done");
  std::vector<Event> events;
  for (int i = 0; i < kChildren; ++i) events.push_back(MakeEvent(i + 1));
  for (const Event& e : events) Start(*handler, e);
  for (const Outcome& o : WaitFor(kChildren)) EXPECT_TRUE(o.acked()) << o.error;
}

}  // namespace
}  // namespace strandq
