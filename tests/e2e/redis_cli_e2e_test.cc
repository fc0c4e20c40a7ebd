// Copyright 2026 The strandq Authors.
// The command line's administration of a Redis namespace, through the real binary and a
// private redis-server: input refused before anything is stored, stats and dlq on a namespace
// of another policy, and `strandq drop`.

#include <gtest/gtest.h>

#include <csignal>
#include <string>
#include <vector>

#include "backend/redis/redis_connection.h"
#include "e2e/redis_e2e_util.h"

namespace strandq {
namespace {

// The keys of namespace `prefix` on the server (SCAN, as an operator would).
std::vector<std::string> KeysOf(const RedisServer& redis, const std::string& prefix) {
  RedisUrl url;
  url.port = redis.port();
  auto conn = RedisConnection::Open(url, seconds(5));
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  std::vector<std::string> keys;
  std::string cursor = "0";
  do {
    if (!conn.ok()) break;
    auto reply = (*conn)->Command({"SCAN", cursor, "MATCH", "{" + prefix + "}:*"});
    if (!reply.ok() || (*reply)->elements != 2) break;
    cursor.assign((*reply)->element[0]->str, (*reply)->element[0]->len);
    const redisReply& page = *(*reply)->element[1];
    for (size_t i = 0; i < page.elements; ++i) keys.emplace_back(page.element[i]->str);
  } while (cursor != "0");
  return keys;
}

class RedisCliE2eTest : public ::testing::Test {
 protected:
  // A workload CSV of `events` events over 3 accounts whose event number `big` (from 1) has a
  // payload one byte over the 1 MiB limit; the others have small ones.
  std::string WorkloadWithBigPayload(int events, int big) {
    std::string text = "account,seq,payload\n";
    int seqs[3] = {0, 0, 0};
    for (int i = 1; i <= events; ++i) {
      const int account = i % 3;
      text += "a" + std::to_string(account) + "," + std::to_string(++seqs[account]) + ",";
      text += i == big ? std::string((1 << 20) + 1, 'x') : "p" + std::to_string(i);
      text += "\n";
    }
    const std::string csv = dir_.File("big.csv");
    testing::WriteFile(csv, text);
    return csv;
  }

