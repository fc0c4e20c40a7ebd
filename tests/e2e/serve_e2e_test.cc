// Copyright 2026 The strandq Authors.
// End to end: the real `strandq serve` on a free loopback port, driven over HTTP and by
// `strandq generate --to http://...`, then `strandq verify` on its log.

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "e2e/serve_e2e_util.h"
#include "http/client_connection.h"
#include "strandq/event.h"
#include "strandq/event_log.h"
#include "testutil/redis_server.h"
#include "testutil/subprocess.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using boost::beast::http::verb;
using http::ClientConnection;
using testing::ProcessResult;
using testing::RedisServer;
using testing::RunProcess;
using testing::Subprocess;
using testing::TempDir;

class ServeE2eTest : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(ServeE2eTest, SingleArrayAndNdjsonIngest) {
  Server server({"--workers", "0"});
  ASSERT_TRUE(server.up());
  auto conn = server.Connect();
  auto one = Call(*conn, verb::post, "/v1/events", R"({"account":"a1","payload":"hello"})",
                  "application/json");
  EXPECT_EQ(one.status, 202u);
  EXPECT_EQ(one.body, R"([{"id":1,"seq":1}])");
  auto array = Call(*conn, verb::post, "/v1/events",
                    R"([{"account":"a1","payload":{"n":2}},{"account":"b","payload":3}])",
                    "application/json");
  EXPECT_EQ(array.status, 202u);
  EXPECT_EQ(array.body, R"([{"id":2,"seq":2},{"id":3,"seq":1}])");
  auto ndjson =
      Call(*conn, verb::post, "/v1/events",
           "{\"account\":\"b\"}\n{\"account\":\"a1\",\"payload\":\"x\"}\n", "application/x-ndjson");
  EXPECT_EQ(ndjson.status, 202u);
  EXPECT_EQ(ndjson.body, R"([{"id":4,"seq":2},{"id":5,"seq":3}])");
  EXPECT_TRUE(ndjson.keep_alive);
  auto health = Call(*conn, verb::get, "/healthz");
  EXPECT_EQ(health.status, 200u);

  auto stats = Stats(server);
  EXPECT_EQ(stats["store"]["enqueued"], 5);
  EXPECT_EQ(stats["store"]["pending"], 5);
  EXPECT_EQ(stats["server"]["events_accepted"], 5);
  ProcessResult r = server.Stop();
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // ingest only on mem:: the 5 end with it
  EXPECT_TRUE(Contains(r.out, "accepted:     5 events in 3 requests")) << r.out;
  EXPECT_TRUE(Contains(r.out, "pending:      5 events")) << r.out;
}

struct BadRequest {
  verb method;
  std::string target, type, body;
  unsigned status;
  std::string error;  // a piece of {"error":"..."}
};

