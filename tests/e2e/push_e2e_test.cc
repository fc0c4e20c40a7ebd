// Copyright 2026 The strandq Authors.
// End to end: the real binary pushing to the Python example services (examples/push_handler.py,
// threaded, and examples/push_handler_async.py, asyncio; each test runs against both; python3
// from PATH) on a free loopback port, with failures the service injects by event id: attempt 1
// of every 7th event fails (500), every 11th is dead-lettered (Strandq-Outcome: dead), every 5th
// is answered 503 + Retry-After once. Checked: `strandq verify`, each outcome in the log, order
// and settlement before the next event as the service saw them; and that the asyncio service,
// whose HTTP parsing is its own, refuses what it cannot read and closes the connection.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "e2e/e2e_util.h"
#include "http/client_connection.h"
#include "strandq/event_log.h"
#include "testutil/redis_server.h"
#include "testutil/subprocess.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using namespace std::chrono_literals;
using testing::ProcessResult;
using testing::RunProcess;
using testing::Subprocess;
using testing::TempDir;

// A child whose stdout announces "listening on <URL>" (the Python service, strandq serve).
class Listening {
 public:
  explicit Listening(const std::vector<std::string>& argv)
      : process_(std::make_unique<Subprocess>(argv)) {
    for (int i = 0; i < 3000 && url_.empty(); ++i) {
      const std::string out = process_->OutputSoFar();
      const size_t at = out.find("listening on ");
      const size_t eol = out.find('\n', at);
      if (at != std::string::npos && eol != std::string::npos) {
        url_ = out.substr(at + 13, eol - at - 13);
        break;
      }
      std::this_thread::sleep_for(5ms);
    }
  }
  const std::string& url() const { return url_; }
  ProcessResult Stop() {
    process_->Signal(SIGTERM);
    return process_->Wait(60s);
  }

 private:
  std::unique_ptr<Subprocess> process_;
  std::string url_;
};

// A Python service (`script` in examples/) with `flags`.
std::unique_ptr<Listening> StartScript(const std::string& script, std::vector<std::string> flags) {
  flags.insert(flags.begin(), {"python3", STRANDQ_EXAMPLES_DIR "/" + script, "--port", "0"});
  auto service = std::make_unique<Listening>(flags);
  EXPECT_TRUE(Contains(service->url(), "http://127.0.0.1:")) << script << " did not start";
  return service;
}

// The Python service with the injected failures; "--record" lines go to `record`.
std::unique_ptr<Listening> StartService(const std::string& script, const std::string& record) {
  return StartScript(script, {"--fail-every", "7", "--dead-every", "11", "--busy-every", "5",
                              "--busy-seconds", "0.02", "--record", record});
}

std::vector<nlohmann::json> JsonLines(const std::string& path) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(testing::ReadFile(path));
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

// Every event 1..n has the outcomes the service injected, in the log.
void CheckOutcomes(const std::vector<AttemptRecord>& records, uint64_t n) {
  std::map<uint64_t, std::vector<const AttemptRecord*>> by_id;
  for (const AttemptRecord& r : records) by_id[r.id].push_back(&r);
  ASSERT_EQ(by_id.size(), n);
  for (auto& [id, attempts] : by_id) {
    std::sort(attempts.begin(), attempts.end(), [](const AttemptRecord* a, const AttemptRecord* b) {
      return a->attempt < b->attempt;
    });
    SCOPED_TRACE("event " + std::to_string(id));
    if (id % 11 == 0) {
      ASSERT_EQ(attempts.size(), 1u);
      EXPECT_EQ(attempts[0]->outcome, AttemptRecord::Outcome::kDead);
      EXPECT_EQ(attempts[0]->error,
                "permanent failure: event " + std::to_string(id) + " can never succeed");
    } else if (id % 7 == 0) {
      ASSERT_EQ(attempts.size(), 2u);
      EXPECT_EQ(attempts[0]->outcome, AttemptRecord::Outcome::kNack);
      EXPECT_EQ(attempts[0]->error,
                "handler answered HTTP 500: RuntimeError: injected failure "
                "of event " +
                    std::to_string(id) + " attempt 1");
      EXPECT_EQ(attempts[1]->outcome, AttemptRecord::Outcome::kAck);
      EXPECT_EQ(attempts[1]->attempt, 2u);
    } else {  // a 503 + Retry-After (id % 5 == 0) is no failed attempt
      ASSERT_EQ(attempts.size(), 1u);
      EXPECT_EQ(attempts[0]->outcome, AttemptRecord::Outcome::kAck);
      EXPECT_EQ(attempts[0]->attempt, 1u);
    }
  }
}

