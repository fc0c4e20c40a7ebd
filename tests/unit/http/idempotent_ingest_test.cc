// Copyright 2026 The strandq Authors.
// POST /v1/events with an Idempotency-Key, in process over loopback: a repeat gets the first
// answer with Idempotent-Replayed, another body under the key 422, a bad key 400, a repeat
// while the first request is still in the store 409. Then the producer (PostWorkload) keys its
// batches and retries a request whose answer was lost without duplicating it.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/client_connection.h"
#include "http/in_flight_keys.h"
#include "strandq/http_producer.h"
#include "strandq/http_server.h"
#include "testutil/forwarding_store.h"
#include "testutil/loopback_http.h"

namespace strandq {
namespace {

using boost::beast::http::verb;
using http::ClientConnection;

// Holds every EnqueueOnce until Release(), so that a request can be caught in the store.
class GatedStore final : public testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  Result<EnqueueOnceResult> EnqueueOnce(std::string_view key,
                                        std::span<const NewEvent> batch) override {
    {
      std::unique_lock lock(mu_);
      ++waiting_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return open_; });
    }
    return ForwardingStore::EnqueueOnce(key, batch);
  }
  void WaitForCaller() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return waiting_ > 0; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int waiting_ = 0;    // guarded by mu_
  bool open_ = false;  // guarded by mu_
};

class IdempotentIngestTest : public ::testing::Test {
 protected:
  // Serves `store`, which the fixture keeps until the server is gone.
  template <typename S>
  S& Start(std::unique_ptr<S> store) {
    S& kept = *store;
    store_ = std::move(store);
    server_ = testing::StartLoopbackServer(kept);
    EXPECT_NE(server_, nullptr);
    port_ = server_ != nullptr ? testing::LoopbackPort(*server_) : 0;
    return kept;
  }
  std::unique_ptr<ClientConnection> Connect() { return testing::ConnectLoopback(port_); }
  http::ClientResponse Post(ClientConnection& conn, std::string body, const std::string& key) {
    auto res = conn.Request(verb::post, "/v1/events", std::move(body), "application/json",
                            {{"Idempotency-Key", key}});
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : http::ClientResponse{};
  }

  std::unique_ptr<Store> store_;  // destroyed after server_, which may still be calling it
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
};

TEST_F(IdempotentIngestTest, ARepeatGetsTheFirstAnswerAndAnotherBodyIs422) {
  Store& store = Start(NewMemoryStore(EngineOptions{}));
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  const std::string body = R"([{"account":"a","payload":1},{"account":"a","payload":2}])";
  auto first = Post(*conn, body, "order-17");
  ASSERT_EQ(first.status, 202u) << first.body;
  EXPECT_EQ(first.body, R"([{"id":1,"seq":1},{"id":2,"seq":2}])");
  auto repeat = Post(*conn, body, "order-17");
  ASSERT_EQ(repeat.status, 202u) << repeat.body;
  EXPECT_EQ(repeat.body, first.body);
  EXPECT_EQ(repeat.idempotent_replayed, "true");
  EXPECT_EQ(first.idempotent_replayed, "");

  auto other = Post(*conn, R"({"account":"a","payload":3})", "order-17");
  EXPECT_EQ(other.status, 422u) << other.body;
  EXPECT_NE(other.body.find("order-17"), std::string::npos) << other.body;
  EXPECT_EQ(store.Stats()->enqueued, 2u);
  EXPECT_EQ(server_->Counters().events_accepted, 2u);
  EXPECT_EQ(server_->Counters().batches_accepted, 1u);
}

TEST_F(IdempotentIngestTest, ABadKeyIs400AndStoresNothing) {
  Store& store = Start(NewMemoryStore(EngineOptions{}));
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  for (const std::string& key : {std::string(), std::string(256, 'k'), std::string("two words"),
                                 std::string("caf\xc3\xa9")}) {
    auto res = Post(*conn, R"({"account":"a"})", key);
    EXPECT_EQ(res.status, 400u) << res.body;
    EXPECT_NE(res.body.find("Idempotency-Key"), std::string::npos) << res.body;
  }
  // A control byte is not even a header value: the request is malformed (and the connection
  // closed).
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(Post(*other, R"({"account":"a"})", "a\x01").status, 400u);
  EXPECT_EQ(store.Stats()->enqueued, 0u);
}

