// Copyright 2026 The strandq Authors.
// Accounts as first-class objects through the real binary (README "Accounts: see and steer"):
// serve on sqlite: lists, shows, pauses and resumes accounts over HTTP, the pause holds across a
// restart while the other accounts are processed, and the log verifies; dead letters listed,
// replayed and purged over HTTP, hostile requests refused with nothing done; the CLI's
// accounts/pause/resume on a sqlite: file and on a Redis namespace.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/serve_e2e_util.h"
#include "testutil/redis_server.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::TempDir;

constexpr char kAcctToken[] = "accounts-e2e-token";

const ClientConnection::Headers& AcctAuth() {
  static const ClientConnection::Headers headers = {
      {"Authorization", std::string("Bearer ") + kAcctToken}};
  return headers;
}

// A request with the token; the JSON answer (null when the body is not JSON).
json AcctCall(const Server& server, verb method, const std::string& target, unsigned expect,
              const std::string& body = "") {
  auto conn = server.Connect();
  if (!conn) return json();
  auto res = Call(*conn, method, target, body, body.empty() ? "" : "application/json", AcctAuth());
  EXPECT_EQ(res.status, expect) << method << " " << target << " " << body << " -> " << res.body;
  return json::parse(res.body, nullptr, /*allow_exceptions=*/false);
}

json AcctStats(const Server& server) { return Stats(server, AcctAuth())["store"]; }

