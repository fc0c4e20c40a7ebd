// Copyright 2026 The strandq Authors.
#include "strandq/http_producer.h"

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

#include "http/client_connection.h"
#include "util/http_url.h"

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

// Posts the events of one connection in order; counts into `report`; stops when `failed`.
Status PostShare(const http::HttpUrl& url, const std::vector<WorkloadEvent>& events,
                 const std::vector<size_t>& share, const HttpPostOptions& options,
                 std::atomic<bool>& failed, std::atomic<uint64_t>& accepted,
                 std::atomic<uint64_t>& requests) {
  if (share.empty()) return Status();
  auto conn = http::ClientConnection::Connect(url.host, url.port, options.timeout);
  if (!conn.ok()) return conn.status();
  http::ClientConnection::Headers headers;
  if (!options.token.empty()) headers.push_back({"Authorization", "Bearer " + options.token});
  for (size_t begin = 0; begin < share.size() && !failed.load(); begin += options.batch_size) {
    const size_t end = std::min(share.size(), begin + options.batch_size);
    auto body = Body(events, share, begin, end);
    if (!body.ok()) return body.status();
    const bool single = end - begin == 1;
    auto res = (*conn)->Request(boost::beast::http::verb::post, "/v1/events", std::move(*body),
                                single ? "application/json" : "application/x-ndjson", headers);
    if (!res.ok()) return res.status();
    if (res->status != 202) {
      return Status::Unavailable("the server answered " + std::to_string(res->status) + ": " +
                                 res->body);
    }
    auto receipts = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
    if (!receipts.is_array() || receipts.size() != end - begin) {
      return Status::Internal("a 202 without one receipt per event: " + res->body);
    }
    accepted.fetch_add(end - begin);
    requests.fetch_add(1);
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

  std::atomic<bool> failed{false};
  std::atomic<uint64_t> accepted{0}, requests{0};
  std::mutex mu;
  Status first_error;  // guarded by mu
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t c = 0; c < shares.size(); ++c) {
    threads.emplace_back([&, c] {
      Status s = PostShare(*url, events, shares[c], options, failed, accepted, requests);
      if (s.ok()) return;
      failed.store(true);
      std::lock_guard lock(mu);
      if (first_error.ok()) first_error = s.Prefixed("connection " + std::to_string(c));
    });
  }
  for (std::thread& t : threads) t.join();
  if (!first_error.ok()) return first_error;
  HttpPostReport report;
  report.events = accepted.load();
  report.requests = requests.load();
  report.elapsed = std::chrono::steady_clock::now() - start;
  return report;
}

}  // namespace strandq
