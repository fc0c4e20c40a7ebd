// Copyright 2026 The strandq Authors.
// StoreModel's accounts: the pause rule, last_error, the listing's filters and orders, one
// account's detail, and the stats that come with them.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/store_model.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;

constexpr int64_t kAccountsMs = 1'000'000;

EngineOptions AccountsOptions(OnDead on_dead = OnDead::kSkip) {
  EngineOptions options;
  options.lease_ttl = milliseconds(20);
  options.max_attempts = 2;
  options.retry_backoff = milliseconds(10);
  options.retry_backoff_max = milliseconds(10);
  options.on_dead = on_dead;
  options.client_name = "box:7";
  return options;
}

ModelTime AtMs(int64_t ms) { return {ms * kAccountsMs, 1000 * kAccountsMs + ms * kAccountsMs}; }

void Put(StoreModel& model, const std::vector<std::string>& accounts, int64_t ms) {
  std::vector<NewEvent> batch;
  std::vector<std::string> payloads;
  for (const std::string& account : accounts) {
    batch.push_back({account, "p-" + account});
    payloads.push_back("p-" + account);
  }
  model.Enqueue(batch, std::move(payloads), AtMs(ms));
}

std::vector<std::string> Names(const std::vector<AccountInfo>& infos) {
  std::vector<std::string> names;
  for (const AccountInfo& info : infos) names.push_back(info.account);
  return names;
}

std::vector<std::string> List(StoreModel& model, std::optional<AccountState> state,
                              AccountQuery::Sort sort, int64_t ms, size_t limit = 100) {
  AccountQuery query;
  query.state = state;
  query.sort = sort;
  query.limit = limit;
  return Names(model.ListAccounts(query, AtMs(ms)));
}

TEST(StoreModelAccountsTest, APausedAccountAcceptsEventsButIsNeverGrantedUntilResumed) {
  StoreModel model(AccountsOptions(), 1);
  Put(model, {"a", "b"}, 0);
  auto info = model.SetPaused("a", true, AtMs(0));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->state, AccountState::kPaused);
  EXPECT_TRUE(info->paused);
  Put(model, {"a"}, 1);
  std::vector<Lease> leases = model.Claim(5, AtMs(1));
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].event.account, "b");
  EXPECT_EQ(model.Stats(AtMs(1)).paused, 1u);
  EXPECT_EQ(model.Stats(AtMs(1)).ready, 0u);
  // Idempotent; resume makes it ready.
  EXPECT_TRUE(model.SetPaused("a", true, AtMs(1)).ok());
  EXPECT_EQ(model.SetPaused("a", false, AtMs(2))->state, AccountState::kReady);
  EXPECT_EQ(model.Stats(AtMs(2)).paused, 0u);
  EXPECT_EQ(model.Claim(5, AtMs(2)).size(), 1u);
}

TEST(StoreModelAccountsTest, ALeaseHeldWhenPausedSettlesAndTheAccountStaysStopped) {
  StoreModel model(AccountsOptions(), 1);
  Put(model, {"a", "a", "a"}, 0);
  Lease lease = model.Claim(1, AtMs(0))[0];
  EXPECT_EQ(model.SetPaused("a", true, AtMs(1))->state, AccountState::kLeased);
  // Ack with claim_next: valid, but the next head is not granted.
  auto acked = model.Complete(lease, Outcome::Ack(), ClaimNext::kYes, AtMs(2));
  ASSERT_TRUE(acked.ok());
  EXPECT_FALSE(acked->next.has_value());
  EXPECT_TRUE(model.Claim(1, AtMs(2)).empty());
  // A lease that expires while paused: the account does not become ready either.
  ASSERT_TRUE(model.SetPaused("a", false, AtMs(3)).ok());
  lease = model.Claim(1, AtMs(3))[0];
  ASSERT_TRUE(model.SetPaused("a", true, AtMs(4)).ok());
  EXPECT_TRUE(model.Claim(1, AtMs(30)).empty());
  auto info = model.GetAccount("a", 0, 10, AtMs(30));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->info.state, AccountState::kPaused);
  EXPECT_EQ(info->info.last_error, "lease expired");
  // A nack's delay that ends while paused: still not ready.
  ASSERT_TRUE(model.SetPaused("a", false, AtMs(31)).ok());
  lease = model.Claim(1, AtMs(31))[0];
  EXPECT_EQ(lease.event.attempt, 2u);
  ASSERT_TRUE(model.SetPaused("a", true, AtMs(32)).ok());
  auto nacked = model.Complete(lease, Outcome::Nack("boom"), ClaimNext::kNo, AtMs(33));
  ASSERT_TRUE(nacked.ok());
  EXPECT_EQ(nacked->disposition, Disposition::kDead);
  EXPECT_TRUE(model.Claim(1, AtMs(100)).empty());
  EXPECT_EQ(model.SetPaused("a", false, AtMs(100))->state, AccountState::kReady);
}

