// Copyright 2026 The strandq Authors.
// The Store contract for accounts (store.h: ListAccounts, GetAccount, SetPaused and the stats
// that come with them), through the Store interface only, against every backend; the durable
// ones also across a reopening. (store_contract_test.cc holds the rest of the contract; the
// rules in detail are compared with the model by store_differential_test.cc.)

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "backend/redis/redis_store.h"
#include "backend/redis/redis_url.h"
#include "strandq/store.h"
#include "testutil/engine_options.h"
#include "testutil/redis_server.h"
#include "testutil/shared_redis_store.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

class StoreAccountsContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  StoreAccountsContractTest() {
    static int stores = 0;
    name_ = "accounts" + std::to_string(++stores);
    options_ = testing::NoBackoffOptions(3);
    options_.client_name = "worker-7";
  }

  // Opens the test's store, the same one again after a Close for the durable backends.
  bool Open() {
    auto store = OpenNamed();
    if (!store.ok()) {
      ADD_FAILURE() << store.status().ToString();
      return false;
    }
    store_ = std::move(*store);
    return true;
  }
  Result<std::unique_ptr<Store>> OpenNamed() {
    const std::string& backend = GetParam();
    if (backend == "mem") return OpenStore("mem:", options_);
    if (backend == "sqlite") return OpenStore("sqlite:" + dir_.File(name_ + ".db"), options_);
    RedisStoreOptions redis_options;
    redis_options.functions = backend == "redis";
    return testing::OpenSharedRedisStore(name_, options_, redis_options);
  }

  void Enqueue(const std::vector<NewEvent>& batch) {
    auto r = store_->Enqueue(batch);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  std::vector<Lease> Claim(size_t max) {
    auto r = store_->Claim(max, nanoseconds(0));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<Lease>{};
  }
  AccountInfo Pause(const std::string& account, bool paused) {
    auto r = store_->SetPaused(account, paused);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AccountInfo{};
  }
  AccountDetail Get(const std::string& account, size_t offset = 0, size_t limit = 100) {
    auto r = store_->GetAccount(account, offset, limit);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AccountDetail{};
  }
  std::vector<std::string> List(std::optional<AccountState> state, AccountQuery::Sort sort,
                                size_t limit = 100) {
    AccountQuery query;
    query.state = state;
    query.sort = sort;
    query.limit = limit;
    auto r = store_->ListAccounts(query);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::string> names;
    if (r.ok()) {
      for (const AccountInfo& info : *r) names.push_back(info.account);
    }
    return names;
  }
  StoreStats Stats() {
    auto r = store_->Stats();
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : StoreStats{};
  }

  testing::TempDir dir_;
  std::string name_;
  EngineOptions options_;
  std::unique_ptr<Store> store_;
};

TEST_P(StoreAccountsContractTest, APausedAccountAcceptsEventsButIsNeverGranted) {
  ASSERT_TRUE(Open());
  Enqueue({{"a", "1"}, {"b", "1"}});
  AccountInfo paused = Pause("a", true);
  EXPECT_EQ(paused.state, AccountState::kPaused);
  EXPECT_TRUE(paused.paused);
  Enqueue({{"a", "2"}});
  std::vector<Lease> leases = Claim(10);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].event.account, "b");
  EXPECT_EQ(Stats().paused, 1u);
  EXPECT_EQ(List(AccountState::kPaused, AccountQuery::Sort::kBacklog),
            std::vector<std::string>{"a"});
  EXPECT_EQ(Get("a").info.pending, 2u);
  EXPECT_EQ(Pause("a", true).state, AccountState::kPaused);  // idempotent
  EXPECT_EQ(Pause("a", false).state, AccountState::kReady);
  EXPECT_EQ(Stats().paused, 0u);
  leases = Claim(10);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].event.account, "a");
}

TEST_P(StoreAccountsContractTest, ALeaseHeldWhenPausedSettlesAndNothingFollows) {
  ASSERT_TRUE(Open());
  Enqueue({{"a", "1"}, {"a", "2"}});
  Lease lease = Claim(1).at(0);
  AccountInfo info = Pause("a", true);
  EXPECT_EQ(info.state, AccountState::kLeased);
  EXPECT_TRUE(info.paused);
  EXPECT_EQ(info.lease_holder, "worker-7");
  EXPECT_EQ(info.lease_token, lease.token);
  EXPECT_GT(info.due_in.count(), 0);
  auto done = store_->Complete(lease, Outcome::Ack(), ClaimNext::kYes);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->disposition, Disposition::kAcked);
  EXPECT_FALSE(done->next.has_value());
  EXPECT_TRUE(Claim(10).empty());
  AccountDetail detail = Get("a");
  EXPECT_EQ(detail.info.state, AccountState::kPaused);
  EXPECT_EQ(detail.info.pending, 1u);
  Pause("a", false);
  EXPECT_EQ(Claim(10).size(), 1u);
}