TEST_F(IdempotentIngestTest, ARepeatWhileTheFirstIsInTheStoreIs409) {
  GatedStore& store = Start(std::make_unique<GatedStore>(NewMemoryStore(EngineOptions{})));
  // Whatever happens below, the held request is let go before the server drains.
  struct ReleaseAtEnd {
    GatedStore& store;
    ~ReleaseAtEnd() { store.Release(); }
  } release_at_end{store};
  const std::string body = R"({"account":"a","payload":"x"})";
  auto first = std::async(std::launch::async, [&] {
    auto conn = Connect();
    return conn ? Post(*conn, body, "k") : http::ClientResponse{};
  });
  store.WaitForCaller();
  auto conn = Connect();
  ASSERT_NE(conn, nullptr);
  auto busy = Post(*conn, body, "k");
  EXPECT_EQ(busy.status, 409u) << busy.body;
  store.Release();
  EXPECT_EQ(first.get().status, 202u);
  // The key is free again: the repeat now gets the first answer.
  auto repeat = Post(*conn, body, "k");
  EXPECT_EQ(repeat.status, 202u) << repeat.body;
  EXPECT_EQ(repeat.idempotent_replayed, "true");
  EXPECT_EQ(store.Stats()->enqueued, 1u);
}

// Enqueues the first EnqueueOnce at once but answers it only after `delay`: the producer's
// request times out (its answer is lost) while the events are in the store.
class SlowFirstAnswerStore final : public testing::ForwardingStore {
 public:
  SlowFirstAnswerStore(std::unique_ptr<Store> inner, std::chrono::milliseconds delay)
      : ForwardingStore(std::move(inner)), delay_(delay) {}
  Result<EnqueueOnceResult> EnqueueOnce(std::string_view key,
                                        std::span<const NewEvent> batch) override {
    auto result = ForwardingStore::EnqueueOnce(key, batch);
    if (!slowed_.exchange(true)) std::this_thread::sleep_for(delay_);
    return result;
  }

 private:
  std::chrono::milliseconds delay_;
  std::atomic<bool> slowed_{false};
};

TEST_F(IdempotentIngestTest, AProducerResendsALostAnswerWithoutDuplicatingIt) {
  Store& store = Start(std::make_unique<SlowFirstAnswerStore>(NewMemoryStore(EngineOptions{}),
                                                              std::chrono::milliseconds(1000)));
  std::vector<WorkloadEvent> events;
  for (int i = 0; i < 40; ++i) events.push_back({"acct" + std::to_string(i % 6), 0, "p"});
  HttpPostOptions options;
  options.concurrency = 2;
  options.batch_size = 5;
  options.timeout = std::chrono::milliseconds(300);
  options.retry_backoff = std::chrono::milliseconds(20);
  options.max_attempts = 100;
  auto report = PostWorkload("http://127.0.0.1:" + std::to_string(port_), events, options);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, events.size());
  EXPECT_EQ(report->requests, 8u);
  // The timed-out request was sent again (answered 409 while the first was in the store),
  // then answered from its key.
  EXPECT_GE(report->resent, 1u);
  EXPECT_GE(report->replayed, 1u);
  EXPECT_EQ(store.Stats()->enqueued, events.size());
}

TEST_F(IdempotentIngestTest, AProducerStopsResendingAfterItsAttempts) {
  Start(std::make_unique<SlowFirstAnswerStore>(NewMemoryStore(EngineOptions{}),
                                               std::chrono::milliseconds(600)));
  HttpPostOptions options;
  options.timeout = std::chrono::milliseconds(200);
  options.max_attempts = 1;
  auto report = PostWorkload("http://127.0.0.1:" + std::to_string(port_),
                             std::vector<WorkloadEvent>{{"a", 1, "p"}}, options);
  EXPECT_EQ(report.status().code(), Status::Code::kUnavailable);
}

TEST_F(IdempotentIngestTest, AProducerRunAgainUnderItsRunIdEnqueuesNothingTwice) {
  Store& store = Start(NewMemoryStore(EngineOptions{}));
  std::vector<WorkloadEvent> events;
  for (int i = 0; i < 12; ++i) events.push_back({"acct" + std::to_string(i % 3), 0, "p"});
  HttpPostOptions options;
  options.batch_size = 4;
  options.run_id = "nightly-2026-12-01";
  const std::string url = "http://127.0.0.1:" + std::to_string(port_);
  auto first = PostWorkload(url, events, options);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->replayed, 0u);
  auto again = PostWorkload(url, events, options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->replayed, again->requests);
  EXPECT_EQ(store.Stats()->enqueued, events.size());
  options.run_id = "two words";
  EXPECT_EQ(PostWorkload(url, events, options).status().code(), Status::Code::kInvalidArgument);
}

TEST(InFlightKeysTest, AKeyIsHeldUntilItsHoldEnds) {
  http::InFlightKeys keys;
  {
    auto hold = keys.TryHold("k");
    ASSERT_TRUE(hold.has_value());
    EXPECT_FALSE(keys.TryHold("k").has_value());
    EXPECT_TRUE(keys.TryHold("other").has_value());
    auto moved = std::move(*hold);
    EXPECT_EQ(keys.size(), 1u);
  }
  EXPECT_EQ(keys.size(), 0u);
  EXPECT_TRUE(keys.TryHold("k").has_value());
}

}  // namespace
}  // namespace strandq