TEST(StoreModelAccountsTest, ADeadLetterParksAPausedAccountToo) {
  StoreModel model(AccountsOptions(OnDead::kPark), 1);
  Put(model, {"a", "a"}, 0);
  Lease lease = model.Claim(1, AtMs(0))[0];
  ASSERT_TRUE(model.SetPaused("a", true, AtMs(1)).ok());
  ASSERT_TRUE(model.Complete(lease, Outcome::Permanent("no"), ClaimNext::kNo, AtMs(2)).ok());
  auto info = model.SetPaused("a", false, AtMs(3));
  EXPECT_TRUE(info->parked);
  EXPECT_EQ(info->state, AccountState::kParked);
  EXPECT_EQ(model.Stats(AtMs(3)).parked, 1u);
  EXPECT_TRUE(model.Claim(1, AtMs(3)).empty());
}

TEST(StoreModelAccountsTest, ADelayStillRunningAtResumeGoesOn) {
  StoreModel model(AccountsOptions(), 1);
  Put(model, {"a"}, 0);
  Lease lease = model.Claim(1, AtMs(0))[0];
  ASSERT_TRUE(model
                  .Complete(lease, Outcome::NackRetryAfter("busy", milliseconds(10)),
                            ClaimNext::kNo, AtMs(1))
                  .ok());
  EXPECT_EQ(model.SetPaused("a", true, AtMs(2))->state, AccountState::kPaused);
  auto info = model.SetPaused("a", false, AtMs(3));
  EXPECT_EQ(info->state, AccountState::kDelayed);
  EXPECT_EQ(info->due_in, milliseconds(8));
  EXPECT_EQ(info->last_error, "busy");
  EXPECT_TRUE(model.Claim(1, AtMs(10)).empty());
  EXPECT_EQ(model.Claim(1, AtMs(11)).size(), 1u);
}