TEST_P(StoreAccountsContractTest, AResumeWakesAWaitingClaim) {
  ASSERT_TRUE(Open());
  Enqueue({{"a", "wake"}});
  Pause("a", true);
  auto claimer = std::async(std::launch::async, [&] { return store_->Claim(1, seconds(10)); });
  std::this_thread::sleep_for(milliseconds(50));
  Pause("a", false);
  ASSERT_EQ(claimer.wait_for(seconds(5)), std::future_status::ready)
      << "the resume did not wake it";
  auto leases = claimer.get();
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);
  EXPECT_EQ((*leases)[0].event.payload, "wake");
}

TEST_P(StoreAccountsContractTest, UnknownAccountsAreNotFound) {
  ASSERT_TRUE(Open());
  EXPECT_EQ(store_->SetPaused("nobody", true).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->GetAccount("nobody", 0, 10).status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(List(std::nullopt, AccountQuery::Sort::kAge).empty());
}

TEST_P(StoreAccountsContractTest, AccountsAreListedByBacklogAndAgeAndShownWithTheirEvents) {
  ASSERT_TRUE(Open());
  const int64_t before = SystemClock()->WallNs();
  Enqueue({{"old", "o1"}, {"big", "b1"}, {"big", "b2"}, {"big", "b3"}, {"mid", "m1"}});
  Enqueue({{"mid", "m2"}});
  EXPECT_EQ(List(std::nullopt, AccountQuery::Sort::kBacklog),
            (std::vector<std::string>{"big", "mid", "old"}));
  EXPECT_EQ(List(std::nullopt, AccountQuery::Sort::kAge),
            (std::vector<std::string>{"old", "big", "mid"}));
  EXPECT_EQ(List(std::nullopt, AccountQuery::Sort::kBacklog, 1), std::vector<std::string>{"big"});
  const StoreStats stats = Stats();
  EXPECT_GE(stats.oldest_pending_ns, before - 1'000'000);  // the server's clock, µs
  EXPECT_LE(stats.oldest_pending_ns, SystemClock()->WallNs() + 1'000'000);
  // A nack's error stays on the account until an ack.
  std::vector<Lease> leases = Claim(3);
  ASSERT_EQ(leases.size(), 3u);
  for (const Lease& lease : leases) {
    auto r = store_->Complete(lease, Outcome::Nack("HTTP 503"), ClaimNext::kNo);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  AccountDetail big = Get("big", 1, 1);
  EXPECT_EQ(big.info.last_error, "HTTP 503");
  EXPECT_EQ(big.info.pending, 3u);
  ASSERT_TRUE(big.info.head.has_value());
  EXPECT_EQ(big.info.head->attempt, 1u);
  EXPECT_EQ(big.info.head->seq, 1u);
  ASSERT_EQ(big.events.size(), 1u);
  EXPECT_EQ(big.events[0].payload, "b2");
  EXPECT_EQ(big.events[0].seq, 2u);
  EXPECT_EQ(List(AccountState::kReady, AccountQuery::Sort::kAge, 2),
            (std::vector<std::string>{"old", "big"}));
  Lease again = Claim(1).at(0);
  ASSERT_EQ(again.event.account, "big");
  ASSERT_TRUE(store_->Complete(again, Outcome::Ack(), ClaimNext::kNo).ok());
  EXPECT_EQ(Get("big").info.last_error, "");
  EXPECT_EQ(List(AccountState::kLeased, AccountQuery::Sort::kAge).size(), 0u);
}

TEST_P(StoreAccountsContractTest, APauseSurvivesReopening) {
  if (GetParam() == "mem") GTEST_SKIP() << "mem: ends with its process";
  ASSERT_TRUE(Open());
  Enqueue({{"a", "1"}, {"b", "1"}});
  Pause("a", true);
  store_.reset();
  ASSERT_TRUE(Open());
  EXPECT_EQ(Stats().paused, 1u);
  std::vector<Lease> leases = Claim(10);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].event.account, "b");
  EXPECT_EQ(Get("a").info.state, AccountState::kPaused);
  Pause("a", false);
  EXPECT_EQ(Claim(10).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreAccountsContractTest,
                         ::testing::Values("mem", "sqlite", "redis", "redis_scripts"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace strandq
