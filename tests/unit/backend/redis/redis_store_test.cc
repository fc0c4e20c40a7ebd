// Copyright 2026 The strandq Authors.
// What the Redis store does beyond the Store contract (store_contract_test.cc runs that on
// redis too): clear errors when connecting, namespaces, several clients on one queue, and
// surviving a restarted server.

#include "backend/redis/redis_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "backend/redis/redis_connection.h"
#include "backend/redis/redis_scripts.h"
#include "strandq/store.h"
#include "testutil/engine_options.h"
#include "testutil/redis_server.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

EngineOptions Fast(uint32_t max_attempts = 5) { return testing::NoBackoffOptions(max_attempts); }

std::unique_ptr<Store> MustOpen(const std::string& url, const EngineOptions& options = Fast()) {
  auto store = OpenStore(url, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

// Every key currently in the server's database 0.
std::vector<std::string> AllKeys(const testing::RedisServer& redis) {
  RedisUrl url;
  url.port = redis.port();
  auto conn = RedisConnection::Open(url, seconds(5));
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  std::vector<std::string> keys;
  if (!conn.ok()) return keys;
  auto reply = (*conn)->Command({"KEYS", "*"});
  EXPECT_TRUE(reply.ok());
  for (size_t i = 0; reply.ok() && i < (*reply)->elements; ++i) {
    keys.emplace_back((*reply)->element[i]->str, (*reply)->element[i]->len);
  }
  return keys;
}

TEST(RedisStoreTest, ARefusedConnectionIsAClearError) {
  int port = 0;
  {
    testing::RedisServer redis;  // a port that was free a moment ago and is closed again
    ASSERT_TRUE(redis.ok()) << redis.Error();
    port = redis.port();
  }
  auto store = OpenStore("redis://127.0.0.1:" + std::to_string(port), Fast());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(
      store.status().message().find("cannot connect to Redis at 127.0.0.1:" + std::to_string(port)),
      std::string::npos)
      << store.status().message();
  EXPECT_NE(store.status().message().find("refused"), std::string::npos)
      << store.status().message();
}

TEST(RedisStoreTest, PasswordsAreCheckedWithClearErrors) {
  testing::RedisServer redis(false, {"--requirepass", "s3cret"});
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string host = "127.0.0.1:" + std::to_string(redis.port());

  auto none = OpenStore("redis://" + host, Fast());
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("needs a password"), std::string::npos)
      << none.status().message();

  auto wrong = OpenStore("redis://:nope@" + host, Fast());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(wrong.status().message().find("password was refused"), std::string::npos)
      << wrong.status().message();
  EXPECT_EQ(wrong.status().message().find("nope"), std::string::npos) << "leaks the password";

  auto right = MustOpen("redis://:s3cret@" + host);
  ASSERT_NE(right, nullptr);
  EXPECT_TRUE(right->Enqueue(std::vector<NewEvent>{{"a", "1"}}).ok());
}

TEST(RedisStoreTest, ANamespaceKeepsItsPolicyAndItsKeysShareOneHashTag) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  auto store = MustOpen(redis.Url("shop"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"b", "2"}}).ok());
  auto leases = store->Claim(1, milliseconds(0));
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  ASSERT_TRUE(store->Complete((*leases)[0], Outcome::Nack("x"), ClaimNext::kNo).ok());

  EngineOptions oldest = Fast();
  oldest.policy = Policy::kOldest;
  auto other = OpenStore(redis.Url("shop"), oldest);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(other.status().message().find("uses policy 'longest'"), std::string::npos)
      << other.status().message();
  EXPECT_TRUE(OpenStore(redis.Url("shop2"), oldest).ok());  // another namespace is free

  const std::vector<std::string> keys = AllKeys(redis);
  EXPECT_FALSE(keys.empty());
  for (const std::string& key : keys) {
    EXPECT_TRUE(key.starts_with("{shop}:") || key.starts_with("{shop2}:")) << key;
  }
}