TEST(StoreModelAccountsTest, UnknownAccountsAreNotFound) {
  StoreModel model(AccountsOptions(), 1);
  EXPECT_EQ(model.SetPaused("nobody", true, AtMs(0)).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(model.GetAccount("nobody", 0, 1, AtMs(0)).status().code(), Status::Code::kNotFound);
}

TEST(StoreModelAccountsTest, ListsByBacklogAndByAgeWithFilters) {
  StoreModel model(AccountsOptions(OnDead::kPark), 1);
  Put(model, {"old", "big", "big", "big", "mid", "mid", "gone"}, 0);
  EXPECT_EQ(List(model, std::nullopt, AccountQuery::Sort::kBacklog, 0),
            (std::vector<std::string>{"big", "mid", "old", "gone"}));
  EXPECT_EQ(List(model, std::nullopt, AccountQuery::Sort::kAge, 0),
            (std::vector<std::string>{"old", "big", "mid", "gone"}));
  EXPECT_EQ(List(model, std::nullopt, AccountQuery::Sort::kBacklog, 0, 2),
            (std::vector<std::string>{"big", "mid"}));
  // "gone" dies and parks with no events left; "mid" is paused; "big" is leased.
  std::vector<Lease> leases = model.Claim(4, AtMs(0));  // big, mid, old, gone
  ASSERT_EQ(leases.size(), 4u);
  ASSERT_TRUE(model.Complete(leases[3], Outcome::Permanent("bad"), ClaimNext::kNo, AtMs(1)).ok());
  ASSERT_TRUE(model.Complete(leases[2], Outcome::Ack(), ClaimNext::kNo, AtMs(1)).ok());
  ASSERT_TRUE(model.Complete(leases[1], Outcome::Nack("x"), ClaimNext::kNo, AtMs(1)).ok());
  ASSERT_TRUE(model.SetPaused("mid", true, AtMs(1)).ok());
  EXPECT_EQ(List(model, std::nullopt, AccountQuery::Sort::kBacklog, 2),
            (std::vector<std::string>{"big", "mid", "gone"}));
  EXPECT_EQ(List(model, AccountState::kLeased, AccountQuery::Sort::kAge, 2),
            (std::vector<std::string>{"big"}));
  EXPECT_EQ(List(model, AccountState::kPaused, AccountQuery::Sort::kAge, 2),
            (std::vector<std::string>{"mid"}));
  EXPECT_EQ(List(model, AccountState::kParked, AccountQuery::Sort::kAge, 2),
            (std::vector<std::string>{"gone"}));
  EXPECT_TRUE(List(model, AccountState::kReady, AccountQuery::Sort::kAge, 2).empty());
  EXPECT_TRUE(List(model, AccountState::kIdle, AccountQuery::Sort::kAge, 2).empty());
  EXPECT_TRUE(List(model, std::nullopt, AccountQuery::Sort::kAge, 2, 0).empty());
  auto gone = model.GetAccount("gone", 0, 10, AtMs(2));
  EXPECT_EQ(gone->info.state, AccountState::kParked);
  EXPECT_EQ(gone->info.last_error, "permanent failure: bad");
  EXPECT_FALSE(gone->info.head.has_value());
}

TEST(StoreModelAccountsTest, AnAccountShowsItsLeaseAndItsEventsPaged) {
  StoreModel model(AccountsOptions(), 1);
  Put(model, {"a", "a", "a"}, 0);
  Lease lease = model.Claim(1, AtMs(0))[0];
  auto detail = model.GetAccount("a", 1, 1, AtMs(5));
  ASSERT_TRUE(detail.ok());
  EXPECT_EQ(detail->info.state, AccountState::kLeased);
  EXPECT_EQ(detail->info.pending, 3u);
  EXPECT_EQ(detail->info.head->id, lease.event.id);
  EXPECT_EQ(detail->info.head->attempt, 1u);
  EXPECT_TRUE(detail->info.head->payload.empty());
  EXPECT_EQ(detail->info.lease_token, lease.token);
  EXPECT_EQ(detail->info.lease_holder, "box:7");
  EXPECT_EQ(detail->info.due_in, milliseconds(15));
  ASSERT_EQ(detail->events.size(), 1u);
  EXPECT_EQ(detail->events[0].seq, 2u);
  EXPECT_EQ(detail->events[0].payload, "p-a");
  EXPECT_EQ(detail->events[0].attempt, 0u);
  // A nack sets last_error; an ack clears it.
  lease = *model
               .Complete(lease, Outcome::NackRetryAfter("slow", milliseconds(0)), ClaimNext::kYes,
                         AtMs(6))
               ->next;
  EXPECT_EQ(model.GetAccount("a", 0, 0, AtMs(6))->info.last_error, "slow");
  ASSERT_TRUE(model.Complete(lease, Outcome::Ack(), ClaimNext::kNo, AtMs(7)).ok());
  EXPECT_EQ(model.GetAccount("a", 0, 0, AtMs(7))->info.last_error, "");
}

TEST(StoreModelAccountsTest, StatsGiveTheOldestHeadAndThePausedCount) {
  StoreModel model(AccountsOptions(), 1);
  EXPECT_EQ(model.Stats(AtMs(0)).oldest_pending_ns, 0);
  Put(model, {"a", "b"}, 0);
  Put(model, {"a", "b"}, 5);
  Lease lease = model.Claim(1, AtMs(6))[0];  // a (longest, smaller head)
  EXPECT_EQ(model.Stats(AtMs(6)).oldest_pending_ns, AtMs(0).wall_ns);
  ASSERT_TRUE(model.Complete(lease, Outcome::Ack(), ClaimNext::kNo, AtMs(7)).ok());
  EXPECT_EQ(model.Stats(AtMs(7)).oldest_pending_ns, AtMs(0).wall_ns);  // b's head
  lease = model.Claim(1, AtMs(7))[0];                                  // b
  ASSERT_TRUE(model.Complete(lease, Outcome::Ack(), ClaimNext::kNo, AtMs(8)).ok());
  EXPECT_EQ(model.Stats(AtMs(8)).oldest_pending_ns, AtMs(5).wall_ns);
}

TEST(StoreModelAccountsTest, PausedSurvivesARestoreAndRestartKeepsOnlyAParkedError) {
  StoreModel model(AccountsOptions(OnDead::kPark), 1);
  model.RecordChanges();
  Put(model, {"a", "b", "c"}, 0);
  ASSERT_TRUE(model.SetPaused("a", true, AtMs(0)).ok());
  std::vector<Lease> leases = model.Claim(2, AtMs(0));  // b, c
  ASSERT_TRUE(model.Complete(leases[0], Outcome::Permanent("no"), ClaimNext::kNo, AtMs(1)).ok());
  ASSERT_TRUE(model.Complete(leases[1], Outcome::Nack("later"), ClaimNext::kNo, AtMs(1)).ok());
  ModelChanges changes = model.TakeChanges();
  bool recorded = false;
  for (const ModelChanges::Account& account : changes.accounts) {
    if (account.slot == 0) recorded = account.paused;
  }
  EXPECT_TRUE(recorded);
  model.Restart(AtMs(2));
  EXPECT_EQ(model.GetAccount("b", 0, 0, AtMs(2))->info.last_error, "permanent failure: no");
  EXPECT_EQ(model.GetAccount("c", 0, 0, AtMs(2))->info.last_error, "");
  EXPECT_EQ(model.GetAccount("a", 0, 0, AtMs(2))->info.state, AccountState::kPaused);
  // Restored from the record: paused, and not ready after the restart.
  StoreModel restored(AccountsOptions(OnDead::kPark), 1);
  ModelChanges::Account record;
  record.slot = 0;
  record.paused = true;
  ASSERT_TRUE(restored.RestoreAccount("a", record));
  restored.RestorePending({0, 1, 1, AtMs(0).wall_ns, 0});
  restored.Restart(AtMs(3));
  EXPECT_EQ(restored.Stats(AtMs(3)).paused, 1u);
  EXPECT_EQ(restored.Stats(AtMs(3)).ready, 0u);
  EXPECT_EQ(restored.Stats(AtMs(3)).oldest_pending_ns, AtMs(0).wall_ns);
  EXPECT_EQ(restored.SetPaused("a", false, AtMs(4))->state, AccountState::kReady);
}

}  // namespace
}  // namespace strandq