TEST_F(ServeE2eTest, BadRequestsGetTheirCodesAndStoreNothing) {
  Server server({"--workers", "0", "--max-body", "2000000"});
  ASSERT_TRUE(server.up());
  const std::string json = "application/json", ndjson = "application/x-ndjson";
  const std::string big_payload(kDefaultMaxPayloadBytes + 1, 'p');
  const std::vector<BadRequest> cases = {
      {verb::post, "/v1/events", json, "{\"account\":", 400, "malformed JSON"},
      {verb::post, "/v1/events", json, R"({"payload":"x"})", 400, "missing \\\"account\\\""},
      {verb::post, "/v1/events", json, R"({"account":"no spaces"})", 400, "event 0"},
      {verb::post, "/v1/events", json, R"({"account":""})", 400, "event 0"},
      {verb::post, "/v1/events", json,
       std::string(R"({"account":")") + std::string(129, 'a') + "\"}", 400, "event 0"},
      {verb::post, "/v1/events", json, R"([{"account":"ok"},{"account":"ok"},{"account":"b@d!"}])",
       400, "event 2"},
      {verb::post, "/v1/events", ndjson, "{\"account\":\"ok\"}\nnot json\n", 400, "event 1"},
      {verb::post, "/v1/events", json, "[]", 400, "no events"},
      {verb::post, "/v1/events", json, R"({"account":"ok","payload":")" + big_payload + "\"}", 413,
       "payload of"},
      {verb::post, "/v1/events", json, std::string(2'000'001, ' '), 413, "--max-body"},
      {verb::post, "/v1/events", "text/plain", R"({"account":"ok"})", 415, "Content-Type"},
      {verb::get, "/v1/events", "", "", 405, "POST"},
      {verb::delete_, "/v1/stats", "", "", 405, "GET"},
      {verb::get, "/v2/events", "", "", 404, "/v2/events"},
      {verb::post, "/", json, R"({"account":"ok"})", 405, "/ takes GET or HEAD"},  // the console
  };
  for (const BadRequest& c : cases) {
    auto conn = server.Connect();
    auto res = Call(*conn, c.method, c.target, c.body, c.type);
    const std::string what = c.target + " " + c.body.substr(0, 60);
    EXPECT_EQ(res.status, c.status) << what << " -> " << res.body;
    EXPECT_TRUE(Contains(res.content_type, "application/json")) << what;
    EXPECT_TRUE(Contains(res.body, "{\"error\":\"")) << what << " -> " << res.body;
    EXPECT_TRUE(Contains(res.body, c.error)) << what << " -> " << res.body;
  }
  auto stats = Stats(server);
  EXPECT_EQ(stats["store"]["enqueued"], 0) << stats.dump();
  EXPECT_EQ(stats["server"]["rejected"], cases.size()) << stats.dump();
  ProcessResult r = server.Stop();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "accepted:     0 events")) << r.out;
}

