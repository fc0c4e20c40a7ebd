// Copyright 2026 The strandq Authors.
// The server in process, over real loopback sockets: ordering under concurrent clients,
// pipelining, limits, timeouts and drain.

#include "strandq/http_server.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "http/client_connection.h"
#include "strandq/version.h"
#include "testutil/loopback_http.h"

namespace strandq {
namespace {

using boost::beast::http::verb;
using http::ClientConnection;

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    server_ = testing::StartLoopbackServer(*store_, options);
    ASSERT_NE(server_, nullptr);
    port_ = testing::LoopbackPort(*server_);
  }

  std::unique_ptr<ClientConnection> Connect() { return testing::ConnectLoopback(port_); }

  http::ClientResponse Post(ClientConnection& conn, std::string body,
                            std::string_view type = "application/json") {
    auto res = conn.Request(verb::post, "/v1/events", std::move(body), type);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : http::ClientResponse{};
  }

  uint64_t Enqueued() { return (*store_->Stats()).enqueued; }

  std::unique_ptr<Store> store_ = NewMemoryStore(EngineOptions{});
  std::unique_ptr<HttpServer> server_;
  uint16_t port_ = 0;
};

TEST_F(HttpServerTest, ConcurrentClientsGetPerAccountOrderAsAccepted) {
  Start();
  constexpr int kClients = 8, kBatches = 40, kAccounts = 5;
  // Every client posts to the same accounts, in batches of mixed formats. What each event is
  // told (its account's seq) must be the order in which the store hands it out.
  std::vector<std::map<std::pair<std::string, uint64_t>, std::string>> told(kClients);
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto conn = Connect();
      if (!conn) return;
      std::map<std::string, uint64_t> last_seq;
      for (int b = 0; b < kBatches; ++b) {
        std::vector<std::pair<std::string, std::string>> batch;  // account, payload
        std::string body;
        const bool ndjson = b % 2 == 0;
        for (int i = 0; i < 1 + b % 4; ++i) {
          batch.push_back({"acct" + std::to_string((b + i) % kAccounts),
                           std::to_string(c) + "/" + std::to_string(b) + "/" + std::to_string(i)});
          nlohmann::json e = {{"account", batch.back().first}, {"payload", batch.back().second}};
          body += ndjson ? e.dump() + "\n" : (body.empty() ? "[" : ",") + e.dump();
        }
        if (!ndjson) body += "]";
        auto res = Post(*conn, body, ndjson ? "application/x-ndjson" : "application/json");
        ASSERT_EQ(res.status, 202u) << res.body;
        auto receipts = nlohmann::json::parse(res.body);
        ASSERT_EQ(receipts.size(), batch.size());
        for (size_t i = 0; i < batch.size(); ++i) {
          const uint64_t seq = receipts[i]["seq"];
          EXPECT_GT(seq, last_seq[batch[i].first]) << "a client's own events keep their order";
          last_seq[batch[i].first] = seq;
          told[c][{batch[i].first, seq}] = batch[i].second;
        }
      }
    });
  }
  for (auto& t : clients) t.join();

  std::map<std::pair<std::string, uint64_t>, std::string> all;
  for (const auto& m : told) {
    for (const auto& [key, payload] : m) {
      EXPECT_TRUE(all.emplace(key, payload).second) << "seq given twice: " << key.first;
    }
  }
  // Drain the store: each account's events come out in seq order with the payloads told.
  std::map<std::string, uint64_t> next_seq;
  size_t seen = 0;
  while (true) {
    auto leases = store_->Claim(64, std::chrono::nanoseconds(0));
    ASSERT_TRUE(leases.ok());
    if (leases->empty()) break;
    for (const Lease& lease : *leases) {
      EXPECT_EQ(lease.event.seq, ++next_seq[lease.event.account]);
      const std::pair<std::string, uint64_t> key{lease.event.account, lease.event.seq};
      EXPECT_EQ(all[key], lease.event.payload);
      ++seen;
      ASSERT_TRUE(store_->Complete(lease, Outcome::Ack(), ClaimNext::kNo).ok());
    }
  }
  EXPECT_EQ(seen, all.size());
  EXPECT_EQ(server_->Counters().events_accepted, all.size());
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  auto conn = Connect();
  auto request = [](std::string body) {
    return "POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
           "Content-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  };
  ASSERT_TRUE(conn->Write(request(R"({"account":"p","payload":"1"})") +
                          request(R"({"account":"bad account"})") +
                          "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" +
                          request(R"({"account":"p","payload":"2"})"))
                  .ok());
  std::vector<unsigned> statuses;
  std::vector<std::string> bodies;
  for (int i = 0; i < 4; ++i) {
    auto res = conn->Read();
    ASSERT_TRUE(res.ok()) << res.status().ToString();
    statuses.push_back(res->status);
    bodies.push_back(res->body);
    EXPECT_TRUE(res->keep_alive);
  }
  EXPECT_EQ(statuses, (std::vector<unsigned>{202, 400, 200, 202}));
  EXPECT_EQ(bodies[0], R"([{"id":1,"seq":1}])");
  EXPECT_NE(bodies[1].find("event 0"), std::string::npos) << bodies[1];
  EXPECT_EQ(bodies[3], R"([{"id":2,"seq":2}])");
}