// What the service saw: per account, seq never goes back and the next event comes only after
// the last one was answered for good (ok or dead); each busy event was sent again.
void CheckServiceSaw(const std::vector<nlohmann::json>& lines, uint64_t n) {
  std::map<std::string, std::pair<uint64_t, bool>> last;  // account -> seq, settled
  std::set<uint64_t> busy, finished;
  for (const nlohmann::json& l : lines) {
    const std::string account = l["account"];
    const uint64_t seq = l["seq"], id = l["id"];
    const std::string status = l["status"];
    auto [it, first] = last.emplace(account, std::make_pair(seq, false));
    if (!first) {
      auto& [seen_seq, settled] = it->second;
      ASSERT_TRUE(seq == seen_seq ? !settled : (seq == seen_seq + 1 && settled))
          << "account " << account << ": seq " << seq << " after seq " << seen_seq
          << (settled ? " (settled)" : " (not settled)");
      seen_seq = seq;
    }
    it->second.second = status == "ok" || status == "dead";
    if (status == "busy") {
      EXPECT_EQ(l["attempt"], 1) << "event " << id;
      busy.insert(id);
    }
    if (it->second.second) {
      EXPECT_TRUE(finished.insert(id).second) << "event " << id;
    }
  }
  EXPECT_EQ(finished.size(), n);
  for (uint64_t id = 5; id <= n; id += 5) {
    if (id % 11 != 0) {
      EXPECT_TRUE(busy.count(id)) << "event " << id;
    }
  }
}

// Runs each test against the script named by the parameter.
class PushE2eTest : public ::testing::TestWithParam<const char*> {
 protected:
  std::string script() const { return GetParam(); }
  TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(Services, PushE2eTest,
                         ::testing::Values("push_handler.py", "push_handler_async.py"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           return std::string(info.index == 0 ? "Threaded" : "Asyncio");
                         });

TEST_P(PushE2eTest, RunWithInjectedFailuresKeepsOrderLosesNothingAndSettlesEachAsAnswered) {
  const std::string record = dir_.File("service.jsonl"), log = dir_.File("run.jsonl");
  auto service = StartService(script(), record);
  ASSERT_FALSE(service->url().empty());
  constexpr uint64_t kEvents = 300;
  ProcessResult run = Strandq({"run", "--events", std::to_string(kEvents), "--accounts", "20",
                               "--workers", "8", "--max-attempts", "3", "--retry-backoff", "1ms",
                               "--handler-timeout", "30s", "--work", service->url(), "--log", log});
  // Dead letters make the run's result FAILED (exit 1); the proof itself holds.
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  EXPECT_TRUE(Contains(run.out, "verification: OK")) << run.out;
  EXPECT_TRUE(Contains(run.out, "dead:         27")) << run.out;
  ProcessResult verify = Strandq({"verify", log});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(Contains(verify.out, "verification: OK")) << verify.out;

  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  CheckOutcomes(*records, kEvents);
  service->Stop();
  CheckServiceSaw(JsonLines(record), kEvents);
}

TEST_P(PushE2eTest, ARetryAfterLongerThanHalfTheHandlerTimeoutFailsTheAttemptWithThatDelay) {
  // Every event is answered 503 + Retry-After: 1 once. With --handler-timeout 400ms an attempt
  // waits out at most 200ms: it fails at once (not timed out) and comes back 1 s later.
  const std::string record = dir_.File("service.jsonl"), log = dir_.File("run.jsonl");
  auto service =
      StartScript(script(), {"--busy-every", "1", "--busy-seconds", "1", "--record", record});
  ASSERT_FALSE(service->url().empty());
  ProcessResult run =
      Strandq({"run", "--events", "2", "--accounts", "2", "--workers", "2", "--handler-timeout",
               "400ms", "--retry-backoff", "1ms", "--work", service->url(), "--log", log});
  EXPECT_EQ(run.exit_code, 0) << run.out << run.err;
  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 4u);
  std::map<uint64_t, std::vector<AttemptRecord>> by_id;
  for (const AttemptRecord& r : *records) by_id[r.id].push_back(r);
  for (auto& [id, attempts] : by_id) {
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_EQ(attempts[0].outcome, AttemptRecord::Outcome::kNack);
    EXPECT_TRUE(Contains(attempts[0].error,
                         "HTTP 503: busy, retry in 1s (Retry-After: 1); "
                         "beyond what one attempt waits (200ms in all"))
        << attempts[0].error;
    EXPECT_LT(attempts[0].end_ns - attempts[0].start_ns, 400'000'000);
    EXPECT_EQ(attempts[1].outcome, AttemptRecord::Outcome::kAck);
    EXPECT_GE(attempts[1].start_ns - attempts[0].end_ns, 900'000'000);  // the delay asked for
  }
}