TEST_F(ServeE2eTest, TokenGuardsEverythingButHealthz) {
  Server server({"--workers", "0", "--token", "s3cret"});
  ASSERT_TRUE(server.up());
  auto conn = server.Connect();
  EXPECT_EQ(Call(*conn, verb::get, "/healthz").status, 200u);
  EXPECT_EQ(Call(*conn, verb::get, "/v1/stats").status, 401u);
  EXPECT_EQ(Call(*conn, verb::get, "/metrics").status, 401u);
  EXPECT_EQ(Call(*conn, verb::post, "/v1/events", R"({"account":"a"})", "application/json",
                 {{"Authorization", "Bearer wrong"}})
                .status,
            401u);
  conn = server.Connect();  // a refused request's unread body closes its connection
  const ClientConnection::Headers auth = {{"Authorization", "Bearer s3cret"}};
  EXPECT_EQ(
      Call(*conn, verb::post, "/v1/events", R"({"account":"a"})", "application/json", auth).status,
      202u);
  EXPECT_EQ(Call(*conn, verb::get, "/metrics", "", "", auth).status, 200u);
  EXPECT_EQ(Stats(server, auth)["store"]["enqueued"], 1);
  // The load generator carries the token too.
  ProcessResult gen = Strandq(
      {"generate", "--to", server.url(), "--events", "50", "--accounts", "5", "--token", "s3cret"});
  EXPECT_EQ(gen.exit_code, 0) << gen.err;
  ProcessResult refused =
      Strandq({"generate", "--to", server.url(), "--events", "50", "--accounts", "5"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(Contains(refused.err, "401")) << refused.err;
  EXPECT_EQ(server.Stop().exit_code, 1);  // ingest only on mem:: the accepted events end with it
}

TEST_F(ServeE2eTest, ConcurrentProducersKeepEveryAccountInOrder) {
  const std::string csv = dir_.File("w.csv"), log = dir_.File("serve.jsonl");
  ASSERT_EQ(Strandq({"generate", "--to", csv, "--events", "3000", "--accounts", "120", "--seed",
                     "5", "--payload-bytes", "8"})
                .exit_code,
            0);
  Server server({"--workers", "30", "--work", "sleep:1ms", "--log", log});
  ASSERT_TRUE(server.up());
  // Eight connections, batches of 1 (single-event POSTs) and of 40 (NDJSON), at once.
  ProcessResult singles = Strandq({"generate", "--to", server.url(), "--input", csv,
                                   "--concurrency", "8", "--batch-size", "1"});
  ASSERT_EQ(singles.exit_code, 0) << singles.err;
  EXPECT_TRUE(Contains(singles.out, "accepted: 3000 events")) << singles.out;
  // Wait until the workers are done, then drain.
  for (int i = 0; i < 3000; ++i) {
    auto stats = Stats(server);
    if (stats["store"]["pending"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ProcessResult r = server.Stop();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "processed:    3000 acked")) << r.out;
  // The seqs the server gave are the workload's own: verify the log against the input.
  ProcessResult verify = Strandq({"verify", log, "--input", csv});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;

  // Batched, on a fresh server.
  const std::string log2 = dir_.File("serve2.jsonl");
  Server batched({"--workers", "30", "--work", "noop", "--log", log2});
  ASSERT_TRUE(batched.up());
  ProcessResult posted = Strandq({"generate", "--to", batched.url(), "--input", csv,
                                  "--concurrency", "6", "--batch-size", "40"});
  ASSERT_EQ(posted.exit_code, 0) << posted.err;
  for (int i = 0; i < 3000 && Stats(batched)["store"]["pending"] != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(batched.Stop().exit_code, 0);
  verify = Strandq({"verify", log2, "--input", csv});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

// Posts single events on several connections until the server goes away; returns the ids
// answered 202.
std::set<uint64_t> PostUntilRefused(const Server& server, int clients) {
  std::mutex mu;
  std::set<uint64_t> accepted;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      auto conn = ClientConnection::Connect(server.host(), server.port(), std::chrono::seconds(5));
      for (int i = 0; conn.ok() && i < 100000; ++i) {
        auto res = (*conn)->Request(
            verb::post, "/v1/events",
            R"({"account":"c)" + std::to_string(c) + R"(","payload":")" + std::to_string(i) + "\"}",
            "application/json");
        if (!res.ok() || res->status != 202) break;
        const uint64_t id = nlohmann::json::parse(res->body)[0]["id"];
        std::lock_guard lock(mu);
        accepted.insert(id);
        if (!res->keep_alive) break;
      }
    });
  }
  for (auto& t : threads) t.join();
  return accepted;
}

struct Stopped {
  ProcessResult process;
  std::set<uint64_t> accepted;  // ids answered 202
};

// SIGTERMs the server while `clients` connections keep posting, once `min_enqueued` are in.
Stopped StopWhilePosting(Server& server, int clients, uint64_t min_enqueued) {
  Stopped stopped;
  std::thread producers([&] { stopped.accepted = PostUntilRefused(server, clients); });
  while (Stats(server)["store"]["enqueued"] < min_enqueued) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stopped.process = server.Stop();
  producers.join();
  return stopped;
}

uint64_t ReportedPending(const std::string& out) {
  const size_t at = out.find("pending:");
  return at == std::string::npos ? UINT64_MAX : std::stoull(out.substr(at + 8));
}

TEST_F(ServeE2eTest, SigtermDrainLosesNothingThatWasAnswered202) {
  const std::string log = dir_.File("drain.jsonl");
  Server server({"--workers", "4", "--work", "sleep:2ms", "--log", log});
  ASSERT_TRUE(server.up());
  auto [r, accepted] = StopWhilePosting(server, 4, 200);
  // A mem: server that exits with events pending lost them: exit 1.
  ASSERT_EQ(r.exit_code, ReportedPending(r.out) > 0 ? 1 : 0) << r.out << r.err;
  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  std::set<uint64_t> acked, dropped;
  for (const AttemptRecord& rec : *records) {
    EXPECT_TRUE(rec.outcome == AttemptRecord::Outcome::kAck ||
                rec.outcome == AttemptRecord::Outcome::kDropped);
    EXPECT_TRUE(accepted.count(rec.id)) << "processed an event nobody was told of: " << rec.id;
    (rec.outcome == AttemptRecord::Outcome::kAck ? acked : dropped).insert(rec.id);
  }
  EXPECT_GE(accepted.size(), 200u);
  // Every 202 is either acked in the log or reported pending at exit, and logged `dropped`
  // (the mem: store ends with the server): verify fails exactly when some were.
  EXPECT_EQ(accepted.size() - acked.size(), ReportedPending(r.out)) << r.out;
  EXPECT_EQ(dropped.size(), ReportedPending(r.out)) << r.out;
  EXPECT_EQ(Strandq({"verify", log}).exit_code, dropped.empty() ? 0 : 1);
}

// Events accepted but still pending when a mem: server exits are lost with its store: the
// report says how many, and verify on the log finds each of them (exit 1), not "OK".
TEST_F(ServeE2eTest, EventsDroppedAtExitFailVerification) {
  const std::string log = dir_.File("dropped.jsonl");
  Server server({"--workers", "2", "--work", "sleep:200ms", "--log", log});
  ASSERT_TRUE(server.up());
  ProcessResult posted = Strandq(
      {"generate", "--to", server.url(), "--events", "20", "--accounts", "2", "--seed", "3"});
  ASSERT_EQ(posted.exit_code, 0) << posted.err;
  ProcessResult r = server.Stop();              // two in flight finish; the rest stays in the store
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;  // accepted events were lost
  EXPECT_TRUE(Contains(r.err, "accepted events were lost")) << r.err;
  const uint64_t pending = ReportedPending(r.out);
  ASSERT_GT(pending, 0u) << r.out;
  ASSERT_NE(pending, UINT64_MAX) << r.out;
  EXPECT_TRUE(Contains(r.out, "lost: the mem: store ends with this process; logged `dropped`"))
      << r.out;
  ProcessResult verify = Strandq({"verify", log});
  EXPECT_EQ(verify.exit_code, 1) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "dropped:      " + std::to_string(pending))) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "violations:   " + std::to_string(pending))) << verify.out;
  EXPECT_TRUE(Contains(verify.out, "accepted but dropped unprocessed")) << verify.out;
}

