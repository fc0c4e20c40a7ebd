// Copyright 2026 The strandq Authors.
// End to end over sqlite: with the real binary: generate, worker, stats, dlq and drop on a
// database one command after the other; a handler that kills its process, dead-lettered after
// --max-attempts restarts; damaged and foreign files refused with one line, left unchanged.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/serve_e2e_util.h"
#include "testutil/sqlite_exec.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

class SqliteCliE2eTest : public ::testing::Test {
 protected:
  nlohmann::json StoreStats() {
    ProcessResult r = Strandq({"stats", "--store", url_, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
  }

  TempDir dir_;
  std::string db_ = dir_.File("q.db");
  std::string url_ = "sqlite:" + db_;
};

// The documented flow on one database: a producer, then a worker, then the operator's
// commands, each owning the file in turn.
TEST_F(SqliteCliE2eTest, GenerateThenWorkerThenStatsAndDrop) {
  const std::string csv = dir_.File("w.csv"), log = dir_.File("w.jsonl");
  ASSERT_EQ(Strandq({"generate", "--to", csv, "--events", "300", "--accounts", "30"}).exit_code, 0);
  ProcessResult produced = Strandq({"generate", "--to", url_, "--input", csv});
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  EXPECT_EQ(StoreStats()["pending"], 300);
  ProcessResult worker = Strandq({"worker", "--store", url_, "--workers", "8", "--work", "noop",
                                  "--log", log, "--exit-when-drained"});
  ASSERT_EQ(worker.exit_code, 0) << worker.out << worker.err;
  ProcessResult verify = Strandq({"verify", log, "--input", csv, "--store", url_});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_EQ(StoreStats()["acked"], 300);

  ProcessResult refused = Strandq({"drop", "--store", url_});
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_TRUE(Contains(refused.err, "pass --yes")) << refused.err;
  ProcessResult dropped = Strandq({"drop", "--store", url_, "--yes"});
  EXPECT_EQ(dropped.exit_code, 0) << dropped.err;
  EXPECT_EQ(StoreStats()["enqueued"], 0);
}

// Inspecting commands create nothing: a path that names no file is refused (a typo).
TEST_F(SqliteCliE2eTest, StatsAndDlqRefuseAMissingDatabase) {
  const std::string missing = dir_.File("typo.db");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"stats", "--store", "sqlite:" + missing},
        std::vector<std::string>{"dlq", "list", "--store", "sqlite:" + missing}}) {
    ProcessResult r = Strandq(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, "no such database (" + missing + " does not exist)")) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(missing));
  EXPECT_FALSE(std::filesystem::exists(missing + ".lock"));
}

// A handler that kills its own strandq on one payload: the event is delivered again after each
// restart (attempt + 1) until it was granted --max-attempts times; the next process to open the
// database dead-letters it, and the other events are processed.
TEST_F(SqliteCliE2eTest, HandlerThatKillsItsProcessIsDeadLetteredAfterMaxAttempts) {
  std::string csv_text = "account,seq,payload\n";
  for (int seq = 1; seq <= 6; ++seq) {
    for (int account = 0; account < 10; ++account) {
      const bool poison = account == 3 && seq == 3;
      csv_text += "a" + std::to_string(account) + "," + std::to_string(seq) + "," +
                  (poison ? "poison" : "ok") + "\n";
    }
  }
  const std::string csv = dir_.File("w.csv");
  WriteFile(csv, csv_text);
  ASSERT_EQ(Strandq({"generate", "--to", url_, "--input", csv}).exit_code, 0);
  // sh -c's parent is strandq; the loop waits until it is gone, so no outcome is settled.
  const std::string work =
      "exec:if grep -q poison; then kill -9 $PPID; "
      "while kill -0 $PPID 2>/dev/null; do sleep 0.05; done; fi";
  const std::vector<std::string> engine = {"--workers",      "1", "--lookahead", "0",
                                           "--max-attempts", "3", "--work",      work};
  std::vector<std::string> verify_args = {"verify"};
  for (int run = 0; run < 3; ++run) {
    verify_args.push_back(dir_.File("serve" + std::to_string(run) + ".jsonl"));
    std::vector<std::string> args = {"--store", url_, "--log", verify_args.back()};
    args.insert(args.end(), engine.begin(), engine.end());
    Server server(args);
    ASSERT_TRUE(server.up());
    ProcessResult r = server.Wait(60s);
    ASSERT_EQ(r.exit_code, 128 + SIGKILL) << "run " << run << ": " << r.out << r.err;
  }
  // Inspecting leaves the crash-loop rule to the next process that runs the queue.
  EXPECT_EQ(StoreStats()["dead"], 0);
  verify_args.push_back(dir_.File("worker.jsonl"));
  std::vector<std::string> worker_args = {"worker", "--store",          url_,
                                          "--log",  verify_args.back(), "--exit-when-drained"};
  worker_args.insert(worker_args.end(), engine.begin(), engine.end());
  ProcessResult worker = Strandq(worker_args);
  EXPECT_EQ(worker.exit_code, 0) << worker.out << worker.err;
  EXPECT_TRUE(Contains(worker.err, "strandq: WARNING: 1 event dead-lettered on opening " + url_ +
                                       ": the process ended during its last allowed attempt"))
      << worker.err;

  ProcessResult dlq = Strandq({"dlq", "list", "--store", url_, "--json"});
  ASSERT_EQ(dlq.exit_code, 0) << dlq.err;
  ASSERT_EQ(std::count(dlq.out.begin(), dlq.out.end(), '\n'), 1) << dlq.out;
  const auto dead = nlohmann::json::parse(dlq.out);
  EXPECT_EQ(dead["account"], "a3");
  EXPECT_EQ(dead["seq"], 3);
  EXPECT_EQ(dead["attempt"], 3);
  EXPECT_TRUE(Contains(dead["error"], "the process ended during attempt 3")) << dead;
  const nlohmann::json stats = StoreStats();
  EXPECT_EQ(stats["acked"], 59);
  EXPECT_EQ(stats["dead"], 1);
  EXPECT_EQ(stats["pending"], 0);
  verify_args.insert(verify_args.end(), {"--input", csv, "--store", url_});
  ProcessResult verify = Strandq(verify_args);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(Contains(verify.out, "dead:         1")) << verify.out;
}