TEST_P(PushE2eTest, NoAnswerInTimeAndNoServiceAreFailedAttempts) {
  const std::string slow_log = dir_.File("slow.jsonl"), gone_log = dir_.File("gone.jsonl");
  auto slow = StartScript(script(), {"--work-ms", "3000"});
  ASSERT_FALSE(slow->url().empty());
  ProcessResult run =
      Strandq({"run", "--events", "1", "--max-attempts", "2", "--retry-backoff", "1ms",
               "--handler-timeout", "100ms", "--work", slow->url(), "--log", slow_log});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;  // dead-lettered
  auto records = ReadEventLog(slow_log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  for (const AttemptRecord& r : *records) EXPECT_EQ(r.error, "handler timed out after 100ms");
  EXPECT_EQ(records->back().outcome, AttemptRecord::Outcome::kDead);
  const std::string url = slow->url();
  slow->Stop();

  run = Strandq({"run", "--events", "1", "--max-attempts", "2", "--retry-backoff", "1ms", "--work",
                 url, "--log", gone_log});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  records = ReadEventLog(gone_log);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), 2u);
  for (const AttemptRecord& r : *records) {
    EXPECT_EQ(r.error, "POST " + url + ": connecting: Connection refused");
  }
}

TEST_P(PushE2eTest, ServePushesPayloadsAsPostedAndLogsTheAttempts) {
  const std::string record = dir_.File("service.jsonl"), log = dir_.File("serve.jsonl");
  auto service = StartService(script(), record);
  ASSERT_FALSE(service->url().empty());
  Listening serve({STRANDQ_BINARY, "serve", "--bind", "127.0.0.1:0", "--store", "mem:", "--workers",
                   "4", "--work", service->url(), "--log", log, "--retry-backoff", "1ms"});
  ASSERT_FALSE(serve.url().empty());
  const std::string& address = serve.url();  // HOST:PORT
  const std::string host = address.substr(0, address.rfind(':'));
  const auto port = static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
  auto conn = http::ClientConnection::Connect(host, port, 10s);
  ASSERT_TRUE(conn.ok()) << conn.status().ToString();
  // Ids 1..4: a string, an object, a number and a string that reads as no JSON.
  auto res = (*conn)->Request(boost::beast::http::verb::post, "/v1/events",
                              R"([{"account":"a","payload":"hello"},)"
                              R"({"account":"a","payload":{"amount":12,"tags":[1,"x"]}},)"
                              R"({"account":"b","payload":12.50},{"account":"b","payload":"{x"}])",
                              "application/json");
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  ASSERT_EQ(res->status, 202u) << res->body;
  for (int i = 0; i < 3000 && JsonLines(record).size() < 4; ++i) std::this_thread::sleep_for(5ms);
  ProcessResult stopped = serve.Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.out << stopped.err;
  std::map<uint64_t, nlohmann::json> payloads;
  for (const auto& l : JsonLines(record)) payloads[l["id"]] = l["payload"];
  ASSERT_EQ(payloads.size(), 4u);
  EXPECT_EQ(payloads[1], "hello");
  EXPECT_EQ(payloads[2], nlohmann::json::parse(R"({"amount":12,"tags":[1,"x"]})"));
  EXPECT_EQ(payloads[3].dump(), "12.5");
  EXPECT_EQ(payloads[4], "{x");
  ProcessResult verify = Strandq({"verify", log});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  auto records = ReadEventLog(log);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), 4u);
}