TEST_F(ServeE2eTest, IngestOnlyDrainReportsEveryAcceptedEventPending) {
  Server server({"--workers", "0"});
  ASSERT_TRUE(server.up());
  auto [r, accepted] = StopWhilePosting(server, 3, 100);
  ASSERT_EQ(r.exit_code, accepted.empty() ? 0 : 1) << r.out << r.err;  // lost with mem:
  EXPECT_EQ(ReportedPending(r.out), accepted.size()) << r.out;
  EXPECT_TRUE(Contains(r.out, "accepted:     " + std::to_string(accepted.size()) + " events"))
      << r.out;
}

// Over a shared store, what a server accepted outlives it: a drained ingest-only server leaves
// its events in Redis, and a worker process takes them from there in order.
TEST_F(ServeE2eTest, IngestIntoRedisThenAWorkerProcessesIt) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("serve"), csv = dir_.File("w.csv"),
                    log = dir_.File("worker.jsonl");
  ASSERT_EQ(Strandq({"generate", "--to", csv, "--events", "600", "--accounts", "40"}).exit_code, 0);
  Server server({"--workers", "0", "--store", url});
  ASSERT_TRUE(server.up());
  ProcessResult posted = Strandq({"generate", "--to", server.url(), "--input", csv, "--concurrency",
                                  "4", "--batch-size", "25"});
  ASSERT_EQ(posted.exit_code, 0) << posted.err;
  ProcessResult r = server.Stop();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(
      r.out, "pending:      600 events (kept in the store for the next serve or worker)\n"))
      << r.out;

  ProcessResult worker = Strandq({"worker", "--store", url, "--workers", "8", "--work", "noop",
                                  "--log", log, "--exit-when-drained"});
  ASSERT_EQ(worker.exit_code, 0) << worker.err;
  ProcessResult verify = Strandq({"verify", log, "--input", csv});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
}

