// Copyright 2026 The strandq Authors.
#include "strandq/http_producer.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "http/client_connection.h"
#include "strandq/store.h"
#include "util/http_url.h"
#include "util/random.h"

namespace strandq {
namespace {

// Appends `text` as a JSON string. InvalidArgument if it is not UTF-8.
Status AppendJsonString(std::string& out, const std::string& text) {
  try {
    out += nlohmann::json(text).dump();
  } catch (const nlohmann::json::exception&) {
    return Status::InvalidArgument("payload is not UTF-8; the HTTP API carries JSON strings");
  }
  return Status();
}

// The body of one request: a JSON object for one event, NDJSON for more.
Result<std::string> Body(const std::vector<WorkloadEvent>& events, const std::vector<size_t>& idx,
                         size_t begin, size_t end) {
  std::string body;
  for (size_t i = begin; i < end; ++i) {
    const WorkloadEvent& e = events[idx[i]];
    body += "{\"account\":";
    Status s = AppendJsonString(body, e.account);
    body += ",\"payload\":";
    if (s.ok()) s = AppendJsonString(body, e.payload);
    if (!s.ok()) return s.Prefixed("event " + std::to_string(idx[i]));
    body += end - begin == 1 ? "}" : "}\n";
  }
  return body;
}

// What the connections count together.
struct Counts {
  std::atomic<bool> failed{false};
  std::atomic<uint64_t> accepted{0}, requests{0}, resent{0}, replayed{0};
};

// Whether a send that ended so is worth sending again (with the same key): no answer (a
// timeout, a lost connection, a refused connect), a server error, or 409 (the first send of
// this key is still in the server's hands).
bool WorthResending(const Result<http::ClientResponse>& res) {
  if (!res.ok()) return res.status().code() == Status::Code::kUnavailable;
  return res->status >= 500 || res->status == 409;
}

// Sends one request until it is answered for good or its sends are used up; `conn` is
// replaced when it failed (or was closed by the server), and may be null on return.
Result<http::ClientResponse> Send(const http::HttpUrl& url,
                                  std::unique_ptr<http::ClientConnection>& conn,
                                  const std::string& body, std::string_view type,
                                  const http::ClientConnection::Headers& headers,
                                  const HttpPostOptions& options, Counts& counts) {
  auto delay = options.retry_backoff;
  for (size_t attempt = 1;; ++attempt) {
    Result<http::ClientResponse> res = Status::Unavailable("not sent");
    if (conn == nullptr) {
      auto fresh = http::ClientConnection::Connect(url.host, url.port, options.timeout);
      if (fresh.ok()) conn = std::move(*fresh);
      if (!fresh.ok()) res = fresh.status();
    }
    if (conn != nullptr) {
      res = conn->Request(boost::beast::http::verb::post, "/v1/events", body, type, headers);
      if (!res.ok() || !res->keep_alive) conn.reset();
    }
    if (!WorthResending(res) || attempt >= std::max<size_t>(options.max_attempts, 1)) {
      if (attempt > 1 && !res.ok()) {
        return res.status().Prefixed("sent " + std::to_string(attempt) + " times");
      }
      return res;
    }
    counts.resent.fetch_add(1);
    std::this_thread::sleep_for(delay);
    delay = std::min<std::chrono::nanoseconds>(delay * 2, std::chrono::seconds(2));
  }
}

// Posts the events of one connection in order, batch number b under the key
// "<run_id>:<connection>:<b>"; counts into `counts`; stops when counts.failed.
Status PostShare(const http::HttpUrl& url, const std::vector<WorkloadEvent>& events,
                 const std::vector<size_t>& share, const HttpPostOptions& options,
                 const std::string& key_prefix, Counts& counts) {
  if (share.empty()) return Status();
  auto first = http::ClientConnection::Connect(url.host, url.port, options.timeout);
  if (!first.ok()) return first.status();
  std::unique_ptr<http::ClientConnection> conn = std::move(*first);
  http::ClientConnection::Headers headers;
  if (!options.token.empty()) headers.push_back({"Authorization", "Bearer " + options.token});
  headers.push_back({"Idempotency-Key", ""});
  uint64_t batch = 0;
  for (size_t begin = 0; begin < share.size() && !counts.failed.load();
       begin += options.batch_size) {
    const size_t end = std::min(share.size(), begin + options.batch_size);
    auto body = Body(events, share, begin, end);
    if (!body.ok()) return body.status();
    headers.back().second = key_prefix + std::to_string(++batch);
    const bool single = end - begin == 1;
    auto res = Send(url, conn, *body, single ? "application/json" : "application/x-ndjson", headers,
                    options, counts);
    if (!res.ok()) return res.status();
    if (res->status != 202) {
      return Status::Unavailable("the server answered " + std::to_string(res->status) + ": " +
                                 res->body);
    }
    auto receipts = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
    if (!receipts.is_array() || receipts.size() != end - begin) {
      return Status::Internal("a 202 without one receipt per event: " + res->body);
    }
    if (res->idempotent_replayed == "true") counts.replayed.fetch_add(1);
    counts.accepted.fetch_add(end - begin);
    counts.requests.fetch_add(1);
  }
  return Status();
}

}  // namespace

Result<HttpPostReport> PostWorkload(std::string_view url_text,
                                    const std::vector<WorkloadEvent>& events,
                                    const HttpPostOptions& options) {
  auto url = http::ParseHttpUrl(url_text);
  if (!url.ok()) return url.status();
  if (options.concurrency == 0 || options.batch_size == 0) {
    return Status::InvalidArgument("concurrency and batch size must be at least 1");
  }
  // Accounts go to connections round-robin in order of first appearance.
  std::vector<std::vector<size_t>> shares(options.concurrency);
  std::unordered_map<std::string_view, size_t> owner;
  for (size_t i = 0; i < events.size(); ++i) {
    auto [it, inserted] = owner.emplace(events[i].account, owner.size() % options.concurrency);
    shares[it->second].push_back(i);
  }

  Counts counts;
  std::mutex mu;
  Status first_error;  // guarded by mu
  char run_id[17];
  std::snprintf(run_id, sizeof(run_id), "%016llx", static_cast<unsigned long long>(RandomSeed()));
  const std::string run = options.run_id.empty() ? run_id : options.run_id;
  if (Status valid = ValidateIdempotencyKey(run + ":0:1"); !valid.ok()) {
    return valid.Prefixed("run id '" + options.run_id.substr(0, 64) + "'");
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t c = 0; c < shares.size(); ++c) {
    threads.emplace_back([&, c] {
      const std::string prefix = run + ":" + std::to_string(c) + ":";
      Status s = PostShare(*url, events, shares[c], options, prefix, counts);
      if (s.ok()) return;
      counts.failed.store(true);
      std::lock_guard lock(mu);
      if (first_error.ok()) first_error = s.Prefixed("connection " + std::to_string(c));
    });
  }
  for (std::thread& t : threads) t.join();
  if (!first_error.ok()) return first_error;
  HttpPostReport report;
  report.events = counts.accepted.load();
  report.requests = counts.requests.load();
  report.resent = counts.resent.load();
  report.replayed = counts.replayed.load();
  report.elapsed = std::chrono::steady_clock::now() - start;
  return report;
}

}  // namespace strandq