// A damaged or foreign file: serve and stats print one line naming it, exit 1 or 2, and leave
// its bytes as they were.
class DamagedFileE2eTest : public SqliteCliE2eTest {
 protected:
  // A strandq database with a few thousand events and payloads, closed cleanly.
  std::string MakeDatabase() {
    const std::string path = dir_.File("good.db");
    ProcessResult r = Strandq({"generate", "--to", "sqlite:" + path, "--events", "3000",
                               "--accounts", "300", "--payload-bytes", "200"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return ReadFile(path);
  }

  void ExpectRefused(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.File(name);
    WriteFile(path, bytes);
    const std::string url = "sqlite:" + path;
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"serve", "--store", url, "--bind", "127.0.0.1:0", "--workers",
                                   "0"},
          std::vector<std::string>{"stats", "--store", url}}) {
      ProcessResult r = RunStrandq(args, 30s);
      EXPECT_TRUE(r.exit_code == 1 || r.exit_code == 2)
          << name << ": " << args[0] << " exited " << r.exit_code << "\n"
          << r.out << r.err;
      EXPECT_TRUE(r.err.starts_with("strandq: error: sqlite:" + path)) << name << ": " << r.err;
      EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << name << ": " << r.err;
      EXPECT_TRUE(ReadFile(path) == bytes) << name << ": " << args[0] << " changed the file";
    }
  }
};

TEST_F(DamagedFileE2eTest, TextFile) {
  ExpectRefused("text.db", "account,seq,payload\na1,1,hello\n");
}

TEST_F(DamagedFileE2eTest, AnotherApplicationsDatabase) {
  const std::string path = dir_.File("other.db");
  ASSERT_EQ(testing::ExecSqlite(path,
                                "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);"
                                "INSERT INTO notes (body) VALUES ('keep me'), ('and me');"),
            "");
  ExpectRefused("other.db", ReadFile(path));
}

TEST_F(DamagedFileE2eTest, TruncatedToHalf) {
  const std::string good = MakeDatabase();
  ASSERT_GT(good.size(), 100'000u);
  ExpectRefused("half.db", good.substr(0, good.size() / 2));
}

TEST_F(DamagedFileE2eTest, GarbageInTheMiddleOfItsPages) {
  std::string bytes = MakeDatabase();
  ASSERT_GT(bytes.size(), 100'000u);
  const size_t at = bytes.size() / 2 / 4096 * 4096;
  for (size_t i = 0; i < 8192; ++i) bytes[at + i] = static_cast<char>((i * 131 + 7) % 251);
  ExpectRefused("garbage.db", bytes);
}

TEST_F(DamagedFileE2eTest, GarbageInItsFirstPage) {
  std::string bytes = MakeDatabase();
  for (size_t i = 100; i < 4096; ++i) bytes[i] = static_cast<char>((i * 131 + 7) % 251);
  ExpectRefused("first-page.db", bytes);
}

// An upgrade never reads a database it does not know: one written by a later format (a newer
// strandq, then a downgrade) is refused with its format and left as it is.
TEST_F(DamagedFileE2eTest, ADatabaseOfANewerFormatIsRefused) {
  const std::string path = dir_.File("newer.db");
  WriteFile(path, MakeDatabase());
  ASSERT_EQ(testing::ExecSqlite(path, "PRAGMA user_version = 99"), "");
  ExpectRefused("newer.db", ReadFile(path));
  ProcessResult r = Strandq({"stats", "--store", "sqlite:" + path});
  EXPECT_TRUE(Contains(r.err, "written by a newer strandq (format 99")) << r.err;
  EXPECT_TRUE(Contains(r.err, "run the strandq that wrote it, or a newer one")) << r.err;
}

}  // namespace
}  // namespace strandq