TEST_P(PushE2eTest, WorkersOverRedisPushToo) {
  testing::RedisServer redis;
  ASSERT_TRUE(redis.ok()) << redis.Error();
  const std::string record = dir_.File("service.jsonl");
  auto service = StartService(script(), record);
  ASSERT_FALSE(service->url().empty());
  constexpr uint64_t kEvents = 200;
  ProcessResult gen = Strandq({"generate", "--events", std::to_string(kEvents), "--accounts", "10",
                               "--to", redis.Url("push")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  std::vector<std::string> logs;
  std::vector<std::unique_ptr<Subprocess>> workers;
  for (int w = 0; w < 2; ++w) {
    logs.push_back(dir_.File("w" + std::to_string(w) + ".jsonl"));
    workers.push_back(std::make_unique<Subprocess>(std::vector<std::string>{
        STRANDQ_BINARY, "worker", "--store", redis.Url("push"), "--workers", "4", "--work",
        service->url(), "--log", logs.back(), "--max-attempts", "3", "--retry-backoff", "1ms",
        "--exit-when-drained"}));
  }
  for (auto& w : workers) {
    ProcessResult r = w->Wait(120s);
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;  // it dead-lettered events
    EXPECT_TRUE(Contains(r.err, "dead-lettered")) << r.err;
  }
  std::vector<std::string> args = {"verify"};
  args.insert(args.end(), logs.begin(), logs.end());
  args.insert(args.end(), {"--store", redis.Url("push")});
  ProcessResult verify = Strandq(args);
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  std::vector<AttemptRecord> all;
  for (const std::string& l : logs) {
    auto records = ReadEventLog(l);
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    for (AttemptRecord& r : *records) {
      if (!r.unconfirmed) all.push_back(std::move(r));
    }
  }
  CheckOutcomes(all, kEvents);
  service->Stop();
  CheckServiceSaw(JsonLines(record), kEvents);
}

// What the service answered to `request` on a new connection, and whether it then closed the
// connection (false: still open after 5 s).
struct Exchanged {
  std::string answer;
  bool closed = false;
};
Exchanged Exchange(const std::string& url, const std::string& request) {
  const auto port = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  Exchanged result;
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const timeval timeout{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0 &&
      send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    ssize_t n;
    while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) result.answer.append(buffer, n);
    result.closed = n == 0;
  }
  close(fd);
  return result;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t count = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

TEST(PushAsyncServiceTest, KeepsConnectionsAliveAndRefusesWhatItCannotReadThenCloses) {
  auto service = StartScript("push_handler_async.py", {});
  ASSERT_FALSE(service->url().empty());
  const std::string& url = service->url();
  // Kept alive until "Connection: close": three answers on one connection, the last a 400 for
  // a body that is no event, then closed (a request after it is not read).
  const std::string event = R"({"id":3,"account":"a","seq":1,"attempt":1})";
  Exchanged e =
      Exchange(url,
               "GET /healthz HTTP/1.1\r\n\r\n"
               "POST /events HTTP/1.1\r\nContent-Length: " +
                   std::to_string(event.size()) + "\r\n\r\n" + event +
                   "POST /events HTTP/1.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nnot{}"
                   "GET /healthz HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(e.closed);
  EXPECT_EQ(Count(e.answer, "HTTP/1.1 200 OK\r\n"), 2u) << e.answer;
  EXPECT_EQ(Count(e.answer, "HTTP/1.1 400 Bad Request\r\n"), 1u) << e.answer;
  EXPECT_TRUE(Contains(e.answer, "bad request: Expecting value")) << e.answer;
  // Each refused with its status and closed; what follows on the connection is not answered.
  const std::string next = "GET /healthz HTTP/1.1\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> refused = {
      {"garbage\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
      {"POST /events HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
       "HTTP/1.1 400 Bad Request\r\n"},
      {"POST /events HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
       "HTTP/1.1 400 Bad Request\r\n"},
      {"POST /events HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"},
      {"POST /events HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
       "HTTP/1.1 413 Content Too Large\r\n"},
      {"POST /events HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n",
       "HTTP/1.1 431 Request Header Fields Too Large\r\n"},
  };
  for (const auto& [request, status] : refused) {
    e = Exchange(url, request + next);
    EXPECT_TRUE(e.closed) << request.substr(0, 80);
    EXPECT_EQ(e.answer.rfind(status, 0), 0u) << request.substr(0, 80) << " -> " << e.answer;
    EXPECT_EQ(Count(e.answer, "HTTP/1.1 "), 1u) << request.substr(0, 80) << " -> " << e.answer;
    EXPECT_TRUE(Contains(e.answer, "\r\nConnection: close\r\n")) << e.answer;
  }
  // A body nested too deep is a 400, not a crash: the service still answers.
  const std::string deep(100000, '[');
  e = Exchange(url, "POST /events HTTP/1.1\r\nContent-Length: " + std::to_string(deep.size()) +
                        "\r\nConnection: close\r\n\r\n" + deep);
  EXPECT_EQ(e.answer.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << e.answer.substr(0, 200);
  e = Exchange(url, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(e.answer.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << e.answer;
  ProcessResult stopped = service->Stop();
  EXPECT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_EQ(stopped.err, "");  // no tracebacks
}

}  // namespace
}  // namespace strandq
