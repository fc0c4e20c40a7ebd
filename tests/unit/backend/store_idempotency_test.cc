// Copyright 2026 The strandq Authors.
// Store::EnqueueOnce through the Store interface, on every backend (mem, redis functions, the
// Redis 6.2 scripts), in real time: repeats, reuse with another batch, the window's end, bad
// keys and batches, concurrent repeats; then what only Redis has: keys that outlive a
// restarted server, and drop. The rule itself is the model's (store_model_idempotency_test)
// and store_differential_test holds every store to it step by step.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backend/redis/redis_connection.h"
#include "backend/redis/redis_store.h"
#include "backend/redis/redis_url.h"
#include "strandq/store.h"
#include "testutil/engine_options.h"
#include "testutil/redis_server.h"
#include "testutil/shared_redis_store.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;

EngineOptions Options(milliseconds window = milliseconds(500)) {
  EngineOptions options = testing::NoBackoffOptions();
  options.idempotency_window = window;
  return options;
}

Result<std::unique_ptr<Store>> OpenOnceBackend(const std::string& name,
                                               const EngineOptions& options) {
  if (name == "mem") return OpenStore("mem:", options);
  static int namespaces = 0;
  RedisStoreOptions redis_options;
  redis_options.functions = name == "redis";
  return testing::OpenSharedRedisStore("once" + std::to_string(++namespaces), options,
                                       redis_options);
}

const std::vector<NewEvent> kBatch = {{"a", "1"}, {"b", "1"}, {"a", "2"}};

class StoreIdempotencyTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<Store> Open(const EngineOptions& options = Options()) {
    auto store = OpenOnceBackend(GetParam(), options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
};

TEST_P(StoreIdempotencyTest, RepeatsAreAnsweredTheFirstReceiptsAndReuseIsRefused) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto first = store->EnqueueOnce("producer-1:batch-1", kBatch);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->replayed);
  EXPECT_EQ(first->receipts, (std::vector<EnqueueReceipt>{{1, 1}, {2, 1}, {3, 2}}));
  auto repeat = store->EnqueueOnce("producer-1:batch-1", kBatch);
  ASSERT_TRUE(repeat.ok()) << repeat.status().ToString();
  EXPECT_TRUE(repeat->replayed);
  EXPECT_EQ(repeat->receipts, first->receipts);

  auto reused = store->EnqueueOnce("producer-1:batch-1", std::vector<NewEvent>{{"a", "other"}});
  EXPECT_EQ(reused.status().code(), Status::Code::kKeyReused) << reused.status().ToString();
  EXPECT_NE(reused.status().message().find("producer-1:batch-1"), std::string::npos);
  EXPECT_EQ(store->Stats()->enqueued, 3u);
  EXPECT_EQ(store->Stats()->pending, 3u);
}

TEST_P(StoreIdempotencyTest, AfterTheWindowAKeyIsNew) {
  auto store = Open(Options(milliseconds(200)));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->EnqueueOnce("k", kBatch).ok());
  std::this_thread::sleep_for(milliseconds(250));
  auto later = store->EnqueueOnce("k", std::vector<NewEvent>{{"c", "1"}});
  ASSERT_TRUE(later.ok()) << later.status().ToString();
  EXPECT_FALSE(later->replayed);
  EXPECT_EQ(later->receipts, (std::vector<EnqueueReceipt>{{4, 1}}));
}

TEST_P(StoreIdempotencyTest, BadKeysAndBadBatchesRecordNothing) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  for (const std::string& key : {std::string(), std::string(256, 'k'), std::string("a b"),
                                 std::string("tab\t"), std::string("\xc3\xa9")}) {
    auto refused = store->EnqueueOnce(key, kBatch);
    EXPECT_EQ(refused.status().code(), Status::Code::kInvalidArgument) << key;
  }
  EXPECT_TRUE(store->EnqueueOnce(std::string(255, '~'), kBatch).ok());
  const std::vector<NewEvent> bad = {{"a", "1"}, {"no spaces", "1"}};
  EXPECT_EQ(store->EnqueueOnce("k", bad).status().code(), Status::Code::kInvalidArgument);
  // The refused batch left no key behind: the next batch under it is new.
  auto good = store->EnqueueOnce("k", kBatch);
  ASSERT_TRUE(good.ok());
  EXPECT_FALSE(good->replayed);
  EXPECT_EQ(store->Stats()->enqueued, 6u);
}