  TempDir dir_;
};

// A file with a payload over the limit at its 13th event: refused before anything is sent, by
// generate --to redis:// (even one event per batch), --to http:// and run, all naming its line
// and exiting 2; the namespace stays empty.
TEST_F(RedisCliE2eTest, ARejectedFileLeavesNothingBehind) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("big");
  const std::string csv = WorkloadWithBigPayload(20, 13);
  const std::string line = csv + ":14:";  // the header is line 1
  const std::vector<std::vector<std::string>> commands = {
      {"generate", "--input", csv, "--to", url, "--batch-size", "1"},
      {"generate", "--input", csv, "--to", url},
      {"generate", "--input", csv, "--to", "http://127.0.0.1:1"},  // nothing listens there
      {"run", "--input", csv, "--store", url, "--work", "noop"},
  };
  for (const auto& args : commands) {
    ProcessResult r = Strandq(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << args[4] << ": " << r.err;
    EXPECT_EQ(r.err.rfind("strandq: error: " + line, 0), 0u) << r.err;
    EXPECT_TRUE(Contains(r.err, "exceeds the limit of 1048576 bytes")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_EQ(Field(Stats(url), "enqueued"), 0u);
  EXPECT_EQ(Field(Stats(url), "pending"), 0u);
}

// stats and dlq read a namespace of the policy `oldest` without being told; a stats on a new
// namespace records no policy, so its first producer still chooses one.
TEST_F(RedisCliE2eTest, InspectorsNeedNoPolicy) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("oldest");
  EXPECT_EQ(Field(Stats(url), "enqueued"), 0u);
  EXPECT_TRUE(KeysOf(redis, "oldest").empty()) << "stats wrote into a new namespace";

  ProcessResult gen =
      Strandq({"generate", "--to", url, "--events", "12", "--accounts", "3", "--policy", "oldest"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  ProcessResult work = Strandq({"worker", "--store", url, "--policy", "oldest", "--work", "noop",
                                "--fail-rate", "1", "--max-attempts", "1", "--exit-when-drained"});
  ASSERT_EQ(work.exit_code, 1) << work.err;  // it dead-lettered every event
  EXPECT_EQ(Field(Stats(url), "dead"), 12u);
  ProcessResult list = Strandq({"dlq", "list", "--store", url});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Contains(list.err, "12 dead events listed")) << list.err;
  ProcessResult replay = Strandq({"dlq", "replay", "--all", "--store", url});
  EXPECT_EQ(replay.exit_code, 0) << replay.err;
  EXPECT_TRUE(Contains(replay.out, "replayed 12")) << replay.out;
  ProcessResult purge = Strandq({"dlq", "purge", "--all", "--store", url});
  EXPECT_EQ(purge.exit_code, 0) << purge.err;
  EXPECT_EQ(Field(Stats(url), "pending"), 12u);
  // Asking for another policy explicitly is still refused, naming the namespace's.
  ProcessResult wrong = Strandq({"stats", "--store", url, "--policy", "longest"});
  EXPECT_EQ(wrong.exit_code, 2) << wrong.err;
  EXPECT_TRUE(Contains(wrong.err, "uses policy 'oldest'")) << wrong.err;
}

// drop: refuses without --yes (saying what it would delete), refuses while events are leased,
// deletes every key of the namespace and no other; run on a used namespace names it.
TEST_F(RedisCliE2eTest, DropDeletesANamespace) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("drop"), other = redis.Url("drop2");
  ASSERT_EQ(Strandq({"run", "--store", url, "--events", "30", "--accounts", "5", "--work", "noop"})
                .exit_code,
            0);
  ASSERT_EQ(Strandq({"generate", "--to", other, "--events", "7"}).exit_code, 0);
  // Used: run refuses it and names the way out.
  ProcessResult again =
      Strandq({"run", "--store", url, "--events", "30", "--accounts", "5", "--work", "noop"});
  EXPECT_EQ(again.exit_code, 2) << again.err;
  EXPECT_TRUE(Contains(again.err, "strandq drop --store")) << again.err;
  // Some pending events and some dead ones.
  ASSERT_EQ(Strandq({"generate", "--to", url, "--events", "10", "--accounts", "2"}).exit_code, 0);
  ASSERT_EQ(Strandq({"worker", "--store", url, "--work", "noop", "--fail-rate", "1",
                     "--max-attempts", "1", "--exit-when-drained"})
                .exit_code,
            1);  // it dead-lettered every event
  const std::string four = dir_.File("four.csv");
  testing::WriteFile(four, "account,seq\na0,1\na1,1\na0,2\na1,2\n");
  ASSERT_EQ(Strandq({"generate", "--to", url, "--input", four}).exit_code, 0);

  ProcessResult refused = Strandq({"drop", "--store", url});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "4 pending events (2 accounts) and 10 dead events"))
      << refused.err;
  EXPECT_TRUE(Contains(refused.err, "--yes")) << refused.err;
  EXPECT_EQ(Field(Stats(url), "pending"), 4u) << "nothing may be deleted without --yes";

  // A worker holding leases (extended while its handlers sleep): drop refuses until it stops
  // and its leases ran out.
  auto holder = StartStrandq(
      {"worker", "--store", url, "--work", "sleep:30s", "--workers", "2", "--lease-ttl", "300ms"});
  auto leased = [&] { return Field(Stats(url), "leased"); };
  ASSERT_TRUE(WaitFor([&] { return leased() == 2; }, seconds(30)));
  ProcessResult busy = Strandq({"drop", "--store", url, "--yes"});
  EXPECT_EQ(busy.exit_code, 1) << busy.err;
  EXPECT_TRUE(Contains(busy.err, "2 events leased by running workers")) << busy.err;
  holder->Signal(SIGKILL);
  holder->Wait(seconds(10));
  ASSERT_TRUE(WaitFor([&] { return leased() == 0; }, seconds(30)));

  ASSERT_FALSE(KeysOf(redis, "drop").empty());
  ProcessResult dropped = Strandq({"drop", "--store", url, "--yes"});
  ASSERT_EQ(dropped.exit_code, 0) << dropped.err;
  EXPECT_TRUE(Contains(dropped.out, "dropped " + url)) << dropped.out;
  EXPECT_TRUE(KeysOf(redis, "drop").empty());
  EXPECT_EQ(Field(Stats(other), "pending"), 7u) << "another namespace was touched";
  // The namespace is new again: run works on it, with another policy too.
  ProcessResult fresh = Strandq({"run", "--store", url, "--events", "30", "--accounts", "5",
                                 "--work", "noop", "--policy", "oldest"});
  EXPECT_EQ(fresh.exit_code, 0) << fresh.out << fresh.err;
}

}  // namespace
}  // namespace strandq
