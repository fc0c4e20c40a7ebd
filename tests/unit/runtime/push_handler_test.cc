// Copyright 2026 The strandq Authors.
// The http: push handler (src/runtime/push_handler.cc) against a real local HTTP server on an I/O
// loop of the test: the request, kept-alive connections, each outcome, Retry-After waits,
// connection errors, a stale idle connection, and cancellation.

#include "runtime/push_handler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "testutil/handler_loop.h"
#include "testutil/http_test_server.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;
using testing::HttpTestServer;
using testing::TestRequest;
using testing::TestResponse;

Event PushTestEvent(uint64_t id, std::string payload = "") {
  Event e;
  e.id = id;
  e.account = "acct-" + std::to_string(id % 3);
  e.seq = id;
  e.payload = std::move(payload);
  e.enqueued_ns = 1234;
  e.attempt = 2;
  return e;
}

// Starts attempts on a HandlerLoop; collects their outcomes.
class PushHandlerTest : public ::testing::Test {
 protected:
  static std::string Url(const HttpTestServer& server, const std::string& path = "/events") {
    return "http://127.0.0.1:" + std::to_string(server.port()) + path;
  }

  std::unique_ptr<Handler> Make(const std::string& url, http::PushOptions options = {}) {
    auto handler = http::NewPushHandler(url, options);
    EXPECT_TRUE(handler.ok()) << handler.status().ToString();
    return handler.ok() ? std::move(*handler) : nullptr;
  }

  void Start(Handler& handler, const Event& event, const Cancellation& cancel = {}) {
    loop_.Start(handler, event, cancel);
  }
  std::vector<Outcome> WaitFor(size_t n) { return loop_.WaitFor(n); }

  Outcome RunOne(Handler& handler, const Event& event) {
    const size_t before = WaitFor(0).size();
    Start(handler, event);
    return WaitFor(before + 1).at(before);
  }

  testing::HandlerLoop loop_;
};

TEST_F(PushHandlerTest, A2xxAcksAndTheEventGoesAsJsonWithItsHeaders) {
  HttpTestServer server([](const TestRequest&) { return HttpTestServer::Make(204); });
  auto handler = Make(Url(server, "/hooks/events?x=1"));
  Event event = PushTestEvent(7, R"({"amount":12,"tags":["a"]})");
  Outcome o = RunOne(*handler, event);
  EXPECT_TRUE(o.acked()) << o.error;
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const TestRequest& req = requests[0];
  EXPECT_EQ(req.method(), boost::beast::http::verb::post);
  EXPECT_EQ(req.target(), "/hooks/events?x=1");
  EXPECT_EQ(req["Content-Type"], "application/json");
  EXPECT_EQ(req["Strandq-Event-Id"], "7");
  EXPECT_EQ(req["Strandq-Account"], "acct-1");
  EXPECT_EQ(req["Strandq-Seq"], "7");
  EXPECT_EQ(req["Strandq-Attempt"], "2");
  EXPECT_TRUE(req.keep_alive());
  auto body = nlohmann::json::parse(req.body());
  EXPECT_EQ(body["id"], 7);
  EXPECT_EQ(body["account"], "acct-1");
  EXPECT_EQ(body["seq"], 7);
  EXPECT_EQ(body["attempt"], 2);
  EXPECT_EQ(body["enqueued_ns"], 1234);
  EXPECT_EQ(body["payload"]["amount"], 12);  // a JSON value comes back as that value
}

TEST_F(PushHandlerTest, SequentialAttemptsShareOneKeptAliveConnection) {
  HttpTestServer server([](const TestRequest&) { return HttpTestServer::Make(200, "ok"); });
  auto handler = Make(Url(server));
  for (uint64_t id = 1; id <= 5; ++id) {
    Event event = PushTestEvent(id, "plain text");
    EXPECT_TRUE(RunOne(*handler, event).acked());
  }
  EXPECT_EQ(server.requests().size(), 5u);
  EXPECT_EQ(server.connections(), 1u);
}

