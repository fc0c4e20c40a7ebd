// Copyright 2026 The strandq Authors.
// The durable embedded store across reopenings: what was acknowledged is there again, events in
// flight come back with attempt + 1, a head that keeps killing its process is dead-lettered,
// fencing tokens keep growing, one process owns a database, and files that are not sound
// strandq databases are refused without being changed. (The steps' rules themselves are checked
// against the model by store_differential_test.cc, restarts included.)

#include "backend/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "strandq/clock.h"
#include "strandq/store.h"
#include "testutil/sqlite_exec.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class SqliteStoreTest : public ::testing::Test {
 protected:
  SqliteStoreTest() { options_.max_attempts = 3; }

  std::string Url() const { return "sqlite:" + path_; }
  // Opens the database (a new one at first), failing the test if it cannot.
  std::unique_ptr<Store> Open() {
    auto store = OpenStore(Url(), options_, &clock_);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }
  std::vector<Lease> ClaimAll(Store& store) {
    auto leases = store.Claim(100, std::chrono::nanoseconds(0));
    EXPECT_TRUE(leases.ok()) << leases.status().ToString();
    return leases.ok() ? std::move(*leases) : std::vector<Lease>();
  }

  testing::TempDir dir_;
  const std::string path_ = dir_.File("strandq.db");
  ManualClock clock_{1'000'000'000};
  EngineOptions options_;
};

TEST_F(SqliteStoreTest, ReopeningKeepsEveryAcceptedEventWithItsPayload) {
  const std::string binary("b\0in\xff", 5);
  {
    auto store = Open();
    ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "one"}, {"b", binary}, {"a", ""}}).ok());
  }
  auto store = Open();
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->pending, 3u);
  EXPECT_EQ(stats->enqueued, 3u);
  std::vector<Lease> leases = ClaimAll(*store);
  ASSERT_EQ(leases.size(), 2u);  // the heads of a and b
  for (const Lease& lease : leases) {
    EXPECT_EQ(lease.event.payload, lease.event.account == "a" ? "one" : binary);
    EXPECT_EQ(lease.event.attempt, 1u);
    EXPECT_EQ(lease.event.seq, 1u);
  }
  for (const Lease& lease : leases) {
    auto done = store->Complete(lease, Outcome::Ack(), ClaimNext::kYes);
    ASSERT_TRUE(done.ok());
    if (lease.event.account == "a") {
      ASSERT_TRUE(done->next.has_value());
      EXPECT_EQ(done->next->event.id, 3u);
      EXPECT_EQ(done->next->event.payload, "");
    }
  }
}

TEST_F(SqliteStoreTest, AckedEventsStayAckedAndNumbersGoOn) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"a", "2"}}).ok());
    std::vector<Lease> leases = ClaimAll(*store);
    ASSERT_EQ(leases.size(), 1u);
    ASSERT_TRUE(store->Complete(leases[0], Outcome::Ack(), ClaimNext::kNo).ok());
  }
  auto store = Open();
  auto receipts = store->Enqueue(std::vector<NewEvent>{{"a", "3"}});
  ASSERT_TRUE(receipts.ok());
  EXPECT_EQ((*receipts)[0].id, 3u);
  EXPECT_EQ((*receipts)[0].seq, 3u);
  std::vector<Lease> leases = ClaimAll(*store);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].event.payload, "2");
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->acked, 1u);
  EXPECT_EQ(stats->enqueued, 3u);
  EXPECT_EQ(stats->pending, 2u);
}