TEST_F(ServeE2eTest, DeepPayloadsAndSlowClientsDoNotTakeTheServerDown) {
  Server server({"--workers", "0", "--max-connections", "3", "--head-timeout", "200ms"});
  ASSERT_TRUE(server.up());
  // Slow heads hold every slot (first: no other connection is open) only until --head-timeout
  // (--timeout stays 30 s).
  std::vector<std::unique_ptr<ClientConnection>> slow;
  for (int i = 0; i < 3; ++i) {
    slow.push_back(server.Connect());
    ASSERT_TRUE(slow.back()->Write("GET /healthz HTTP/1.1\r\nHo").ok());
  }
  bool served = false;
  for (int i = 0; i < 500 && !served; ++i) {
    auto conn = server.Connect();
    auto res = conn->Request(verb::get, "/healthz");
    served = res.ok() && res->status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(served);
  for (auto& conn : slow) EXPECT_FALSE(conn->Read().ok());  // closed, unanswered
  // 100,000 levels crashed the server (SIGSEGV): now a 400 naming the limit.
  const std::string deep =
      R"({"account":"a1","payload":)" + std::string(100000, '[') + std::string(100000, ']') + "}\n";
  for (const std::string type : {"application/json", "application/x-ndjson"}) {
    auto conn = server.Connect();
    auto res = Call(*conn, verb::post, "/v1/events", deep, type);
    EXPECT_EQ(res.status, 400u) << res.body;
    EXPECT_TRUE(Contains(res.body, "limit of 512 levels")) << res.body;
  }
  ProcessResult r = server.Stop();
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

// The SIGTERM handler is in place before the server accepts anything: a SIGTERM right after
// "listening on" drains the server (exit 0) instead of killing it (143, events accepted before
// it lost on mem:).
TEST_F(ServeE2eTest, ASigtermRightAfterStartDrains) {
  for (int i = 0; i < 5; ++i) {
    Server server({"--workers", "0"});
    ASSERT_TRUE(server.up());
    ProcessResult r = server.Stop();
    ASSERT_EQ(r.exit_code, 0) << "start " << i << ": " << r.err;
  }
}

TEST_F(ServeE2eTest, Ipv6Loopback) {
  Server server({"--workers", "0"}, "[::1]:0");
  if (!server.up()) GTEST_SKIP() << "no IPv6 loopback here";
  EXPECT_EQ(server.address().substr(0, 6), "[::1]:");
  auto conn = server.Connect();
  EXPECT_EQ(Call(*conn, verb::get, "/healthz").status, 200u);
  EXPECT_EQ(server.Stop().exit_code, 0);
}

TEST_F(ServeE2eTest, BadFlagsAndUnreachableServers) {
  ProcessResult bind = Strandq({"serve", "--bind", "nowhere", "--store", "mem:"});
  EXPECT_EQ(bind.exit_code, 2);
  EXPECT_TRUE(Contains(bind.err, "strandq: error: address 'nowhere'")) << bind.err;
  ProcessResult redis = Strandq({"serve", "--store", "redis://127.0.0.1:1"});
  EXPECT_EQ(redis.exit_code, 1);
  EXPECT_TRUE(Contains(redis.err, "127.0.0.1:1")) << redis.err;
  ProcessResult timeout = Strandq({"serve", "--timeout", "0s"});
  EXPECT_EQ(timeout.exit_code, 2);
  ProcessResult head = Strandq({"serve", "--head-timeout", "soon"});
  EXPECT_EQ(head.exit_code, 2);
  EXPECT_TRUE(Contains(head.err, "--head-timeout must be a positive duration")) << head.err;
  ProcessResult down = Strandq({"generate", "--to", "http://127.0.0.1:1", "--events", "5"});
  EXPECT_EQ(down.exit_code, 1);
  EXPECT_TRUE(Contains(down.err, "127.0.0.1:1")) << down.err;
  ProcessResult url = Strandq({"generate", "--to", "http://", "--events", "5"});
  EXPECT_EQ(url.exit_code, 2) << url.err;
}

}  // namespace
}  // namespace strandq