TEST_F(PushHandlerTest, AttemptsAtOnceGetAConnectionEach) {
  // The server holds every answer until all four requests are in: only four connections at
  // once can get there.
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0;
  HttpTestServer server([&](const TestRequest&) {
    std::unique_lock lock(mu);
    ++arrived;
    cv.notify_all();
    cv.wait_for(lock, 30s, [&] { return arrived >= 4; });
    return std::optional(HttpTestServer::Make(200));
  });
  auto handler = Make(Url(server));
  std::vector<Event> events;
  for (uint64_t id = 1; id <= 4; ++id) events.push_back(PushTestEvent(id));
  for (const Event& e : events) Start(*handler, e);
  auto outcomes = WaitFor(4);
  for (const Outcome& o : outcomes) EXPECT_TRUE(o.acked()) << o.error;
  EXPECT_EQ(server.connections(), 4u);
  // Idle again, they serve the next attempts without new ones.
  for (const Event& e : events) Start(*handler, e);
  WaitFor(8);
  EXPECT_EQ(server.connections(), 4u);
}

TEST_F(PushHandlerTest, TheDeadHeaderFailsForGoodWithTheBodyAsTheError) {
  HttpTestServer server([](const TestRequest&) {
    return HttpTestServer::Make(422, "card declined\n", {{"Strandq-Outcome", "dead"}});
  });
  auto handler = Make(Url(server));
  Event event = PushTestEvent(1);
  Outcome o = RunOne(*handler, event);
  EXPECT_TRUE(o.permanent());
  EXPECT_EQ(o.error, "permanent failure: card declined");
}

TEST_F(PushHandlerTest, AnotherStatusNacksWithTheStatusAndTheStartOfTheBody) {
  HttpTestServer server(
      [](const TestRequest&) { return HttpTestServer::Make(500, std::string(5000, 'x')); });
  auto handler = Make(Url(server));
  Event event = PushTestEvent(1);
  Outcome o = RunOne(*handler, event);
  EXPECT_EQ(o.kind, Outcome::Kind::kNack);
  EXPECT_LT(o.retry_after.count(), 0);  // the store's backoff
  EXPECT_EQ(o.error, "handler answered HTTP 500: " + std::string(1024, 'x') + "...");
  // A 429 without a Retry-After is no different.
  HttpTestServer busy([](const TestRequest&) { return HttpTestServer::Make(429, "slow down"); });
  auto busy_handler = Make(Url(busy));
  o = RunOne(*busy_handler, event);
  EXPECT_EQ(o.error, "handler answered HTTP 429: slow down");
}

TEST_F(PushHandlerTest, RetryAfterIsWaitedOutAndTheSameAttemptSentAgain) {
  std::atomic<int> calls{0};
  HttpTestServer server([&](const TestRequest&) {
    return ++calls <= 2 ? HttpTestServer::Make(503, "busy", {{"Retry-After", "0.03"}})
                        : HttpTestServer::Make(200);
  });
  auto handler = Make(Url(server));
  Event event = PushTestEvent(1);
  const auto start = std::chrono::steady_clock::now();
  Outcome o = RunOne(*handler, event);
  EXPECT_TRUE(o.acked()) << o.error;
  EXPECT_GE(std::chrono::steady_clock::now() - start, 60ms);  // waited both delays
  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 3u);
  for (const TestRequest& r : requests) EXPECT_EQ(r["Strandq-Attempt"], "2");
  EXPECT_EQ(server.connections(), 1u);
}

