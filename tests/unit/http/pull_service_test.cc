// Copyright 2026 The strandq Authors.
// The pull API in process, over real loopback sockets (PullService behind HttpServer), under
// ThreadSanitizer too: concurrent lease, extend and settle; long-polls and a drain. The API's
// answers request by request are tested through the binary (tests/e2e/pull_e2e_test.cc).

#include "http/pull_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/client_connection.h"
#include "strandq/http_server.h"

namespace strandq {
namespace {

using boost::beast::http::verb;
using http::ClientConnection;

// Pull workers in process, under ThreadSanitizer too: clients lease (long-polling on an empty
// store), settle and extend concurrently while producers post; every event is acked exactly
// once, each account in order; a drain answers a waiting long-poll.
TEST(PullServiceTest, ClientsLeaseSettleAndLongPollConcurrently) {
  std::unique_ptr<Store> store = NewMemoryStore(EngineOptions{});
  MemoryLogSink log;
  HttpServerOptions options;
  options.bind = "127.0.0.1:0";
  options.threads = 2;
  options.pull_log = &log;
  options.max_long_polls = 4;
  auto server = HttpServer::Start(*store, options);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  const auto port = static_cast<uint16_t>(std::stoi((*server)->address().substr(10)));
  auto Connect = [port] {
    auto conn = ClientConnection::Connect("127.0.0.1", port, std::chrono::seconds(10));
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return conn.ok() ? std::move(*conn) : nullptr;
  };
  constexpr int kEvents = 400, kAccounts = 7, kPullers = 4;
  std::atomic<int> settled{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < kPullers; ++p) {
    threads.emplace_back([&, p] {
      auto conn = Connect();
      if (!conn) return;
      nlohmann::json settle = nlohmann::json::array();
      while (settled.load() < kEvents) {
        nlohmann::json body = {{"max", 1 + p * 3}, {"wait_ms", 50}};
        if (!settle.empty()) body["settle"] = settle;
        auto res = conn->Request(verb::post, "/v1/leases", body.dump(), "application/json",
                                 {{"Strandq-Worker", "p" + std::to_string(p)}});
        ASSERT_TRUE(res.ok()) << res.status().ToString();
        if (res->status == 503) continue;  // more long-polls than allowed: poll again
        ASSERT_EQ(res->status, 200u) << res->body;
        auto answer = nlohmann::json::parse(res->body);
        for (const auto& r : answer.value("settled", nlohmann::json::array())) {
          ASSERT_EQ(r["ok"], true) << r.dump();
          settled.fetch_add(1);
        }
        settle = nlohmann::json::array();
        nlohmann::json extend = nlohmann::json::array();
        for (const auto& l : answer["leases"]) extend.push_back({{"lease", l["lease"]}});
        if (!extend.empty()) {
          auto ext = conn->Request(verb::post, "/v1/leases/extend", extend.dump(), "");
          ASSERT_TRUE(ext.ok() && ext->status == 200u);
        }
        for (const auto& l : answer["leases"]) {
          settle.push_back({{"lease", l["lease"]}, {"outcome", "ack"}});
        }
      }
    });
  }
  auto producer = Connect();
  for (int i = 0; i < kEvents; ++i) {
    nlohmann::json e = {{"account", "acct" + std::to_string(i % kAccounts)}};
    auto res = producer->Request(verb::post, "/v1/events", e.dump(), "application/json");
    ASSERT_TRUE(res.ok() && res->status == 202u);
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(settled.load(), kEvents);
  EXPECT_EQ((*store->Stats()).acked, static_cast<uint64_t>(kEvents));
  // Each account's attempts, by start (grant) time, are its seqs in order, each settled before
  // the next was granted.
  std::map<std::string, std::vector<AttemptRecord>> by_account;
  for (const AttemptRecord& r : log.Records()) {
    ASSERT_EQ(r.outcome, AttemptRecord::Outcome::kAck);
    by_account[r.account].push_back(r);
  }
  for (auto& [account, attempts] : by_account) {
    std::sort(attempts.begin(), attempts.end(),
              [](const auto& a, const auto& b) { return a.start_ns < b.start_ns; });
    for (size_t i = 0; i < attempts.size(); ++i) {
      EXPECT_EQ(attempts[i].seq, i + 1) << account;
      if (i > 0) {
        EXPECT_LE(attempts[i - 1].end_ns, attempts[i].start_ns) << account;
      }
    }
  }
  EXPECT_EQ(log.Records().size(), static_cast<size_t>(kEvents));

  // A long-poll waiting when the server drains is answered at once, with no lease.
  std::thread waiting([&] {
    auto conn = Connect();
    auto res = conn->Request(verb::post, "/v1/leases", R"({"wait_ms":30000})", "");
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    EXPECT_EQ(res->body, R"({"leases":[]})");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto start = std::chrono::steady_clock::now();
  (*server)->Drain();
  waiting.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

}  // namespace
}  // namespace strandq