TEST_F(HttpServerTest, BodiesOverTheLimitAre413AndNothingIsStored) {
  HttpServerOptions options;
  options.max_body_bytes = 200;
  Start(options);
  const std::string big = R"({"account":"a","payload":")" + std::string(300, 'x') + "\"}";
  auto conn = Connect();
  auto res = Post(*conn, big);
  EXPECT_EQ(res.status, 413u);
  EXPECT_FALSE(res.keep_alive);  // the unread body cannot be taken for a next request

  // Chunked: no Content-Length up front, the limit stops the read.
  auto chunked = Connect();
  ASSERT_TRUE(chunked
                  ->Write("POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                          "\r\n12c\r\n" +
                          std::string(300, ' ') + "\r\n0\r\n\r\n")
                  .ok());
  auto read = chunked->Read();
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->status, 413u);
  EXPECT_EQ(Enqueued(), 0u);

  // A payload over the engine's limit is 413 too, the whole batch refused.
  HttpServerOptions small;
  small.max_payload_bytes = 4;
  conn.reset();
  chunked.reset();
  server_.reset();
  Start(small);
  auto again = Connect();
  res = Post(*again, R"([{"account":"a","payload":"1234"},{"account":"a","payload":"12345"}])");
  EXPECT_EQ(res.status, 413u);
  EXPECT_NE(res.body.find("event 1"), std::string::npos) << res.body;
  EXPECT_EQ(Enqueued(), 0u);
}

TEST_F(HttpServerTest, ExpectContinueGetsA100ThenTheAnswer) {
  Start();
  auto conn = Connect();
  const std::string body = R"({"account":"c","payload":"x"})";
  ASSERT_TRUE(conn->Write("POST /v1/events HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                          "Content-Type: application/json\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n")
                  .ok());
  auto interim = conn->Read();
  ASSERT_TRUE(interim.ok()) << interim.status().ToString();
  EXPECT_EQ(interim->status, 100u);
  ASSERT_TRUE(conn->Write(body).ok());
  auto res = conn->Read();
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->status, 202u);
}