TEST_F(PushHandlerTest, ARetryAfterBeyondTheBudgetNacksWithThatDelay) {
  HttpTestServer server([](const TestRequest&) {
    return HttpTestServer::Make(429, "quota", {{"Retry-After", "120"}});
  });
  http::PushOptions options;
  options.retry_after_budget = 10s;
  auto handler = Make(Url(server), options);
  Event event = PushTestEvent(1);
  Outcome o = RunOne(*handler, event);
  EXPECT_EQ(o.kind, Outcome::Kind::kNack);
  EXPECT_EQ(o.retry_after, 120s);
  EXPECT_NE(o.error.find("HTTP 429: quota (Retry-After: 120)"), std::string::npos) << o.error;
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(PushHandlerTest, ResendsAreBoundedInNumber) {
  HttpTestServer server([](const TestRequest&) {
    return HttpTestServer::Make(503, "", {{"Retry-After", "0"}});
  });
  http::PushOptions options;
  options.max_resends = 3;
  auto handler = Make(Url(server), options);
  Event event = PushTestEvent(1);
  Outcome o = RunOne(*handler, event);
  EXPECT_EQ(o.kind, Outcome::Kind::kNack);
  EXPECT_EQ(o.retry_after, 0ns);
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST_F(PushHandlerTest, NoServerIsAFailedAttempt) {
  uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor closed(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = closed.local_endpoint().port();
  }
  auto handler = Make("http://127.0.0.1:" + std::to_string(port) + "/x");
  Event event = PushTestEvent(1);
  Outcome o = RunOne(*handler, event);
  EXPECT_EQ(o.kind, Outcome::Kind::kNack);
  EXPECT_NE(o.error.find("connecting: Connection refused"), std::string::npos) << o.error;
}

TEST_F(PushHandlerTest, AServerThatDropsTheRequestUnansweredFailsTheAttempt) {
  HttpTestServer server([](const TestRequest&) { return std::optional<TestResponse>(); });
  auto handler = Make(Url(server));
  Event event = PushTestEvent(1);
  Outcome o = RunOne(*handler, event);
  EXPECT_EQ(o.kind, Outcome::Kind::kNack);
  EXPECT_NE(o.error.find("reading the response"), std::string::npos) << o.error;
  EXPECT_EQ(server.connections(), 1u);  // a new connection is not tried again
}

TEST_F(PushHandlerTest, AnIdleConnectionTheServerClosedIsReplacedWithoutAFailure) {
  // Every connection answers once, then is closed (as a server's idle timeout does), though
  // the answer kept it alive.
  HttpTestServer server([](const TestRequest&) {
    return HttpTestServer::Make(200, "", {{HttpTestServer::kCloseAfter, "1"}});
  });
  auto handler = Make(Url(server));
  for (uint64_t id = 1; id <= 3; ++id) {
    Event event = PushTestEvent(id);
    Outcome o = RunOne(*handler, event);
    EXPECT_TRUE(o.acked()) << o.error;
    std::this_thread::sleep_for(10ms);  // the close arrives before the next request
  }
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(server.connections(), 3u);
}

TEST_F(PushHandlerTest, ACancelledAttemptClosesItsConnectionAndNeverCompletes) {
  std::mutex mu;
  std::condition_variable cv;
  bool release = false, arrived = false;
  HttpTestServer server([&](const TestRequest&) {
    std::unique_lock lock(mu);
    arrived = true;
    cv.notify_all();
    cv.wait_for(lock, 30s, [&] { return release; });
    return std::optional(HttpTestServer::Make(200));
  });
  auto handler = Make(Url(server));
  Event event = PushTestEvent(1);
  CancellationSource source;
  Start(*handler, event, source.token());
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, 30s, [&] { return arrived; }));
  }
  source.Cancel();
  std::this_thread::sleep_for(50ms);
  {
    std::lock_guard lock(mu);
    release = true;
    cv.notify_all();
  }
  for (int i = 0; i < 3000 && server.closed_by_client() == 0; ++i) {
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_EQ(server.closed_by_client(), 1u);
  EXPECT_TRUE(WaitFor(0).empty());  // no outcome at all
}

TEST_F(PushHandlerTest, MakeHandlerKnowsHttpAndRefusesHttps) {
  EXPECT_TRUE(MakeHandler("http://127.0.0.1:9/events", {}).ok());
  auto https = MakeHandler("https://example.test/events", {});
  ASSERT_FALSE(https.ok());
  EXPECT_NE(https.status().message().find("https:// is not supported"), std::string::npos);
  EXPECT_FALSE(MakeHandler("http://:80/x", {}).ok());
  EXPECT_FALSE(MakeHandler("http://127.0.0.1:99999/x", {}).ok());
  HandlerOptions failing;
  failing.fail_rate = 0.5;
  EXPECT_FALSE(MakeHandler("http://127.0.0.1:9/events", failing).ok());
}

TEST_F(PushHandlerTest, TheHandlerMayOutliveTheLoopItRanOn) {
  HttpTestServer server([](const TestRequest&) { return HttpTestServer::Make(200); });
  auto handler = Make(Url(server));
  {
    boost::asio::io_context io;
    Event event = PushTestEvent(1);
    std::optional<Outcome> outcome;
    handler->Start(event, io, [&](Outcome o) { outcome = std::move(o); }, {});
    io.run();
    ASSERT_TRUE(outcome && outcome->acked());
  }  // the loop is gone; its connection idles as a descriptor
  Event event = PushTestEvent(2);
  EXPECT_TRUE(RunOne(*handler, event).acked());
  EXPECT_EQ(server.connections(), 1u);
}

}  // namespace
}  // namespace strandq
