// Copyright 2026 The strandq Authors.
// End to end: idempotency keys through the real `strandq serve` (POST /v1/events with an
// Idempotency-Key: repeats, another body, the window's end, a repeat after the server was
// restarted on a Redis store) and `strandq generate --to http://`, which keys every request.

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "backend/redis/redis_connection.h"
#include "backend/redis/redis_url.h"
#include "e2e/serve_e2e_util.h"
#include "testutil/redis_server.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using testing::RedisServer;

http::ClientResponse PostKeyed(const Server& server, const std::string& body,
                               const std::string& key) {
  auto conn = server.Connect();
  if (conn == nullptr) return {};
  return Call(*conn, verb::post, "/v1/events", body, "application/json",
              {{"Idempotency-Key", key}});
}

const std::string kBody = R"([{"account":"a","payload":1},{"account":"b","payload":2}])";

TEST(IdempotencyE2eTest, ARepeatGetsTheFirstAnswerAndEnqueuesNothing) {
  Server server({"--workers", "0"});
  ASSERT_TRUE(server.up());
  auto first = PostKeyed(server, kBody, "charge-42");
  ASSERT_EQ(first.status, 202u) << first.body;
  EXPECT_EQ(first.body, R"([{"id":1,"seq":1},{"id":2,"seq":1}])");
  EXPECT_EQ(first.idempotent_replayed, "");
  auto repeat = PostKeyed(server, kBody, "charge-42");
  ASSERT_EQ(repeat.status, 202u) << repeat.body;
  EXPECT_EQ(repeat.body, first.body);
  EXPECT_EQ(repeat.idempotent_replayed, "true");
  auto other = PostKeyed(server, R"({"account":"a","payload":3})", "charge-42");
  EXPECT_EQ(other.status, 422u) << other.body;
  EXPECT_TRUE(Contains(other.body, "\"error\"")) << other.body;
  auto bad = PostKeyed(server, kBody, std::string(300, 'k'));
  EXPECT_EQ(bad.status, 400u) << bad.body;
  auto stats = Stats(server);
  EXPECT_EQ(stats["store"]["enqueued"], 2);
  EXPECT_EQ(stats["server"]["events_accepted"], 2);
  server.Stop();
}

TEST(IdempotencyE2eTest, AfterTheWindowAKeyIsNewAgain) {
  Server server({"--workers", "0", "--idempotency-window", "200ms"});
  ASSERT_TRUE(server.up());
  ASSERT_EQ(PostKeyed(server, kBody, "charge-42").status, 202u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto later = PostKeyed(server, kBody, "charge-42");
  ASSERT_EQ(later.status, 202u) << later.body;
  EXPECT_EQ(later.body, R"([{"id":3,"seq":2},{"id":4,"seq":2}])");
  EXPECT_EQ(later.idempotent_replayed, "");
  EXPECT_EQ(Stats(server)["store"]["enqueued"], 4);
  server.Stop();
}

TEST(IdempotencyE2eTest, ABadWindowIsAUsageError) {
  ProcessResult r = Strandq({"serve", "--idempotency-window", "0s"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_TRUE(Contains(r.err, "--idempotency-window")) << r.err;
}

// The keys of a namespace ({P}:i:...) in a Redis server.
size_t KeysOf(const RedisServer& redis, const std::string& prefix) {
  RedisUrl url;
  url.port = redis.port();
  auto conn = RedisConnection::Open(url, std::chrono::seconds(5));
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return 0;
  auto reply = (*conn)->Command({"KEYS", "{" + prefix + "}:i:*"});
  return reply.ok() ? (*reply)->elements : 0;
}

// Posts under a key to serve on `store`, ends that serve (`kill`: SIGKILL, else SIGTERM),
// starts another on the store and expects the repeat to be replayed with the first answer.
void ExpectARepeatAfterARestartIsReplayed(const std::string& store, bool kill) {
  std::string first_body;
  {
    Server server({"--workers", "0", "--store", store});
    ASSERT_TRUE(server.up());
    auto first = PostKeyed(server, kBody, "order-1");
    ASSERT_EQ(first.status, 202u) << first.body;
    first_body = first.body;
    ProcessResult ended = kill ? server.Kill() : server.Stop();
    EXPECT_EQ(ended.exit_code, kill ? ended.exit_code : 0) << ended.err;
  }
  Server again({"--workers", "0", "--store", store});
  ASSERT_TRUE(again.up());
  auto repeat = PostKeyed(again, kBody, "order-1");
  ASSERT_EQ(repeat.status, 202u) << repeat.body;
  EXPECT_EQ(repeat.body, first_body);
  EXPECT_EQ(repeat.idempotent_replayed, "true");
  EXPECT_EQ(PostKeyed(again, R"({"account":"z"})", "order-1").status, 422u);
  EXPECT_EQ(Stats(again)["store"]["enqueued"], 2);
  again.Stop();
}

TEST(IdempotencyE2eTest, ARepeatAfterARestartOfServeOnRedisIsReplayed) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  ExpectARepeatAfterARestartIsReplayed(redis.Url("idem"), /*kill=*/false);
}

// On the durable default store, after serve was killed: the key was written with the events.
TEST(IdempotencyE2eTest, ARepeatAfterServeOnSqliteWasKilledIsReplayed) {
  testing::TempDir dir;
  ExpectARepeatAfterARestartIsReplayed("sqlite:" + dir.File("q.db"), /*kill=*/true);
}

TEST(IdempotencyE2eTest, GenerateKeysEveryRequest) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  Server server({"--workers", "0", "--store", redis.Url("gen")});
  ASSERT_TRUE(server.up());
  ProcessResult posted = Strandq({"generate", "--to", server.url(), "--events", "200", "--accounts",
                                  "20", "--batch-size", "10", "--concurrency", "3"});
  ASSERT_EQ(posted.exit_code, 0) << posted.err;
  const auto stats = Stats(server);
  EXPECT_EQ(stats["store"]["enqueued"], 200);
  // One key per request answered 202.
  EXPECT_EQ(KeysOf(redis, "gen"), stats["server"]["batches_accepted"].get<size_t>());
  EXPECT_GE(KeysOf(redis, "gen"), 20u);
  server.Stop();
}

}  // namespace
}  // namespace strandq