// The rows of acked events are deleted in bulk, once they are as many as the pending ones
// (sqlite_schema.cc): until then a reopening must skip them, after it they are gone.
TEST_F(SqliteStoreTest, AckedEventsAreSweptInBulkAndStayAckedAcrossReopening) {
  constexpr int kAccounts = 20;  // acked 20 at a time, in one step
  constexpr int kPerAccount = 150;
  constexpr int kEvents = kAccounts * kPerAccount;
  constexpr int kAcked = 2500;
  {
    auto store = Open();
    std::vector<NewEvent> batch;
    for (int i = 0; i < kPerAccount; ++i) {
      for (int a = 0; a < kAccounts; ++a)
        batch.push_back({"a" + std::to_string(a), std::to_string(i)});
    }
    ASSERT_TRUE(store->Enqueue(batch).ok());
    for (int acked = 0; acked < kAcked;) {
      std::vector<Lease> leases = ClaimAll(*store);
      ASSERT_FALSE(leases.empty());
      std::vector<Settlement> settlements;
      for (size_t i = 0; i < leases.size() && acked < kAcked; ++i, ++acked) {
        settlements.push_back({leases[i], Outcome::Ack()});
      }
      for (const auto& done : store->CompleteMany(settlements, ClaimNext::kNo)) {
        ASSERT_TRUE(done.ok());
      }
      // The last round's leases left over end with the store: pending again when reopened.
    }
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* count = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT count(*) FROM events", -1, &count, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(count), SQLITE_ROW);
  const int64_t rows = sqlite3_column_int64(count, 0);
  sqlite3_finalize(count);
  sqlite3_close(db);
  EXPECT_LT(rows, kEvents);           // swept at least once
  EXPECT_GT(rows, kEvents - kAcked);  // acked rows left for a later sweep

  auto store = Open();
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->pending, static_cast<uint64_t>(kEvents - kAcked));
  EXPECT_EQ(stats->acked, static_cast<uint64_t>(kAcked));
  uint64_t left = 0;
  for (std::vector<Lease> leases = ClaimAll(*store); !leases.empty(); leases = ClaimAll(*store)) {
    for (const Lease& lease : leases) {
      EXPECT_EQ(lease.event.payload, std::to_string(lease.event.seq - 1));
      ASSERT_TRUE(store->Complete(lease, Outcome::Ack(), ClaimNext::kNo).ok());
      ++left;
    }
  }
  EXPECT_EQ(left, static_cast<uint64_t>(kEvents - kAcked));
}

TEST_F(SqliteStoreTest, AFormatOneDatabaseIsUpgradedWhenOpened) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"a", "2"}}).ok());
  }
  // Format 1 had no table acked (and no column accounts.paused).
  ASSERT_EQ(testing::ExecSqlite(path_,
                                "DROP TABLE acked; ALTER TABLE accounts DROP COLUMN paused; "
                                "PRAGMA user_version = 1"),
            "");
  {
    auto store = Open();
    std::vector<Lease> leases = ClaimAll(*store);
    ASSERT_EQ(leases.size(), 1u);
    ASSERT_TRUE(store->Complete(leases[0], Outcome::Ack(), ClaimNext::kNo).ok());
  }
  auto store = Open();
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->pending, 1u);
  EXPECT_EQ(stats->acked, 1u);
}

TEST_F(SqliteStoreTest, AFormatTwoDatabaseIsUpgradedAndAPauseSurvivesReopening) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"b", "2"}}).ok());
  }
  // Format 2 had no column accounts.paused.
  ASSERT_EQ(testing::ExecSqlite(path_,
                                "ALTER TABLE accounts DROP COLUMN paused; PRAGMA user_version = 2"),
            "");
  {
    auto store = Open();
    ASSERT_TRUE(store->SetPaused("a", true).ok());
  }
  auto store = Open();
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->paused, 1u);
  std::vector<Lease> leases = ClaimAll(*store);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].event.account, "b");
  auto a = store->GetAccount("a", 0, 10);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->info.state, AccountState::kPaused);
  ASSERT_EQ(a->events.size(), 1u);
  EXPECT_EQ(a->events[0].payload, "1");  // loaded from the file
}

TEST_F(SqliteStoreTest, AnEventInFlightComesBackWithAttemptPlusOneAndItsOldLeaseIsLost) {
  Lease old;
  {
    auto store = Open();
    ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "x"}}).ok());
    std::vector<Lease> leases = ClaimAll(*store);
    ASSERT_EQ(leases.size(), 1u);
    old = leases[0];
  }  // the process ends with the lease held
  auto store = Open();
  std::vector<Lease> leases = ClaimAll(*store);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].event.id, old.event.id);
  EXPECT_EQ(leases[0].event.attempt, 2u);
  EXPECT_GT(leases[0].token, old.token);
  auto stale = store->Complete(old, Outcome::Ack(), ClaimNext::kNo);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.status().code(), Status::Code::kLeaseLost);
  EXPECT_TRUE(store->Complete(leases[0], Outcome::Ack(), ClaimNext::kNo).ok());
}

TEST_F(SqliteStoreTest, AHeadThatKeepsEndingItsProcessIsDeadLetteredAfterMaxAttempts) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "poison"}, {"a", "next"}}).ok());
  }
  for (uint32_t attempt = 1; attempt <= options_.max_attempts; ++attempt) {
    auto store = Open();
    std::vector<Lease> leases = ClaimAll(*store);
    ASSERT_EQ(leases.size(), 1u) << "attempt " << attempt;
    EXPECT_EQ(leases[0].event.payload, "poison");
    EXPECT_EQ(leases[0].event.attempt, attempt);
  }  // each time, the process ends during the attempt
  auto store = Open();
  EXPECT_EQ(store->Traits().dead_at_open, 1u);
  auto dead = store->ListDead(10);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].event.payload, "poison");
  EXPECT_EQ((*dead)[0].event.attempt, options_.max_attempts);
  EXPECT_NE((*dead)[0].error.find("the process ended during attempt 3"), std::string::npos)
      << (*dead)[0].error;
  std::vector<Lease> leases = ClaimAll(*store);
  ASSERT_EQ(leases.size(), 1u);
  EXPECT_EQ(leases[0].event.payload, "next");
  EXPECT_EQ(leases[0].event.attempt, 1u);
}