TEST(RedisStoreTest, ANamespaceOfAnotherFormatIsRefused) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  RedisUrl url;
  url.port = redis.port();
  auto conn = RedisConnection::Open(url, seconds(5));
  ASSERT_TRUE(conn.ok());
  // Format 1 wrote no `format` field; its namespaces are known by their state.
  ASSERT_TRUE((*conn)->Command({"HSET", "{old}:state", "a", "x"}).ok());
  ASSERT_TRUE((*conn)->Command({"HSET", "{newer}:config", "format", "99"}).ok());
  for (const auto& [prefix, format] : {std::pair{"old", "1"}, std::pair{"newer", "99"}}) {
    auto store = OpenStore(redis.Url(prefix), Fast());
    ASSERT_FALSE(store.ok()) << prefix;
    EXPECT_EQ(store.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(store.status().message().find(std::string("holds data of format ") + format),
              std::string::npos)
        << store.status().message();
  }
  EXPECT_TRUE(OpenStore(redis.Url("fresh"), Fast()).ok());
  auto format = (*conn)->Command({"HGET", "{fresh}:config", "format"});
  ASSERT_TRUE(format.ok());
  EXPECT_EQ(std::string((*format)->str, (*format)->len), kRedisStateFormat);
}

// stats, dlq and drop open a namespace with policy_from_store: they take its policy, and in a
// new namespace they record nothing, so that its first producer still chooses.
TEST(RedisStoreTest, AnInspectorTakesTheNamespacesPolicyAndRecordsNothing) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  EngineOptions oldest = Fast();
  oldest.policy = Policy::kOldest;
  EngineOptions inspector = Fast();
  inspector.policy_from_store = true;
  auto fresh = MustOpen(redis.Url("fresh"), inspector);
  ASSERT_NE(fresh, nullptr);
  ASSERT_TRUE(fresh->Stats().ok());
  EXPECT_TRUE(AllKeys(redis).empty());
  auto writer = MustOpen(redis.Url("fresh"), oldest);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Enqueue(std::vector<NewEvent>{{"a", "1"}}).ok());
  // The inspector of a namespace of `oldest` replays into it with `oldest`'s scores.
  auto later = MustOpen(redis.Url("fresh"), inspector);
  ASSERT_NE(later, nullptr);
  EXPECT_EQ(later->Stats()->pending, 1u);
  inspector.policy = Policy::kOldest;
  inspector.policy_from_store = false;
  EXPECT_TRUE(OpenStore(redis.Url("fresh"), inspector).ok());
  EXPECT_EQ(OpenStore(redis.Url("fresh"), Fast()).status().code(), Status::Code::kInvalidArgument);
}

TEST(RedisStoreTest, DropDeletesEveryKeyOfItsNamespaceAndNoOther) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  auto gone = MustOpen(redis.Url("gone"), Fast(/*max_attempts=*/1));
  auto kept = MustOpen(redis.Url("gone2"));
  ASSERT_NE(gone, nullptr);
  ASSERT_NE(kept, nullptr);
  ASSERT_TRUE(kept->Enqueue(std::vector<NewEvent>{{"a", "1"}}).ok());
  std::vector<NewEvent> batch;
  for (int i = 0; i < 2500; ++i) batch.push_back({"acc" + std::to_string(i % 700), "p"});
  ASSERT_TRUE(gone->Enqueue(batch).ok());
  auto leases = gone->Claim(3, milliseconds(0));
  ASSERT_TRUE(leases.ok());
  for (const Lease& lease : *leases)
    ASSERT_TRUE(gone->Complete(lease, Outcome::Nack("x"), ClaimNext::kNo).ok());
  ASSERT_EQ(gone->Stats()->dead, 3u);

  auto dropped = gone->Drop();
  ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
  EXPECT_GE(*dropped, 700u + 3u);  // a strand per account, a hash per dead letter, and more
  for (const std::string& key : AllKeys(redis)) EXPECT_TRUE(key.starts_with("{gone2}:")) << key;
  EXPECT_EQ(kept->Stats()->pending, 1u);
  // The namespace is new: any policy may take it.
  EngineOptions oldest = Fast();
  oldest.policy = Policy::kOldest;
  auto again = MustOpen(redis.Url("gone"), oldest);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->Stats()->enqueued, 0u);
  // Dropping an empty namespace deletes nothing, and is no error.
  auto empty = MustOpen(redis.Url("never"));
  ASSERT_NE(empty, nullptr);
  ASSERT_TRUE(empty->Drop().ok());
}

