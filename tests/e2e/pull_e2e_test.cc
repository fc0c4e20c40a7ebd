// Copyright 2026 The strandq Authors.
// End to end: pull workers over the real `strandq serve`: the Python (threads and asyncio) and
// Node examples (found on PATH as python3 and node) on a workload with injected failures, a
// worker killed mid-lease, a worker draining on SIGTERM, and the API's refusals (late, forged,
// foreign and malformed settles; long-poll limits).

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "e2e/serve_e2e_util.h"
#include "strandq/event_log.h"
#include "testutil/redis_server.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using testing::RedisServer;
using testing::TempDir;
using Json = nlohmann::json;

const std::string kExamples = STRANDQ_EXAMPLES_DIR;

http::ClientResponse Post(const Server& server, const std::string& target, const Json& body,
                          const ClientConnection::Headers& headers = {}) {
  auto conn = server.Connect();
  return Call(*conn, verb::post, target, body.dump(), "application/json", headers);
}

Json PostJson(const Server& server, const std::string& target, const Json& body) {
  auto res = Post(server, target, body);
  EXPECT_EQ(res.status, 200u) << target << " " << res.body;
  return Json::parse(res.body, nullptr, /*allow_exceptions=*/false);
}

// A worker example as a child process: "python" (threads), "pyasync" (asyncio) or "node".
std::unique_ptr<Subprocess> StartWorker(const std::string& language, const Server& server,
                                        const std::string& name, std::vector<std::string> extra) {
  std::vector<std::string> args =
      language == "python" ? std::vector<std::string>{"python3", kExamples + "/pull_worker.py"}
      : language == "pyasync"
          ? std::vector<std::string>{"python3", kExamples + "/pull_worker_async.py"}
          : std::vector<std::string>{"node", kExamples + "/pull_worker.js"};
  for (const std::string& a : {std::string("--url"), server.url(), std::string("--name"), name}) {
    args.push_back(a);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return std::make_unique<Subprocess>(args);
}

// Waits until the store's stats satisfy `done` (at most 60 s).
template <typename Pred>
bool WaitForStats(const Server& server, Pred done) {
  for (int i = 0; i < 6000; ++i) {
    if (done(Stats(server)["store"])) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// The most attempts of `worker` in the log at one time: leases it held, from their grant to
// their settle (a settle at the instant of a grant frees its slot first).
size_t MostHeldAtOnce(const std::vector<AttemptRecord>& records, const std::string& worker) {
  std::vector<std::pair<int64_t, int>> edges;
  for (const AttemptRecord& r : records) {
    if (r.worker != worker) continue;
    edges.emplace_back(r.start_ns, +1);
    edges.emplace_back(r.end_ns, -1);
  }
  std::sort(edges.begin(), edges.end());
  int64_t held = 0, most = 0;
  for (const auto& [at, delta] : edges) {
    held += delta;
    most = std::max(most, held);
  }
  return static_cast<size_t>(most);
}

// The server's log of a workload of `events` events run by workers of --concurrency 8 failing
// as the flags --nack-first-every 7 --dead-every 11 make them: verified against the input
// (order, no loss), every event with exactly its injected outcomes, each of `workers` took
// part and held no more than its 8 leases at once.
void ExpectInjectedOutcomes(const std::string& log, const std::string& csv, size_t events,
                            const std::set<std::string>& workers_expected) {
  ProcessResult verify = Strandq({"verify", log, "--input", csv});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;

  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  std::map<uint64_t, std::vector<AttemptRecord>> by_id;
  std::set<std::string> workers;
  for (const AttemptRecord& r : *records) {
    by_id[r.id].push_back(r);
    workers.insert(r.worker);
  }
  EXPECT_EQ(workers, workers_expected);
  for (const std::string& worker : workers) {
    EXPECT_LE(MostHeldAtOnce(*records, worker), 8u) << worker;
  }
  ASSERT_EQ(by_id.size(), events);
  for (auto& [id, attempts] : by_id) {
    std::sort(attempts.begin(), attempts.end(),
              [](const AttemptRecord& a, const AttemptRecord& b) { return a.attempt < b.attempt; });
    std::vector<std::string> seen;
    for (const AttemptRecord& a : attempts) seen.emplace_back(OutcomeName(a.outcome));
    std::vector<std::string> want;
    if (id % 7 == 0) want.push_back("nack");
    want.push_back(id % 11 == 0 ? "dead" : "ack");
    EXPECT_EQ(seen, want) << "id " << id;
    if (id % 11 == 0) {
      EXPECT_TRUE(Contains(attempts.back().error, "permanent failure: injected")) << id;
    }
  }
}

class PullE2eTest : public ::testing::Test {
 protected:
  // A workload CSV of `events` events over `accounts` accounts.
  std::string Workload(int events, int accounts) {
    const std::string csv = dir_.File("input.csv");
    ProcessResult r = Strandq({"generate", "--to", csv, "--events", std::to_string(events),
                               "--accounts", std::to_string(accounts), "--seed", "7"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return csv;
  }

  TempDir dir_;
};

// Python and Node workers together on one serve, each failing deterministically: attempt 1 of
// every event whose id is a multiple of 7 is nacked (retried), events whose id is a multiple of
// 11 are dead-lettered. The server's log proves order, no loss, and each outcome.
TEST_F(PullE2eTest, PythonAndNodeWorkersWithInjectedFailures) {
  const std::string csv = Workload(1500, 60);
  const std::string log = dir_.File("serve.jsonl");
  Server server({"--workers", "0", "--log", log});
  ASSERT_TRUE(server.up());
  ASSERT_EQ(Strandq({"generate", "--to", server.url(), "--input", csv}).exit_code, 0);
  const std::vector<std::string> failures = {
      "--nack-first-every",  "7",   "--dead-every", "11",  "--sleep-ms",    "1",
      "--exit-when-idle-ms", "500", "--wait-ms",    "200", "--concurrency", "8"};
  auto py = StartWorker("python", server, "py-1", failures);
  auto node = StartWorker("node", server, "node-1", failures);
  ProcessResult py_done = py->Wait(std::chrono::seconds(120));
  ProcessResult node_done = node->Wait(std::chrono::seconds(120));
  EXPECT_EQ(py_done.exit_code, 0) << py_done.err;
  EXPECT_EQ(node_done.exit_code, 0) << node_done.err;
  EXPECT_TRUE(Contains(py_done.out, "0 refused")) << py_done.out;
  EXPECT_TRUE(Contains(node_done.out, "0 refused")) << node_done.out;
  ProcessResult stopped = server.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;  // nothing left pending

  ExpectInjectedOutcomes(log, csv, 1500, {"py-1", "node-1"});
}

// The asyncio worker, as two processes of 8 slots each, on the same failures.
TEST_F(PullE2eTest, AsyncPythonWorkerWithInjectedFailures) {
  const std::string csv = Workload(1500, 60);
  const std::string log = dir_.File("serve.jsonl");
  Server server({"--workers", "0", "--log", log});
  ASSERT_TRUE(server.up());
  ASSERT_EQ(Strandq({"generate", "--to", server.url(), "--input", csv}).exit_code, 0);
  auto worker = StartWorker(
      "pyasync", server, "pa",
      {"--nack-first-every", "7", "--dead-every", "11", "--sleep-ms", "1", "--exit-when-idle-ms",
       "500", "--wait-ms", "200", "--concurrency", "8", "--processes", "2"});
  ProcessResult done = worker->Wait(std::chrono::seconds(120));
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_TRUE(Contains(done.out, "pull_worker pa-1: ") && Contains(done.out, "pull_worker pa-2: "))
      << done.out;
  size_t unrefused = 0;  // one summary line per process
  for (size_t at = 0; (at = done.out.find(", 0 refused\n", at)) != std::string::npos; ++at) {
    ++unrefused;
  }
  EXPECT_EQ(unrefused, 2u) << done.out;
  ProcessResult stopped = server.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;  // nothing left pending

  ExpectInjectedOutcomes(log, csv, 1500, {"pa-1", "pa-2"});
}

class PullWorkerTest : public PullE2eTest, public ::testing::WithParamInterface<std::string> {};

// SIGTERM while a worker's handlers run: it leases nothing more, finishes and settles the
// events in hand, and exits 0.
TEST_P(PullWorkerTest, SigtermDrainsTheEventsInHand) {
  const std::string csv = Workload(40, 8);
  Server server({"--workers", "0"});
  ASSERT_TRUE(server.up());
  ASSERT_EQ(Strandq({"generate", "--to", server.url(), "--input", csv}).exit_code, 0);
  auto worker = StartWorker(GetParam(), server, "drained",
                            {"--concurrency", "5", "--sleep-ms", "700", "--wait-ms", "100"});
  ASSERT_TRUE(WaitForStats(server, [](const Json& s) { return s["leased"] == 5; }));
  worker->Signal(SIGTERM);
  ProcessResult done = worker->Wait(std::chrono::seconds(30));
  EXPECT_EQ(done.exit_code, 0) << done.err;
  EXPECT_TRUE(Contains(done.out, "5 acked, 0 retrying, 0 dead, 0 refused")) << done.out;
  Json stats = Stats(server)["store"];
  EXPECT_EQ(stats["acked"], 5) << stats.dump();
  EXPECT_EQ(stats["leased"], 0) << stats.dump();
  ProcessResult stopped = server.Stop();
  EXPECT_TRUE(Contains(stopped.out, "pending:      35 events")) << stopped.out;
}

// A pull worker killed (SIGKILL) while it holds leases costs its accounts one lease TTL: the
// events come back with attempt 2 and another worker finishes them.
TEST_P(PullWorkerTest, KilledWorkersLeasesAreRedelivered) {
  const std::string csv = Workload(40, 8);
  const std::string log = dir_.File("serve.jsonl");
  Server server({"--workers", "0", "--log", log, "--lease-ttl", "1s"});
  ASSERT_TRUE(server.up());
  ASSERT_EQ(Strandq({"generate", "--to", server.url(), "--input", csv}).exit_code, 0);
  // Its handler outlives the test: it holds its 5 leases (and extends them) until killed.
  auto stuck =
      StartWorker(GetParam(), server, "stuck", {"--concurrency", "5", "--sleep-ms", "600000"});
  ASSERT_TRUE(WaitForStats(server, [](const Json& s) { return s["leased"] == 5; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1300));  // past one TTL: extended
  EXPECT_EQ(Stats(server)["store"]["leased"], 5) << "the heartbeat should keep them";
  stuck->Signal(SIGKILL);
  stuck->Wait();
  auto node =
      StartWorker("node", server, "rescuer",
                  {"--concurrency", "4", "--exit-when-idle-ms", "1500", "--wait-ms", "300"});
  ProcessResult rescued = node->Wait(std::chrono::seconds(60));
  EXPECT_EQ(rescued.exit_code, 0) << rescued.err;
  ProcessResult stopped = server.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;

  ProcessResult verify = Strandq({"verify", log, "--input", csv});
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok());
  int second_attempts = 0;
  for (const AttemptRecord& r : *records) {
    EXPECT_EQ(r.worker, "rescuer");  // the killed worker settled nothing
    if (r.attempt == 2) ++second_attempts;
  }
  EXPECT_EQ(second_attempts, 5);
  EXPECT_TRUE(Contains(verify.out, "redelivered:  5")) << verify.out;
}

INSTANTIATE_TEST_SUITE_P(Examples, PullWorkerTest, ::testing::Values("python", "pyasync", "node"),
                         [](const auto& info) { return info.param; });

// The API's contract, request by request: a late settle is refused and changes nothing, the
// event comes back; forged, garbage and foreign tokens are per-item errors; a malformed body is
// a 400 that settles nothing.
TEST_F(PullE2eTest, LateForgedForeignAndMalformedSettlesChangeNothing) {
  Server server({"--workers", "0", "--lease-ttl", "600ms", "--token", "tok"});
  Server other({"--workers", "0"});
  ASSERT_TRUE(server.up() && other.up());
  const ClientConnection::Headers auth = {{"Authorization", "Bearer tok"}};
  auto post = [&](const std::string& target, const Json& body) {
    auto res = Post(server, target, body, auth);
    return std::make_pair(res.status, Json::parse(res.body, nullptr, false));
  };
  EXPECT_EQ(Post(server, "/v1/leases", Json::object()).status, 401u);  // same auth as the rest
  ASSERT_EQ(post("/v1/events", Json::array({{{"account", "a"}, {"payload", "p1"}},
                                            {{"account", "b"}, {"payload", {{"k", 1}}}}}))
                .first,
            202u);
  auto [status, granted] = post("/v1/leases", {{"max", 10}});
  ASSERT_EQ(status, 200u);
  ASSERT_EQ(granted["leases"].size(), 2u) << granted.dump();
  Json a = granted["leases"][0], b = granted["leases"][1];
  EXPECT_EQ(a["account"], "a");
  EXPECT_EQ(a["payload"], "p1");
  EXPECT_EQ(b["payload"], R"({"k":1})");
  EXPECT_EQ(a["attempt"], 1);
  EXPECT_GT(a["expires_in_ms"], 0);
  EXPECT_LE(a["expires_in_ms"], 600);

  // Forged (one character changed), garbage and foreign tokens; a malformed body.
  std::string forged = a["lease"];
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  ASSERT_EQ(Post(other, "/v1/events", Json{{"account", "a"}}).status, 202u);
  const std::string foreign = PostJson(other, "/v1/leases", Json::object())["leases"][0]["lease"];
  auto [bad_status, bad] =
      post("/v1/leases/settle", Json::array({{{"lease", forged}, {"outcome", "ack"}},
                                             {{"lease", "garbage!"}, {"outcome", "ack"}},
                                             {{"lease", foreign}, {"outcome", "ack"}}}));
  ASSERT_EQ(bad_status, 200u);
  ASSERT_EQ(bad.size(), 3u) << bad.dump();
  EXPECT_TRUE(Contains(bad[0]["error"], "not issued by this server")) << bad.dump();
  EXPECT_TRUE(Contains(bad[1]["error"], "malformed lease token")) << bad.dump();
  EXPECT_TRUE(Contains(bad[2]["error"], "not issued by this server")) << bad.dump();
  for (const std::string& body :
       {R"([{"lease":")" + a["lease"].get<std::string>() + R"(","outcome":"ack"},{"lease":"x"}])",
        std::string("[{\"lease\":"), std::string(100000, '[')}) {
    auto conn = server.Connect();
    auto res = Call(*conn, verb::post, "/v1/leases/settle", body, "application/json", auth);
    EXPECT_EQ(res.status, 400u) << body.substr(0, 80) << " -> " << res.body;
  }
  EXPECT_EQ(Stats(server, auth)["store"]["acked"], 0);  // nothing of it settled

  // Extended in time, `b` survives past its first TTL; `a` is not, and runs out.
  for (int i = 0; i < 6; ++i) {  // 900 ms and more: `a`'s lease ran out
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    auto [s, extended] = post("/v1/leases/extend", Json::array({{{"lease", b["lease"]}}}));
    ASSERT_EQ(s, 200u);
    EXPECT_EQ(extended[0]["ok"], true) << extended.dump();
  }
  auto [late_status, late] =
      post("/v1/leases/settle",
           Json::array({{{"lease", a["lease"]}, {"outcome", "ack"}},
                        {{"lease", b["lease"]}, {"outcome", "dead"}, {"error", "declined"}}}));
  ASSERT_EQ(late_status, 200u);
  EXPECT_EQ(late[0], (Json{{"error", "lease lost"}}));
  EXPECT_EQ(late[1], (Json{{"ok", true}, {"disposition", "dead"}}));
  auto again = post("/v1/leases", {{"max", 10}, {"wait_ms", 1000}}).second;
  ASSERT_EQ(again["leases"].size(), 1u) << again.dump();
  EXPECT_EQ(again["leases"][0]["account"], "a");
  EXPECT_EQ(again["leases"][0]["attempt"], 2);
  auto [last_status, last] = post(
      "/v1/leases",
      {{"max", 1},
       {"settle", Json::array({{{"lease", again["leases"][0]["lease"]}, {"outcome", "ack"}}})}});
  EXPECT_EQ(last_status, 200u);
  EXPECT_EQ(last["settled"], Json::parse(R"([{"ok":true,"disposition":"acked"}])")) << last.dump();
  EXPECT_EQ(last["leases"].size(), 0u);
  Json stats = Stats(server, auth)["store"];
  EXPECT_EQ(stats["acked"], 1);
  EXPECT_EQ(stats["dead"], 1);
  EXPECT_EQ(stats["pending"], 0);
  EXPECT_EQ(server.Stop().exit_code, 0);
  other.Stop();
}

// Long-polls wait off the I/O threads for work, are answered as soon as it comes, and are
// bounded: one more than --max-long-polls is a 503 at once. A drain ends a waiting poll.
TEST_F(PullE2eTest, LongPollsWakeOnWorkAndAreBounded) {
  Server server({"--workers", "0", "--max-long-polls", "1", "--http-threads", "1"});
  ASSERT_TRUE(server.up());
  std::atomic<int64_t> waited_ms{-1};
  Json got;
  std::thread poller([&] {
    const auto start = std::chrono::steady_clock::now();
    got = PostJson(server, "/v1/leases", {{"max", 5}, {"wait_ms", 20000}});
    waited_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // The one I/O thread is free while the poll waits: this answers at once.
  auto refused = Post(server, "/v1/leases", {{"wait_ms", 1000}});
  EXPECT_EQ(refused.status, 503u) << refused.body;
  EXPECT_TRUE(Contains(refused.body, "--max-long-polls 1")) << refused.body;
  EXPECT_EQ(Post(server, "/v1/leases", Json::object()).status, 200u);  // no wait: no limit
  ASSERT_EQ(Post(server, "/v1/events", Json{{"account", "x"}}).status, 202u);
  poller.join();
  ASSERT_EQ(got["leases"].size(), 1u) << got.dump();
  EXPECT_LT(waited_ms.load(), 10000);

  // A poll waiting when the server drains is answered (no lease) and the server exits.
  std::thread draining([&] { got = PostJson(server, "/v1/leases", {{"wait_ms", 20000}}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto stop_start = std::chrono::steady_clock::now();
  ProcessResult stopped = server.Stop();
  draining.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stop_start, std::chrono::seconds(10));
  EXPECT_EQ(got["leases"].size(), 0u) << got.dump();
  EXPECT_TRUE(Contains(stopped.out, "pending:      1 events")) << stopped.out;
}

// Two serves on one Redis namespace with one --lease-secret: a lease granted by one is settled
// through the other (and after the first is gone); the log of each covers what it settled.
TEST_F(PullE2eTest, ServesSharingASecretAcceptEachOthersLeases) {
  RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string url = redis.Url("pull");
  const std::string secret = "a-secret-of-more-than-16-bytes";
  auto first = std::make_unique<Server>(
      std::vector<std::string>{"--workers", "0", "--store", url, "--lease-secret", secret});
  Server second({"--workers", "0", "--store", url, "--lease-secret", secret, "--log",
                 dir_.File("second.jsonl")});
  Server stranger({"--workers", "0", "--store", url});  // its own random key
  ASSERT_TRUE(first->up() && second.up() && stranger.up());
  ASSERT_EQ(Post(*first, "/v1/events", Json{{"account", "acct"}}).status, 202u);
  const Json lease = PostJson(*first, "/v1/leases", Json::object())["leases"][0];
  EXPECT_EQ(first->Stop().exit_code, 0);
  first.reset();
  Json refused = PostJson(stranger, "/v1/leases/settle",
                          Json::array({{{"lease", lease["lease"]}, {"outcome", "ack"}}}));
  EXPECT_TRUE(Contains(refused[0]["error"], "not issued by this server")) << refused.dump();
  Json settled = PostJson(second, "/v1/leases/settle",
                          Json::array({{{"lease", lease["lease"]}, {"outcome", "ack"}}}));
  EXPECT_EQ(settled[0]["ok"], true) << settled.dump();
  EXPECT_EQ(second.Stop().exit_code, 0);
  stranger.Stop();
  auto records = ReadEventLog(dir_.File("second.jsonl"));
  ASSERT_TRUE(records.ok());
  // A shared store: the attempt is logged before the store call (unconfirmed) and after.
  ASSERT_EQ(records->size(), 2u);
  EXPECT_TRUE((*records)[0].unconfirmed);
  EXPECT_EQ((*records)[1].outcome, AttemptRecord::Outcome::kAck);
  EXPECT_EQ((*records)[1].account, "acct");
  EXPECT_EQ((*records)[1].worker, "pull");
}

TEST_F(PullE2eTest, BadPullFlagsNameTheFlag) {
  ProcessResult short_secret =
      Strandq({"serve", "--bind", "127.0.0.1:0", "--store", "mem:", "--lease-secret", "short"});
  EXPECT_EQ(short_secret.exit_code, 2);
  EXPECT_TRUE(
      Contains(short_secret.err, "--lease-secret (or STRANDQ_LEASE_SECRET) must be at least 16"))
      << short_secret.err;
  ProcessResult no_polls = Strandq({"serve", "--bind", "127.0.0.1:0", "--max-long-polls", "0"});
  EXPECT_EQ(no_polls.exit_code, 2);
  EXPECT_TRUE(Contains(no_polls.err, "--max-long-polls")) << no_polls.err;
}

}  // namespace
}  // namespace strandq