TEST_P(StoreIdempotencyTest, AnEmptyBatchIsRecordedLikeAnyOther) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto empty = store->EnqueueOnce("k", {});
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_FALSE(empty->replayed);
  EXPECT_TRUE(empty->receipts.empty());
  EXPECT_TRUE(store->EnqueueOnce("k", {})->replayed);
  EXPECT_EQ(store->EnqueueOnce("k", kBatch).status().code(), Status::Code::kKeyReused);
}

TEST_P(StoreIdempotencyTest, ConcurrentRepeatsEnqueueTheBatchOnce) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  constexpr int kThreads = 8;
  std::mutex mu;
  std::vector<Result<EnqueueOnceResult>> answers;
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&] {
      auto answer = store->EnqueueOnce("same", kBatch);
      std::lock_guard lock(mu);
      answers.push_back(std::move(answer));
    });
  }
  for (std::thread& t : threads) t.join();
  int enqueued = 0;
  for (const auto& answer : answers) {
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    enqueued += answer->replayed ? 0 : 1;
    EXPECT_EQ(answer->receipts, (std::vector<EnqueueReceipt>{{1, 1}, {2, 1}, {3, 2}}));
  }
  EXPECT_EQ(enqueued, 1);
  EXPECT_EQ(store->Stats()->enqueued, 3u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreIdempotencyTest,
                         ::testing::Values("mem", "redis", "redis_scripts"),
                         [](const auto& info) { return info.param; });

// The keys of a namespace under {P}:i:, with their remaining Redis time to live (ms).
std::vector<std::pair<std::string, int64_t>> IdempotencyKeys(const testing::RedisServer& redis,
                                                             const std::string& prefix) {
  RedisUrl url;
  url.port = redis.port();
  auto conn = RedisConnection::Open(url, std::chrono::seconds(5));
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  std::vector<std::pair<std::string, int64_t>> keys;
  if (!conn.ok()) return keys;
  auto reply = (*conn)->Command({"KEYS", "{" + prefix + "}:i:*"});
  EXPECT_TRUE(reply.ok());
  for (size_t i = 0; reply.ok() && i < (*reply)->elements; ++i) {
    std::string key((*reply)->element[i]->str, (*reply)->element[i]->len);
    auto ttl = (*conn)->Command({"PTTL", key});
    keys.emplace_back(key, ttl.ok() ? (*ttl)->integer : -3);
  }
  return keys;
}

TEST(RedisIdempotencyTest, KeysOutliveARestartedServerAndDropDeletesThem) {
  testing::RedisServer redis(/*append_only=*/true);
  ASSERT_TRUE(redis.ok()) << redis.Error();
  auto store = OpenStore(redis.Url("kept"), Options(milliseconds(60'000)));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto first = (*store)->EnqueueOnce("k", kBatch);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // Redis collects the key a minute after its window (the window itself is in its value).
  auto keys = IdempotencyKeys(redis, "kept");
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0].first, "{kept}:i:k");
  EXPECT_GT(keys[0].second, 60'000);
  EXPECT_LE(keys[0].second, 120'000);

  redis.Stop(/*graceful=*/false);  // a crash: only the fsynced AOF remains
  ASSERT_TRUE(redis.Start()) << redis.Error();
  auto reopened = OpenStore(redis.Url("kept"), Options(milliseconds(60'000)));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  auto repeat = (*reopened)->EnqueueOnce("k", kBatch);
  ASSERT_TRUE(repeat.ok()) << repeat.status().ToString();
  EXPECT_TRUE(repeat->replayed);
  EXPECT_EQ(repeat->receipts, first->receipts);
  EXPECT_EQ((*reopened)->Stats()->enqueued, 3u);

  ASSERT_TRUE((*reopened)->Drop().ok());
  EXPECT_TRUE(IdempotencyKeys(redis, "kept").empty());
}

}  // namespace
}  // namespace strandq