TEST(RedisStoreTest, TwoClientsShareOneQueueWithoutOverlap) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  auto producer = MustOpen(redis.Url("q"));
  auto first = MustOpen(redis.Url("q"));
  auto second = MustOpen(redis.Url("q"));
  ASSERT_TRUE(producer && first && second);
  std::vector<NewEvent> batch;
  for (int i = 0; i < 200; ++i)
    batch.push_back({"acct" + std::to_string(i % 7), std::to_string(i)});
  ASSERT_TRUE(producer->Enqueue(batch).ok());

  std::mutex mu;
  std::map<std::string, uint64_t> last_seq;
  std::set<std::string> in_flight;
  size_t done = 0;
  bool overlap = false, out_of_order = false;
  auto work = [&](Store& store) {
    for (;;) {
      auto leases = store.Claim(2, milliseconds(200));
      ASSERT_TRUE(leases.ok()) << leases.status().ToString();
      if (leases->empty()) return;
      for (const Lease& lease : *leases) {
        {
          std::lock_guard lock(mu);
          overlap |= !in_flight.insert(lease.event.account).second;
          out_of_order |= lease.event.seq != last_seq[lease.event.account] + 1;
          last_seq[lease.event.account] = lease.event.seq;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        {
          std::lock_guard lock(mu);
          in_flight.erase(lease.event.account);
          ++done;
        }
        auto r = store.Complete(lease, Outcome::Ack(), ClaimNext::kNo);
        ASSERT_TRUE(r.ok()) << r.status().ToString();
      }
    }
  };
  std::thread a([&] { work(*first); });
  std::thread b([&] { work(*second); });
  a.join();
  b.join();
  EXPECT_EQ(done, 200u);
  EXPECT_FALSE(overlap);
  EXPECT_FALSE(out_of_order);
  auto stats = producer->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->acked, 200u);
  EXPECT_EQ(stats->pending, 0u);
  EXPECT_EQ(stats->accounts, 0u);
  EXPECT_TRUE(stats->drained());
}

TEST(RedisStoreTest, ABlockedClaimWakesWhenALeaseExpires) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  EngineOptions options = Fast();
  options.lease_ttl = milliseconds(100);
  auto store = MustOpen(redis.Url(), options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}}).ok());
  auto crashed = store->Claim(1, milliseconds(0));  // its worker "dies" holding the lease
  ASSERT_TRUE(crashed.ok());
  ASSERT_EQ(crashed->size(), 1u);
  auto again = store->Claim(1, seconds(20));  // no enqueue comes: only the expiry can wake it
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].event.id, (*crashed)[0].event.id);
  EXPECT_EQ((*again)[0].event.attempt, 2u);
}

TEST(RedisStoreTest, ALeaseThatExpiresAtMaxAttemptsIsDeadLettered) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  EngineOptions options = Fast(/*max_attempts=*/1);
  options.lease_ttl = milliseconds(50);
  auto store = MustOpen(redis.Url(), options);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"a", "2"}}).ok());
  ASSERT_EQ(store->Claim(1, milliseconds(0))->size(), 1u);
  auto next = store->Claim(1, seconds(20));
  ASSERT_TRUE(next.ok());
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].event.seq, 2u);
  auto dead = store->ListDead(10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].error, "lease expired");
  EXPECT_EQ((*dead)[0].event.seq, 1u);
}