TEST_F(SqliteStoreTest, DeadLettersReplaysAndParkingSurviveReopening) {
  options_.max_attempts = 1;
  options_.on_dead = OnDead::kPark;
  {
    auto store = Open();
    ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"a", "2"}, {"a", "3"}}).ok());
    std::vector<Lease> leases = ClaimAll(*store);
    ASSERT_EQ(leases.size(), 1u);
    ASSERT_TRUE(store->Complete(leases[0], Outcome::Nack("boom"), ClaimNext::kNo).ok());
  }
  {
    auto store = Open();
    EXPECT_TRUE(ClaimAll(*store).empty());  // parked
    auto stats = store->Stats();
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->parked, 1u);
    auto dead = store->ListDead(10);
    ASSERT_TRUE(dead.ok());
    ASSERT_EQ(dead->size(), 1u);
    EXPECT_EQ((*dead)[0].error, "boom");
    const uint64_t id = (*dead)[0].event.id;
    auto replayed = store->ReplayDead(std::span(&id, 1), ReplayAt::kTail);
    ASSERT_TRUE(replayed.ok());
    EXPECT_EQ(*replayed, 1u);
  }
  auto store = Open();
  std::vector<std::string> order;
  for (std::vector<Lease> leases = ClaimAll(*store); !leases.empty(); leases = ClaimAll(*store)) {
    order.push_back(leases[0].event.payload);
    EXPECT_EQ(leases[0].event.replay, leases[0].event.payload == "1" ? 1u : 0u);
    ASSERT_TRUE(store->Complete(leases[0], Outcome::Ack(), ClaimNext::kNo).ok());
  }
  EXPECT_EQ(order, (std::vector<std::string>{"2", "3", "1"}));  // replayed at the tail
}

TEST_F(SqliteStoreTest, ASecondOpenerIsToldWhichProcessOwnsTheDatabase) {
  auto first = Open();
  auto second = OpenStore(Url(), options_, &clock_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(second.status().message().find("in use by pid " + std::to_string(getpid())),
            std::string::npos)
      << second.status().message();
  // Under another name too.
  std::filesystem::create_symlink(path_, dir_.File("alias.db"));
  auto alias = OpenStore("sqlite:" + dir_.File("alias.db"), options_, &clock_);
  ASSERT_FALSE(alias.ok());
  EXPECT_NE(alias.status().message().find("in use by pid"), std::string::npos);
  first.reset();
  EXPECT_NE(Open(), nullptr);  // free again once the owner is gone
}

TEST_F(SqliteStoreTest, DropLeavesANewDatabase) {
  {
    auto store = Open();
    ASSERT_TRUE(store->Enqueue(std::vector<NewEvent>{{"a", "1"}, {"b", "2"}}).ok());
    ASSERT_TRUE(store->EnqueueOnce("k", std::vector<NewEvent>{{"c", "3"}}).ok());
    auto dropped = store->Drop();
    ASSERT_TRUE(dropped.ok()) << dropped.status().ToString();
    EXPECT_GE(*dropped, 4u);  // 2 events, 2 payloads, 2 accounts
  }
  auto store = Open();
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->pending, 0u);
  EXPECT_EQ(stats->enqueued, 0u);
  auto receipts = store->Enqueue(std::vector<NewEvent>{{"a", "1"}});
  ASSERT_TRUE(receipts.ok());
  EXPECT_EQ((*receipts)[0].id, 1u);
  auto again = store->EnqueueOnce("k", std::vector<NewEvent>{{"d", "4"}});  // a new key again
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->replayed);
}

TEST_F(SqliteStoreTest, SyncNormalIsDurableAcrossReopeningToo) {
  {
    auto store = OpenStore(Url() + "?sync=normal", options_, &clock_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Enqueue(std::vector<NewEvent>{{"a", "1"}}).ok());
  }
  auto store = Open();
  EXPECT_EQ(ClaimAll(*store).size(), 1u);
}

// ---- Files that are not sound strandq databases: refused, and left as they were ----