TEST_F(HttpServerTest, SlowAndIdleClientsAreCutAfterTheTimeout) {
  HttpServerOptions options;
  options.timeout = std::chrono::milliseconds(100);
  Start(options);
  auto slow = Connect();
  ASSERT_TRUE(slow->Write("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Len").ok());
  auto idle = Connect();
  // Both reads end because the server closed the connections, not by the client's timeout.
  EXPECT_FALSE(slow->Read().ok());
  EXPECT_FALSE(idle->Read().ok());
  // The server counts a timeout right after closing: the client may see the close first.
  for (int i = 0; i < 1000 && server_->Counters().timeouts < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(server_->Counters().timeouts, 2u);
  EXPECT_EQ(Enqueued(), 0u);
}

TEST_F(HttpServerTest, ConnectionsOverTheLimitAreRefusedWith503) {
  HttpServerOptions options;
  options.max_connections = 2;
  Start(options);
  auto a = Connect(), b = Connect();
  ASSERT_EQ(a->Request(verb::get, "/healthz")->status, 200u);
  ASSERT_EQ(b->Request(verb::get, "/healthz")->status, 200u);
  auto c = Connect();
  auto refused = c->Read();
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ(refused->status, 503u);
  EXPECT_EQ(server_->Counters().connections_refused, 1u);
  // Once a connection closes, a new one is served (the count drops when the server sees it).
  a.reset();
  bool served = false;
  for (int i = 0; i < 200 && !served; ++i) {
    auto d = Connect();
    auto res = d->Request(verb::get, "/healthz");
    served = res.ok() && res->status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(served);
}

TEST_F(HttpServerTest, DrainAnswersTheRequestInProgressAndClosesIdleConnections) {
  HttpServerOptions options;
  options.timeout = std::chrono::seconds(20);  // the drain must not wait for it
  Start(options);
  auto idle = Connect();
  ASSERT_EQ(idle->Request(verb::get, "/healthz")->status, 200u);
  auto busy = Connect();
  const std::string body = R"({"account":"d","payload":"in progress"})";
  ASSERT_TRUE(busy->Write("POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, 10))
                  .ok());
  // Let the server read the head of the busy request before draining.
  for (int i = 0; i < 500 && server_->Counters().connections_accepted < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::thread drain([&] { server_->Drain(); });
  EXPECT_FALSE(idle->Read().ok());  // closed without an answer: it had asked nothing
  ASSERT_TRUE(busy->Write(body.substr(10)).ok());
  auto res = busy->Read();
  drain.join();
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 202u);
  EXPECT_FALSE(res->keep_alive);
  EXPECT_EQ(Enqueued(), 1u);
  // No new connection is served after the drain.
  auto late = ClientConnection::Connect("127.0.0.1", port_, std::chrono::seconds(2));
  if (late.ok()) {
    EXPECT_FALSE((*late)->Request(verb::get, "/healthz").ok());
  }
}

TEST_F(HttpServerTest, StatsAndMetricsShowTheCounters) {
  HttpServerOptions options;
  options.worker_progress = [] { return PoolProgress{3, 0, 0, 0, 1}; };
  Start(options);
  auto conn = Connect();
  ASSERT_EQ(Post(*conn, R"([{"account":"m"},{"account":"m"}])").status, 202u);
  AttemptRecord acked;
  acked.outcome = AttemptRecord::Outcome::kAck;
  acked.enqueued_ns = 1'000'000'000;
  acked.end_ns = 1'003'000'000;  // 3 ms
  server_->RecordAttempt(acked);
  auto stats = conn->Request(verb::get, "/v1/stats");
  ASSERT_TRUE(stats.ok());
  auto j = nlohmann::json::parse(stats->body);
  EXPECT_EQ(j["store"]["enqueued"], 2);
  EXPECT_EQ(j["store"]["pending"], 2);
  EXPECT_EQ(j["server"]["events_accepted"], 2);
  EXPECT_EQ(j["workers"]["acked"], 3);
  auto metrics = conn->Request(verb::get, "/metrics");
  ASSERT_TRUE(metrics.ok());
  EXPECT_NE(metrics->content_type.find("text/plain"), std::string::npos);
  for (const char* line :
       {"strandq_events_accepted_total 2\n", "strandq_events_pending 2\n",
        "strandq_http_requests_total{code=\"202\"} 1\n",
        "strandq_event_latency_seconds_bucket{le=\"0.005\"} 1\n",
        "strandq_event_latency_seconds_count 1\n", "strandq_worker_in_flight 1\n"}) {
    EXPECT_NE(metrics->body.find(line), std::string::npos) << line << metrics->body;
  }
}

TEST_F(HttpServerTest, StatsAndMetricsNameTheVersion) {
  Start();
  auto conn = Connect();
  auto stats = conn->Request(verb::get, "/v1/stats");
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(nlohmann::json::parse(stats->body)["version"], STRANDQ_VERSION);
  auto metrics = conn->Request(verb::get, "/metrics");
  ASSERT_TRUE(metrics.ok());
  const std::string line = "strandq_build_info{version=\"" STRANDQ_VERSION "\"} 1\n";
  EXPECT_NE(metrics->body.find(line), std::string::npos) << metrics->body;
}

TEST_F(HttpServerTest, BadChunkedFramingIsAnswered400ThenClosed) {
  Start();
  for (const std::string chunks :
       {"zz\r\nhello\r\n0\r\n\r\n", "-1\r\nhello\r\n0\r\n\r\n",
        "123456789abcdef012\r\nhello\r\n0\r\n\r\n", "5\r\nhelloX0\r\n\r\n"}) {
    auto conn = Connect();
    ASSERT_TRUE(conn->Write("POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
                            "\r\n\r\n" +
                            chunks)
                    .ok());
    auto res = conn->Read();
    ASSERT_TRUE(res.ok()) << chunks << ": " << res.status().ToString();
    EXPECT_EQ(res->status, 400u) << chunks;
    EXPECT_NE(res->body.find("malformed HTTP request body"), std::string::npos) << res->body;
    EXPECT_FALSE(res->keep_alive);
    EXPECT_FALSE(conn->Read().ok());  // then closed
  }
  EXPECT_EQ(Enqueued(), 0u);
}

TEST_F(HttpServerTest, AnExpectationOtherThan100ContinueIs417) {
  Start();
  auto conn = Connect();
  auto res = conn->Request(verb::post, "/v1/events", R"({"account":"e"})", "application/json",
                           {{"Expect", "999-bogus"}});
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 417u);
  EXPECT_NE(res->body.find("999-bogus"), std::string::npos) << res->body;
  EXPECT_EQ(Enqueued(), 0u);
}

TEST_F(HttpServerTest, DeepOrOddPayloadsNeitherCrashNorLoseTheirText) {
  Start();
  auto conn = Connect();
  const std::string deep =
      R"({"account":"a1","payload":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  for (const char* type : {"application/json", "application/x-ndjson"}) {
    auto res = Post(*conn, deep, type);
    EXPECT_EQ(res.status, 400u) << res.body;
    EXPECT_NE(res.body.find("nested deeper than the limit of 512 levels"), std::string::npos)
        << res.body;
  }
  auto nul = Post(*conn, std::string(R"({"account":"a1"})") + '\0');
  EXPECT_EQ(nul.status, 400u) << nul.body;
  EXPECT_EQ(Enqueued(), 0u);
  const std::string payload = R"({"n":1e400,"s":"\u00e9"})";
  ASSERT_EQ(Post(*conn, R"({"account":"a1","payload":)" + payload + "}").status, 202u);
  auto leases = store_->Claim(1, std::chrono::nanoseconds(0));
  ASSERT_TRUE(leases.ok() && leases->size() == 1u);
  EXPECT_EQ((*leases)[0].event.payload, payload);  // as posted
}

TEST_F(HttpServerTest, SlowHeadsAreCutAfterTheHeadTimeoutNotTheIdleTimeout) {
  HttpServerOptions options;
  options.max_connections = 3;
  options.head_timeout = std::chrono::milliseconds(200);  // options.timeout stays 30 s
  Start(options);
  // A kept-alive connection may idle longer than the head timeout between requests.
  auto kept = Connect();
  ASSERT_EQ(kept->Request(verb::get, "/healthz")->status, 200u);
  std::vector<std::unique_ptr<ClientConnection>> slow;
  for (int i = 0; i < 2; ++i) {
    slow.push_back(Connect());
    ASSERT_TRUE(slow.back()->Write("GET /healthz HTTP/1.1\r\nHo").ok());
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto res = kept->Request(verb::get, "/healthz");
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->status, 200u);
  // The slow heads were closed unanswered; their slots serve others well before 30 s.
  for (auto& conn : slow) EXPECT_FALSE(conn->Read().ok());
  slow.clear();
  bool served = false;
  for (int i = 0; i < 300 && !served; ++i) {
    auto fresh = Connect();
    auto again = fresh->Request(verb::get, "/healthz");
    served = again.ok() && again->status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(served);
  EXPECT_GE(server_->Counters().timeouts, 2u);
  // On a kept-alive connection, the head counts from its first byte.
  ASSERT_TRUE(kept->Write("GET /healthz HTTP/1.1\r\n").ok());
  EXPECT_FALSE(kept->Read().ok());
}

TEST_F(HttpServerTest, HeadHealthzAnswersLikeGetWithoutABody) {
  HttpServerOptions options;
  options.token = "secret";  // probes need none
  Start(options);
  auto conn = Connect();
  auto get = conn->Request(verb::get, "/healthz");
  auto head = conn->Request(verb::head, "/healthz");
  ASSERT_TRUE(get.ok() && head.ok());
  EXPECT_EQ(head->status, get->status);
  EXPECT_EQ(head->content_type, get->content_type);
  EXPECT_EQ(head->content_length, std::to_string(get->body.size()));
  EXPECT_TRUE(head->keep_alive);
  // No body bytes were sent: the next answer on the connection is read intact.
  auto next = conn->Request(verb::get, "/healthz");
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->body, get->body);
}

TEST(HttpServerStartTest, BadOrBusyAddressesAreErrors) {
  auto store = NewMemoryStore(EngineOptions{});
  HttpServerOptions options;
  options.bind = "nonsense";
  EXPECT_EQ(HttpServer::Start(*store, options).status().code(), Status::Code::kInvalidArgument);
  options.bind = "127.0.0.1:0";
  auto first = HttpServer::Start(*store, options);
  ASSERT_TRUE(first.ok());
  options.bind = (*first)->address();
  EXPECT_EQ(HttpServer::Start(*store, options).status().code(), Status::Code::kUnavailable);
}

}  // namespace
}  // namespace strandq