TEST(RedisStoreTest, ACompletionRepeatedAfterALostReplyIsNotAppliedTwice) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  auto store = MustOpen(redis.Url("once"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"a", "2"}}).ok());
  auto leases = store->Claim(1, milliseconds(0));
  ASSERT_TRUE(leases.ok());
  const Lease lease = (*leases)[0];
  auto first = store->Complete(lease, Outcome::Ack(), ClaimNext::kNo);
  ASSERT_TRUE(first.ok());
  // Completing a settled lease again is refused like any stale lease...
  EXPECT_EQ(store->Complete(lease, Outcome::Ack(), ClaimNext::kNo).status().code(),
            Status::Code::kLeaseLost);
  // ...but the repeat the store sends after losing the first reply (its last argument set) is
  // answered with the first disposition. Neither removes the second event.
  RedisUrl url;
  url.port = redis.port();
  auto conn = RedisConnection::Open(url, seconds(5));
  ASSERT_TRUE(conn.ok());
  const std::string settlement = RedisSettlementArg(lease.token, lease.event.id, kSettleAck, "");
  auto repeat =
      (*conn)->Command({"EVAL", RedisScriptSource(RedisScript::kComplete), "1", "{once}", "longest",
                        "10000000", "5", "skip", "0", "0", "1", "a", settlement});
  ASSERT_TRUE(repeat.ok());
  ASSERT_EQ((*repeat)->type, REDIS_REPLY_ARRAY) << ReplyError(**repeat);
  ASSERT_EQ((*repeat)->elements, 1u);
  EXPECT_EQ(std::string((*repeat)->element[0]->element[0]->str), "acked");
  auto stats = store->Stats();
  EXPECT_EQ(stats->acked, 1u);
  EXPECT_EQ(stats->pending, 1u);
  auto next = store->Claim(1, milliseconds(0));
  ASSERT_EQ(next->size(), 1u);
  EXPECT_EQ((*next)[0].event.seq, 2u);
}

TEST(RedisStoreTest, ARestartedServerWithAnAppendOnlyFileLosesNothing) {
  testing::RedisServer redis(/*append_only=*/true);
  ASSERT_TRUE(redis.ok()) << redis.Error();
  auto store = MustOpen(redis.Url());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"a", "2"}, {"b", "1"}}).ok());
  auto leases = store->Claim(1, milliseconds(0));
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);

  redis.Stop(/*graceful=*/false);  // a crash: only the fsynced AOF remains
  ASSERT_TRUE(redis.Start()) << redis.Error();

  // The pooled connection is dead and the script cache empty: both are recovered.
  auto completed = store->Complete((*leases)[0], Outcome::Ack(), ClaimNext::kYes);
  ASSERT_TRUE(completed.ok()) << completed.status().ToString();
  EXPECT_EQ(completed->disposition, Disposition::kAcked);
  size_t acked = 1;
  std::optional<Lease> next = completed->next;
  while (next) {
    auto r = store->Complete(*next, Outcome::Ack(), ClaimNext::kYes);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ++acked;
    next = r->next;
  }
  EXPECT_EQ(acked, 3u);
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->acked, 3u);
  EXPECT_EQ(stats->pending, 0u);
  EXPECT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "3"}}).ok());
  EXPECT_EQ(store->Enqueue(std::vector<NewEvent>{{"a", "4"}})->at(0).seq, 4u);
}

TEST(RedisStoreTest, CallsGiveUpWithUnavailableWhenTheServerStaysDown) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  auto url = ParseRedisUrl(redis.Url());
  ASSERT_TRUE(url.ok());
  RedisStoreOptions quick;
  quick.reconnect_for = milliseconds(300);
  auto store = RedisStore::Open(*url, Fast(), quick);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  redis.Stop();
  auto stats = (*store)->Stats();
  EXPECT_EQ(stats.status().code(), Status::Code::kUnavailable);
  auto enqueued = (*store)->Enqueue(std::vector<NewEvent>{{"a", "1"}});
  EXPECT_EQ(enqueued.status().code(), Status::Code::kUnavailable);
}

}  // namespace
}  // namespace strandq