class RefusedFileTest : public SqliteStoreTest {
 protected:
  // Opening the file fails with `code` and a one-line message naming it; its bytes are unchanged.
  void ExpectRefused(Status::Code code, const std::string& says) {
    const std::string before = testing::ReadFile(path_);
    auto store = OpenStore(Url(), options_, &clock_);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), code) << store.status().ToString();
    const std::string message = store.status().message();
    EXPECT_NE(message.find(path_), std::string::npos) << message;
    EXPECT_NE(message.find(says), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_EQ(testing::ReadFile(path_), before);
  }
  // A database with `n` pending events, closed.
  void MakeDatabase(int n) {
    auto store = Open();
    std::vector<NewEvent> batch;
    for (int i = 0; i < n; ++i)
      batch.push_back({"a" + std::to_string(i % 50), std::string(300, 'x')});
    ASSERT_TRUE(store->Enqueue(batch).ok());
  }
};

TEST_F(RefusedFileTest, ATextFile) {
  testing::WriteFile(path_, "these are my notes, not a database\n");
  ExpectRefused(Status::Code::kInvalidArgument, "not a strandq database (not an SQLite file)");
}

TEST_F(RefusedFileTest, AnotherApplicationsDatabase) {
  ASSERT_EQ(testing::ExecSqlite(path_, "CREATE TABLE t (x); INSERT INTO t VALUES (1)"), "");
  ExpectRefused(Status::Code::kInvalidArgument, "another application");
}

TEST_F(RefusedFileTest, ATruncatedDatabase) {
  MakeDatabase(2000);
  const auto size = std::filesystem::file_size(path_);
  ASSERT_GT(size, 8192u);
  std::filesystem::resize_file(path_, size / 2);
  ExpectRefused(Status::Code::kInternal, "damaged");
}

TEST_F(RefusedFileTest, ADatabaseWithGarbageInItsPages) {
  MakeDatabase(2000);
  std::string bytes = testing::ReadFile(path_);
  ASSERT_GT(bytes.size(), 16384u);
  // Pages 2 onwards (the tables' roots and their first pages) filled with garbage.
  for (size_t i = 4096; i < bytes.size(); i += 7) bytes[i] = static_cast<char>(i * 31);
  testing::WriteFile(path_, bytes);
  ExpectRefused(Status::Code::kInternal, "damaged");
}

}  // namespace
}  // namespace strandq

namespace strandq {
namespace {

// A disk that fails (files may not grow past 1 MiB, in a child process): the enqueue whose
// commit fails is refused, every later step is refused too, and reopening finds exactly the
// batches that were acknowledged, each whole.
TEST_F(SqliteStoreTest, WhenTheDiskFailsNothingAcknowledgedIsLostAndNothingHalfStored) {
  const std::string count_file = dir_.File("acknowledged");
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    signal(SIGXFSZ, SIG_IGN);  // a write past the limit fails with EFBIG instead
    rlimit limit{1 << 20, 1 << 20};
    setrlimit(RLIMIT_FSIZE, &limit);
    auto store = OpenStore(Url(), options_, &clock_);
    if (!store.ok()) _exit(10);
    int acknowledged = 0;
    for (; acknowledged < 1000; ++acknowledged) {
      std::vector<NewEvent> batch(100, NewEvent{"a" + std::to_string(acknowledged), ""});
      for (NewEvent& event : batch) event.payload = std::string(500, 'p');
      if (!(*store)->Enqueue(batch).ok()) break;
    }
    if (acknowledged == 0 || acknowledged == 1000) _exit(11);
    auto after = (*store)->Enqueue(std::vector<NewEvent>{{"late", "x"}});
    if (after.ok() ||
        after.status().message().find("writing to the database failed") == std::string::npos) {
      _exit(12);
    }
    testing::WriteFile(count_file, std::to_string(acknowledged));
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0) << "10: no store, 11: the disk never failed, 12: a step "
                                       "after the failure was not refused";
  const uint64_t acknowledged = std::stoull(testing::ReadFile(count_file));
  auto store = Open();
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->pending, acknowledged * 100);
  EXPECT_EQ(stats->enqueued, acknowledged * 100);
}

}  // namespace
}  // namespace strandq

namespace strandq {
namespace {

TEST_F(SqliteStoreTest, ACommandThatInspectsCreatesNoDatabase) {
  options_.policy_from_store = true;
  auto store = OpenStore(Url(), options_, &clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(store.status().message().find("no such database"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path_));
  EXPECT_FALSE(std::filesystem::exists(path_ + ".lock"));
  options_.policy_from_store = false;
  { auto created = Open(); }
  options_.policy_from_store = true;
  EXPECT_TRUE(OpenStore(Url(), options_, &clock_).ok());
}

}  // namespace
}  // namespace strandq
