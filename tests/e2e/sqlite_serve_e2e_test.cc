// Copyright 2026 The strandq Authors.
// End to end over sqlite:, the durable default of `strandq serve`: the real binary under HTTP
// load, SIGKILLed and restarted; killed during a large batch; two servers on one database; the
// start line naming where the data lives. Loopback only, every server on a free port.

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e/serve_e2e_util.h"
#include "strandq/event_log.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

constexpr int kKilled = 128 + SIGKILL;

// The figures of `strandq stats --store sqlite:PATH --json` (no process may own it).
nlohmann::json StoreStats(const std::string& db) {
  ProcessResult r = Strandq({"stats", "--store", "sqlite:" + db, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

// Polls `server`'s /v1/stats until the store holds nothing pending (at most `limit`).
bool WaitDrained(const Server& server, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (Stats(server)["store"]["pending"] == 0) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

// The address producers post to; the test moves it to each restarted server.
class LiveAddress {
 public:
  void Set(const Server& server) {
    std::lock_guard lock(mu_);
    host_ = server.host();
    port_ = server.port();
    ++generation_;
  }
  // The current address and its generation.
  std::tuple<std::string, uint16_t, uint64_t> Get() {
    std::lock_guard lock(mu_);
    return {host_, port_, generation_};
  }

 private:
  std::mutex mu_;
  std::string host_;
  uint16_t port_ = 0;
  uint64_t generation_ = 0;
};

// What one producer was answered: the receipts of its batches answered 202, in order, and how
// many events it sent in requests that got no answer (the server died: all in or none).
struct Produced {
  std::vector<std::pair<std::string, nlohmann::json>> accepted;  // account, {"id","seq"}
  size_t unanswered = 0;
  std::string error;  // an answer other than 202
};

// Posts NDJSON batches of 10 events over its own 5 accounts until `stop` or `max_batches`,
// reconnecting to the address's next server when a request fails.
void Produce(int producer, LiveAddress& address, const std::atomic<bool>& stop, Produced& out) {
  constexpr int kMaxBatches = 300;
  std::unique_ptr<ClientConnection> conn;
  uint64_t generation = 0;
  for (int batch = 0; batch < kMaxBatches && !stop; ++batch) {
    std::vector<std::string> accounts;
    std::string body;
    for (int i = 0; i < 10; ++i) {
      accounts.push_back("p" + std::to_string(producer) + "a" + std::to_string((batch + i) % 5));
      body += R"({"account":")" + accounts.back() + R"(","payload":")" + std::to_string(batch) +
              "\"}\n";
    }
    while (conn == nullptr && !stop) {
      auto [host, port, gen] = address.Get();
      if (gen != generation) {
        auto connected = ClientConnection::Connect(host, port, 2s);
        if (connected.ok()) conn = std::move(*connected);
        generation = gen;
      }
      if (conn == nullptr) std::this_thread::sleep_for(5ms);
    }
    if (conn == nullptr) break;
    auto res = conn->Request(verb::post, "/v1/events", body, "application/x-ndjson");
    if (!res.ok()) {  // the server died: the batch is all in or none
      out.unanswered += accounts.size();
      conn.reset();
      continue;
    }
    if (res->status != 202) {
      out.error = std::to_string(res->status) + " " + res->body;
      return;
    }
    const auto receipts = nlohmann::json::parse(res->body);
    for (size_t i = 0; i < accounts.size(); ++i)
      out.accepted.emplace_back(accounts[i], receipts[i]);
  }
}

// Every line of the logs, a torn last line skipped.
std::vector<AttemptRecord> ReadLogs(const std::vector<std::string>& paths) {
  std::vector<AttemptRecord> all;
  for (const std::string& path : paths) {
    bool torn = false;
    auto lines = ReadEventLog(path, &torn);
    EXPECT_TRUE(lines.ok()) << lines.status().ToString();
    if (lines.ok()) all.insert(all.end(), lines->begin(), lines->end());
  }
  return all;
}

class SqliteServeE2eTest : public ::testing::Test {
 protected:
  TempDir dir_;
  std::string db_ = dir_.File("q.db");
  std::string url_ = "sqlite:" + db_;
};

// Producers post while the server is SIGKILLed and restarted again and again: every event
// answered 202 is processed and acked exactly once, in order per account; only events in flight
// at a kill are delivered again.
TEST_F(SqliteServeE2eTest, KilledAndRestartedUnderLoadLosesNothingAnswered202) {
  constexpr int kProducers = 4, kKills = 4, kWorkers = 8;
  LiveAddress address;
  std::atomic<bool> stop{false};
  std::vector<Produced> produced(kProducers);
  std::vector<std::thread> producers;
  struct Joiner {  // a failed ASSERT must not leave producers running
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~Joiner() {
      stop = true;
      for (std::thread& t : threads) {
        if (t.joinable()) t.join();
      }
    }
  } joiner{stop, producers};
  std::vector<std::string> logs;
  auto start = [&] {
    logs.push_back(dir_.File("serve" + std::to_string(logs.size()) + ".jsonl"));
    auto server = std::make_unique<Server>(
        std::vector<std::string>{"--store", url_, "--workers", std::to_string(kWorkers),
                                 "--threads", "2", "--work", "sleep:2ms", "--log", logs.back()});
    EXPECT_TRUE(server->up());
    address.Set(*server);
    return server;
  };
  for (int kill = 0; kill < kKills; ++kill) {
    auto server = start();
    ASSERT_TRUE(server->up());
    if (kill == 0) {
      for (int p = 0; p < kProducers; ++p) {
        producers.emplace_back(Produce, p, std::ref(address), std::cref(stop),
                               std::ref(produced[p]));
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(250 + 70 * kill));
    EXPECT_EQ(server->Kill().exit_code, kKilled);
  }
  auto last = start();
  ASSERT_TRUE(last->up());
  std::this_thread::sleep_for(200ms);
  stop = true;
  for (std::thread& t : producers) t.join();
  ASSERT_TRUE(WaitDrained(*last, 60s));
  ProcessResult stopped = last->Stop();
  ASSERT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;

  // The proof over every server's log, with the store's dead letters (there are none).
  std::vector<std::string> verify_args = {"verify"};
  verify_args.insert(verify_args.end(), logs.begin(), logs.end());
  verify_args.insert(verify_args.end(), {"--store", url_});
  ProcessResult verify = Strandq(verify_args);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;

  // Each account's 202 answers came in seq order; every event answered 202 has an ack line.
  std::map<uint64_t, std::set<bool>> acks;  // id -> {unconfirmed?} of its ack lines
  std::set<uint64_t> logged;
  for (size_t run = 0; run < logs.size(); ++run) {
    // Delivered again only after a kill, and only the events in flight then: one head per
    // account at most.
    std::map<std::string, std::set<uint64_t>> again;  // account -> its events redelivered
    std::set<uint64_t> seen_here;
    for (const AttemptRecord& r : ReadLogs({logs[run]})) {
      logged.insert(r.id);
      if (r.outcome == AttemptRecord::Outcome::kAck) acks[r.id].insert(r.unconfirmed);
      if (seen_here.insert(r.id).second && r.attempt > 1) again[r.account].insert(r.id);
      EXPECT_LE(r.attempt, run + 1) << "event " << r.id << " in run " << run;
    }
    for (const auto& [account, ids] : again) {
      EXPECT_GT(run, 0u) << account << " redelivered without a kill";
      EXPECT_EQ(ids.size(), 1u) << account << ": more than its head was in flight at a kill";
    }
  }
  size_t accepted = 0, unanswered = 0;
  for (const Produced& p : produced) {
    EXPECT_EQ(p.error, "");
    std::map<std::string, uint64_t> last_seq;
    for (const auto& [account, receipt] : p.accepted) {
      const uint64_t seq = receipt["seq"], id = receipt["id"];
      EXPECT_GT(seq, last_seq[account]) << account;
      last_seq[account] = seq;
      EXPECT_TRUE(acks.contains(id)) << "event " << id << " was answered 202 and never acked";
    }
    accepted += p.accepted.size();
    unanswered += p.unanswered;
  }
  EXPECT_GT(accepted, 1000u);
  const nlohmann::json stats = StoreStats(db_);
  EXPECT_EQ(stats["pending"], 0);
  EXPECT_EQ(stats["dead"], 0);
  EXPECT_EQ(stats["acked"], stats["enqueued"]);
  // The store took every batch answered 202 and, of the unanswered ones, all or none of each.
  const uint64_t enqueued = stats["enqueued"];
  EXPECT_GE(enqueued, accepted);
  EXPECT_LE(enqueued, accepted + unanswered);
  EXPECT_EQ((enqueued - accepted) % 10, 0u);
  EXPECT_EQ(logged.size(), enqueued);
}

// A large batch (50,000 events; 20,000 under a sanitizer, which is what makes it slow), the server
// SIGKILLed while it is in progress at several moments (spread
// over the time a batch takes, most of them near its end, where it is committed): the store
// then holds all of its events or none, and all of them once it was answered 202.
TEST_F(SqliteServeE2eTest, KilledDuringALargeBatchKeepsAllOrNone) {
#if STRANDQ_BINARY_SANITIZED
  constexpr uint64_t kBatch = 20'000;
#else
  constexpr uint64_t kBatch = 50'000;
#endif
  std::string body;
  for (uint64_t i = 0; i < kBatch; ++i) {
    body += R"({"account":"a)" + std::to_string(i % 997) + R"(","payload":"x"})" + "\n";
  }
  // Posts the batch and SIGKILLs the server `kill_after` later (never: no kill); returns the
  // answer's status (0: none) and how long the request took.
  auto post = [&](std::optional<std::chrono::microseconds> kill_after) {
    Server server({"--store", url_, "--workers", "0"});
    EXPECT_TRUE(server.up());
    auto conn = server.Connect();
    if (conn == nullptr) return std::pair<unsigned, std::chrono::microseconds>{0, {}};
    unsigned status = 0;
    const auto started = std::chrono::steady_clock::now();
    std::chrono::microseconds took{};
    std::thread poster([&] {
      auto res = conn->Request(verb::post, "/v1/events", body, "application/x-ndjson");
      if (res.ok()) status = res->status;
      took = std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - started);
    });
    if (kill_after) {
      std::this_thread::sleep_until(started + *kill_after);
      EXPECT_EQ(server.Kill().exit_code, kKilled);
    }
    poster.join();
    if (!kill_after) {
      EXPECT_EQ(server.Stop().exit_code, 0);
    }
    return std::pair{status, took};
  };
  const auto [first, took] = post(std::nullopt);
  ASSERT_EQ(first, 202u);
  uint64_t before = kBatch;
  for (double at : {0.3, 0.8, 0.92, 0.97, 1.0, 1.03, 1.06, 1.1}) {
    const auto kill_after = std::chrono::microseconds(static_cast<int64_t>(took.count() * at));
    const unsigned status = post(kill_after).first;
    const nlohmann::json stats = StoreStats(db_);
    const uint64_t enqueued = stats["enqueued"];
    EXPECT_TRUE(enqueued == before || enqueued == before + kBatch)
        << "after a kill at " << kill_after.count() << " us: " << enqueued << " enqueued, "
        << before << " before";
    if (status == 202) {
      EXPECT_EQ(enqueued, before + kBatch) << "answered 202, then lost";
    }
    EXPECT_EQ(stats["pending"], enqueued);
    before = enqueued;
  }
}

// One process owns a database: a second server (and stats) name the owner's pid and exit 1.
TEST_F(SqliteServeE2eTest, SecondProcessOnADatabaseNamesTheOwner) {
  Server owner({"--store", url_, "--workers", "0"});
  ASSERT_TRUE(owner.up());
  const std::string pid = "in use by pid " + std::to_string(owner.pid());
  ProcessResult second = Strandq({"serve", "--store", url_, "--bind", "127.0.0.1:0"});
  EXPECT_EQ(second.exit_code, 1) << second.err;
  EXPECT_TRUE(Contains(second.err, pid)) << second.err;
  EXPECT_EQ(std::count(second.err.begin(), second.err.end(), '\n'), 1) << second.err;
  ProcessResult stats = Strandq({"stats", "--store", url_});
  EXPECT_EQ(stats.exit_code, 1) << stats.err;
  EXPECT_TRUE(Contains(stats.err, pid)) << stats.err;
  EXPECT_TRUE(Contains(stats.err, "GET /v1/stats")) << stats.err;
  EXPECT_EQ(owner.Stop().exit_code, 0);
  EXPECT_EQ(Strandq({"stats", "--store", url_}).exit_code, 0);  // no owner any more
}

// Without --store, serve keeps its events in strandq.db in the working directory and says
// where; events left pending are there for the next server.
TEST_F(SqliteServeE2eTest, DefaultStoreIsADatabaseInTheWorkingDirectory) {
  Subprocess serve({"/bin/sh", "-c",
                    "cd '" + dir_.path() + "' && exec " + STRANDQ_BINARY +
                        " serve --bind 127.0.0.1:0 --workers 0"});
  for (int i = 0; i < 2000 && !Contains(serve.OutputSoFar(), "listening on"); ++i) {
    std::this_thread::sleep_for(5ms);
  }
  serve.Signal(SIGTERM);
  ProcessResult r = serve.Wait(60s);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string where = "sqlite:strandq.db (data in " + dir_.File("strandq.db") + ")";
  EXPECT_TRUE(Contains(r.err, "strandq: serving " + where)) << r.err;
  EXPECT_TRUE(Contains(r.out, "store:        " + where)) << r.out;
  EXPECT_FALSE(Contains(r.err, "WARNING")) << r.err;
  EXPECT_EQ(StoreStats(dir_.File("strandq.db"))["enqueued"], 0);
}

// A flag serve refuses leaves no database behind (they are checked before the store opens).
TEST_F(SqliteServeE2eTest, ABadFlagCreatesNoDatabase) {
  for (const char* flag : {"--bind nowhere", "--lease-secret short"}) {
    Subprocess serve(
        {"/bin/sh", "-c", "cd '" + dir_.path() + "' && exec " + STRANDQ_BINARY + " serve " + flag});
    ProcessResult r = serve.Wait(60s);
    EXPECT_EQ(r.exit_code, 2) << flag << ": " << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_.File("strandq.db"))) << flag;
    EXPECT_FALSE(std::filesystem::exists(dir_.File("strandq.db.lock"))) << flag;
  }
}

// mem: says at start, on stderr, that accepted events end with the process.
TEST_F(SqliteServeE2eTest, MemStoreWarnsAtStart) {
  Server server({"--store", "mem:", "--workers", "0"});
  ASSERT_TRUE(server.up());
  ProcessResult r = server.Stop();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err,
                       "strandq: WARNING: --store mem: keeps accepted events in this "
                       "process only"))
      << r.err;
}

}  // namespace
}  // namespace strandq