// Polls /v1/stats until `done` holds (false after `timeout`).
bool AcctWaitFor(const Server& server, const std::function<bool(const json&)>& done,
                 std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    if (done(AcctStats(server))) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

std::string AcctBatch(const std::vector<std::pair<std::string, int>>& accounts) {
  json batch = json::array();
  for (const auto& [account, n] : accounts) {
    for (int i = 1; i <= n; ++i) batch.push_back({{"account", account}, {"payload", {{"n", i}}}});
  }
  return batch.dump();
}

class AccountsE2eTest : public ::testing::Test {
 protected:
  std::unique_ptr<Server> Serve(std::vector<std::string> args) {
    args.insert(args.end(), {"--store", url_, "--token", kAcctToken});
    auto server = std::make_unique<Server>(args);
    EXPECT_TRUE(server->up());
    return server;
  }

  TempDir dir_;
  std::string url_ = "sqlite:" + dir_.File("q.db");
};

// The operator's loop: see the accounts, pause one, watch the others finish while it waits
// (also across a restart of serve), resume it, see it complete; the log verifies.
TEST_F(AccountsE2eTest, PausedAccountWaitsWhileOthersAreProcessedThenCompletes) {
  {
    auto ingest = Serve({"--workers", "0"});
    ASSERT_TRUE(ingest->up());
    AcctCall(*ingest, verb::post, "/v1/events", 202,
             AcctBatch({{"held", 4}, {"fast-a", 5}, {"fast-b", 3}}));
    const json all = AcctCall(*ingest, verb::get, "/v1/accounts", 200);
    ASSERT_EQ(all["accounts"].size(), 3u) << all;
    EXPECT_EQ(all["sort"], "backlog");
    EXPECT_TRUE(all["state"].is_null());
    EXPECT_EQ(all["accounts"][0]["account"], "fast-a");  // most pending first
    EXPECT_EQ(all["accounts"][0]["pending"], 5);
    EXPECT_EQ(all["accounts"][0]["state"], "ready");
    EXPECT_EQ(all["accounts"][0]["head"]["seq"], 1);
    EXPECT_EQ(AcctCall(*ingest, verb::get, "/v1/accounts?limit=2", 200)["accounts"].size(), 2u);

    const json held = AcctCall(*ingest, verb::get, "/v1/accounts/held?offset=1&limit=2", 200);
    EXPECT_EQ(held["account"]["pending"], 4);
    ASSERT_EQ(held["events"].size(), 2u) << held;
    EXPECT_EQ(held["events"][0]["seq"], 2);
    EXPECT_EQ(held["events"][0]["payload"], "{\"n\":2}");
    EXPECT_EQ(held["offset"], 1);
    EXPECT_EQ(held["limit"], 2);
    AcctCall(*ingest, verb::get, "/v1/accounts/nobody", 404);
    AcctCall(*ingest, verb::post, "/v1/accounts/nobody/pause", 404);
    AcctCall(*ingest, verb::get, "/v1/accounts?sort=size", 400);

    const json paused = AcctCall(*ingest, verb::post, "/v1/accounts/held/pause", 200);
    EXPECT_EQ(paused["account"]["state"], "paused");
    EXPECT_EQ(paused["account"]["paused"], true);
    AcctCall(*ingest, verb::post, "/v1/accounts/held/pause", 200);  // idempotent
    const json listed = AcctCall(*ingest, verb::get, "/v1/accounts?state=paused", 200);
    ASSERT_EQ(listed["accounts"].size(), 1u) << listed;
    EXPECT_EQ(listed["accounts"][0]["account"], "held");
    EXPECT_EQ(AcctStats(*ingest)["paused"], 1);
    EXPECT_GE(AcctStats(*ingest)["oldest_pending_age_ms"].get<int64_t>(), 0);

    // The CLI cannot open the database serve owns; it says how to ask serve instead.
    ProcessResult owned = Strandq({"accounts", "--store", url_});
    EXPECT_EQ(owned.exit_code, 1) << owned.err;
    EXPECT_TRUE(Contains(owned.err,
                         "curl -sS -H \"Authorization: Bearer $TOKEN\" "
                         "'http://127.0.0.1:8080/v1/accounts?sort=backlog&limit=50'"))
        << owned.err;
    ASSERT_EQ(ingest->Stop().exit_code, 0);
  }
  // No process owns it now: the CLI sees the paused account.
  ProcessResult cli = Strandq({"accounts", "--store", url_, "--state", "paused", "--json"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  EXPECT_EQ(json::parse(cli.out)["accounts"][0]["account"], "held") << cli.out;

  const std::string log = dir_.File("serve.jsonl");
  auto work = Serve({"--workers", "4", "--work", "sleep:5ms", "--log", log});
  ASSERT_TRUE(work->up());
  ASSERT_TRUE(AcctWaitFor(
      *work, [](const json& s) { return s["acked"] == 8; }, 60s));
  std::this_thread::sleep_for(300ms);
  const json waiting = AcctCall(*work, verb::get, "/v1/accounts/held", 200)["account"];
  EXPECT_EQ(waiting["state"], "paused");
  EXPECT_EQ(waiting["pending"], 4);
  EXPECT_EQ(AcctStats(*work)["acked"], 8);
  {
    auto conn = work->Connect();
    auto res = Call(*conn, verb::get, "/metrics", "", "", AcctAuth());
    EXPECT_TRUE(Contains(res.body, "\nstrandq_accounts_paused 1\n")) << res.body;
    EXPECT_TRUE(Contains(res.body, "\nstrandq_oldest_pending_age_seconds ")) << res.body;
  }

  const json resumed = AcctCall(*work, verb::post, "/v1/accounts/held/resume", 200);
  EXPECT_EQ(resumed["account"]["paused"], false);
  ASSERT_TRUE(AcctWaitFor(
      *work, [](const json& s) { return s["acked"] == 12; }, 60s));
  EXPECT_EQ(AcctStats(*work)["paused"], 0);
  EXPECT_EQ(AcctStats(*work)["oldest_pending_age_ms"], 0);
  ASSERT_EQ(work->Stop().exit_code, 0);

  ProcessResult verify = Strandq({"verify", log, "--store", url_});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;
}

// Dead letters over HTTP: made by pull workers, listed oldest first with their payloads,
// one replayed to its account's head and processed, the others purged; bad requests in between
// are refused and change nothing.
TEST_F(AccountsE2eTest, DeadLettersAreListedReplayedAndPurgedOverHttp) {
  auto server = Serve({"--workers", "0"});
  ASSERT_TRUE(server->up());
  AcctCall(*server, verb::post, "/v1/events", 202, AcctBatch({{"dl", 2}, {"ok", 1}}));
  auto settle_all = [&](const std::string& outcome) {
    const json leases = AcctCall(*server, verb::post, "/v1/leases", 200, R"({"max":10})");
    json items = json::array();
    for (const json& l : leases["leases"]) {
      json item = {{"lease", l["lease"]}, {"outcome", outcome}};
      if (outcome == "dead") item["error"] = "card declined";
      items.push_back(item);
    }
    AcctCall(*server, verb::post, "/v1/leases/settle", 200, items.dump());
    return leases["leases"].size();
  };
  EXPECT_EQ(settle_all("dead"), 2u);  // dl#1 and ok#1
  EXPECT_EQ(settle_all("dead"), 1u);  // dl#2 (--on-dead skip)
  const json dead = AcctCall(*server, verb::get, "/v1/dead", 200)["dead"];
  ASSERT_EQ(dead.size(), 3u) << dead;
  EXPECT_EQ(dead[0]["error"], "permanent failure: card declined");
  EXPECT_GE(dead[0]["age_ms"].get<int64_t>(), 0);
  EXPECT_GT(dead[0]["dead_ns"].get<int64_t>(), 0);
  EXPECT_TRUE(dead[0]["payload"].is_string());
  EXPECT_EQ(AcctCall(*server, verb::get, "/v1/dead?limit=1", 200)["dead"].size(), 1u);
  uint64_t dl1 = 0, ok1 = 0;
  for (const json& d : dead) {
    if (d["account"] == "dl" && d["seq"] == 1) dl1 = d["id"];
    if (d["account"] == "ok") ok1 = d["id"];
  }
  ASSERT_NE(dl1, 0u);

  // Hostile bodies: refused whole, nothing replayed or purged.
  std::string huge = "{\"ids\":[1";
  for (int i = 0; i < 20'000; ++i) huge += "," + std::to_string(dl1);
  const std::vector<std::pair<std::string, unsigned>> refused = {{"{", 400},
                                                                 {"", 400},
                                                                 {R"({"ids":[]})", 400},
                                                                 {R"({"ids":[1],"all":true})", 400},
                                                                 {R"({"ids":[0]})", 400},
                                                                 {"[1,2]", 400},
                                                                 {huge + "]}", 413},
                                                                 {R"({"all":"yes"})", 400}};
  for (const auto& [body, status] : refused) {
    AcctCall(*server, verb::post, "/v1/dead/replay", status, body);
    AcctCall(*server, verb::post, "/v1/dead/purge", status, body);
  }
  AcctCall(*server, verb::get, "/v1/dead?limit=0", 400);
  AcctCall(*server, verb::get, "/v1/dead?limit=5&limit=6", 400);
  EXPECT_EQ(AcctStats(*server)["dead"], 3);
  EXPECT_EQ(AcctStats(*server)["pending"], 0);

  const json replayed = AcctCall(*server, verb::post, "/v1/dead/replay", 200,
                                 json({{"ids", {dl1, 999999}}, {"at", "head"}}).dump());
  EXPECT_EQ(replayed["replayed"], 1);
  const json dl = AcctCall(*server, verb::get, "/v1/accounts/dl", 200);
  EXPECT_EQ(dl["account"]["pending"], 1);
  EXPECT_EQ(dl["account"]["head"]["replay"], 1);
  EXPECT_EQ(dl["events"][0]["payload"], "{\"n\":1}");
  EXPECT_EQ(settle_all("ack"), 1u);

  EXPECT_EQ(
      AcctCall(*server, verb::post, "/v1/dead/purge", 200, json({{"ids", {ok1}}}).dump())["purged"],
      1);
  EXPECT_EQ(AcctCall(*server, verb::post, "/v1/dead/purge", 200, R"({"all":true})")["purged"], 1);
  EXPECT_EQ(AcctCall(*server, verb::get, "/v1/dead", 200)["dead"].size(), 0u);
  EXPECT_EQ(AcctStats(*server)["acked"], 1);
  ASSERT_EQ(server->Stop().exit_code, 0);
}

// Hostile paths and queries: refused with the reason, the server unharmed.
TEST_F(AccountsE2eTest, HostileAccountPathsAndQueriesAreRefused) {
  auto server = Serve({"--workers", "0"});
  ASSERT_TRUE(server->up());
  AcctCall(*server, verb::post, "/v1/events", 202, AcctBatch({{"a", 1}}));
  for (const std::string& target :
       {std::string("/v1/accounts/a%zz"), std::string("/v1/accounts/a%2"),
        std::string("/v1/accounts/a%00"), std::string("/v1/accounts/a%2Fb"),
        "/v1/accounts/" + std::string(129, 'x'), std::string("/v1/accounts?limit=1001"),
        std::string("/v1/accounts?limit=-1"), std::string("/v1/accounts?state=idle"),
        std::string("/v1/accounts?sort=backlog&sort=age"), std::string("/v1/accounts?what=1"),
        std::string("/v1/accounts/a?offset=x"), std::string("/v1/accounts/a?limit=0")}) {
    const json answer = AcctCall(*server, verb::get, target, 400);
    EXPECT_TRUE(answer.contains("error")) << target;
  }
  // Without the token, nothing is revealed or changed.
  auto conn = server->Connect();
  EXPECT_EQ(Call(*conn, verb::post, "/v1/accounts/a/pause").status, 401u);
  EXPECT_EQ(AcctCall(*server, verb::get, "/v1/accounts/a", 200)["account"]["paused"], false);
  ASSERT_EQ(server->Stop().exit_code, 0);
}

// The CLI on a store no process owns: list, show, pause (a worker then leaves the account
// alone), resume; errors for the on-call engineer.
void AcctCliFlow(const std::string& url, const TempDir& dir) {
  const std::string csv = dir.File("w.csv");
  {
    std::ofstream out(csv);
    out << "account,seq,payload\nheld,1,h1\nheld,2,h2\nheld,3,h3\nother,1,o1\nother,2,o2\n";
  }
  ASSERT_EQ(Strandq({"generate", "--to", url, "--input", csv}).exit_code, 0);

  ProcessResult list = Strandq({"accounts", "--store", url, "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  const json accounts = json::parse(list.out)["accounts"];
  ASSERT_EQ(accounts.size(), 2u) << list.out;
  EXPECT_EQ(accounts[0]["account"], "held");
  EXPECT_EQ(accounts[0]["pending"], 3);
  ProcessResult table = Strandq({"accounts", "--store", url});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(Contains(table.out, "ACCOUNT")) << table.out;
  EXPECT_TRUE(Contains(table.out, "held")) << table.out;
  ProcessResult show = Strandq({"accounts", "show", "held", "--store", url});
  EXPECT_EQ(show.exit_code, 0) << show.err;
  EXPECT_TRUE(Contains(show.out, "pending     3")) << show.out;
  EXPECT_TRUE(Contains(show.out, "h2")) << show.out;
  ProcessResult missing = Strandq({"accounts", "show", "nobody", "--store", url});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(Contains(missing.err, "no account 'nobody'")) << missing.err;
  EXPECT_EQ(Strandq({"pause", "nobody", "--store", url}).exit_code, 1);

  ProcessResult pause = Strandq({"pause", "held", "--store", url});
  ASSERT_EQ(pause.exit_code, 0) << pause.err;
  EXPECT_TRUE(Contains(pause.out, "paused held")) << pause.out;
  ProcessResult stats = Strandq({"stats", "--store", url, "--json"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(json::parse(stats.out)["paused"], 1) << stats.out;
  EXPECT_GE(json::parse(stats.out)["oldest_pending_age_ms"].get<int64_t>(), 0) << stats.out;
  const std::string log1 = dir.File("w1.jsonl"), log2 = dir.File("w2.jsonl");
  ProcessResult worker = Strandq({"worker", "--store", url, "--workers", "2", "--work", "noop",
                                  "--log", log1, "--exit-when-drained"});
  ASSERT_EQ(worker.exit_code, 0) << worker.err;
  ProcessResult after = Strandq({"accounts", "show", "held", "--store", url, "--json"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(json::parse(after.out)["account"]["pending"], 3) << after.out;
  EXPECT_EQ(json::parse(after.out)["account"]["state"], "paused") << after.out;

  ProcessResult resume = Strandq({"resume", "held", "--store", url, "--json"});
  ASSERT_EQ(resume.exit_code, 0) << resume.err;
  EXPECT_EQ(json::parse(resume.out)["account"]["paused"], false) << resume.out;
  ASSERT_EQ(Strandq({"worker", "--store", url, "--workers", "2", "--work", "noop", "--log", log2,
                     "--exit-when-drained"})
                .exit_code,
            0);
  ProcessResult verify = Strandq({"verify", log1, log2, "--input", csv, "--store", url});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST(AccountsCliE2eTest, AccountsPauseAndResumeOnSqlite) {
  TempDir dir;
  AcctCliFlow("sqlite:" + dir.File("cli.db"), dir);
}

TEST(AccountsCliE2eTest, AccountsPauseAndResumeOnRedis) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  TempDir dir;
  AcctCliFlow(redis.Url("acctcli"), dir);
}

// Bad flags and names exit 2 with a line naming them; nothing is opened.
TEST(AccountsCliE2eTest, BadFlagsExitTwo) {
  TempDir dir;
  const std::string url = "sqlite:" + dir.File("none.db");
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"accounts", "--store", url, "--limit", "0"}, "--limit"},
      {{"accounts", "--store", url, "--limit", "1001"}, "--limit"},
      {{"accounts", "--store", url, "--state", "idle"}, "--state"},
      {{"accounts", "--store", url, "--sort", "size"}, "--sort"},
      {{"accounts", "show", "bad name", "--store", url}, "ACCOUNT"},
      {{"accounts", "show", "--store", url}, "ACCOUNT"},
      {{"pause", "--store", url}, "ACCOUNT"},
      {{"resume", std::string(200, 'x'), "--store", url}, "ACCOUNT"},
      {{"accounts"}, "--store"},
  };
  for (const auto& [args, flag] : cases) {
    ProcessResult r = Strandq(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << " " << r.err;
    EXPECT_TRUE(Contains(r.err, flag)) << r.err;
  }
}

}  // namespace
}  // namespace strandq
