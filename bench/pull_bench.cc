// Copyright 2026 The strandq Authors.
// No-op pull clients against a running `strandq serve` (bench/pull.sh starts it and fills it):
// CLIENTS threads, each on one keep-alive connection, lease BATCH events per request and ack
// them all, until the server has no more. Rounds: with --separate, POST /v1/leases then POST
// /v1/leases/settle (two requests per batch); by default one POST /v1/leases whose "settle"
// acks the previous batch. Prints "events/s: N" (settled events over the time from the first
// request to the last answer) and "settled: N".
// Usage: pull_bench HOST PORT [CLIENTS=4] [BATCH=100] [--separate]

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/client_connection.h"

namespace {

using strandq::http::ClientConnection;
using verb = boost::beast::http::verb;

// The "lease" strings of a /v1/leases answer, in order. Lease tokens are base64url: no escapes,
// so a scan finds them without a JSON parser (the client must not be what is measured).
std::vector<std::string_view> Leases(std::string_view body) {
  std::vector<std::string_view> out;
  constexpr std::string_view kKey = "\"lease\":\"";
  for (size_t at = body.find(kKey); at != std::string_view::npos; at = body.find(kKey, at)) {
    at += kKey.size();
    const size_t end = body.find('"', at);
    out.push_back(body.substr(at, end - at));
    at = end;
  }
  return out;
}

std::string Acks(const std::vector<std::string_view>& leases) {
  std::string out = "[";
  for (std::string_view lease : leases) {
    if (out.size() > 1) out += ',';
    out += "{\"lease\":\"";
    out += lease;
    out += "\",\"outcome\":\"ack\"}";
  }
  return out + "]";
}

struct Totals {
  std::atomic<uint64_t> settled{0};
  std::atomic<bool> failed{false};
};

void Client(const std::string& host, uint16_t port, int batch, bool separate, Totals& totals) {
  auto conn = ClientConnection::Connect(host, port, std::chrono::seconds(30));
  if (!conn.ok()) {
    std::fprintf(stderr, "pull_bench: %s\n", conn.status().ToString().c_str());
    totals.failed = true;
    return;
  }
  const std::string max = "{\"max\":" + std::to_string(batch);
  std::string previous;  // the last batch's acks, for the next combined request
  std::vector<std::string_view> leases;
  for (;;) {
    std::string body = max;
    if (!separate && !leases.empty()) body += ",\"settle\":" + Acks(leases);
    auto res = (*conn)->Request(verb::post, "/v1/leases", body + "}", "application/json");
    if (!res.ok() || res->status != 200) {
      std::fprintf(stderr, "pull_bench: lease: %s\n",
                   res.ok() ? res->body.c_str() : res.status().ToString().c_str());
      totals.failed = true;
      return;
    }
    if (!separate) totals.settled += leases.size();
    previous = std::move(res->body);
    leases = Leases(previous);
    if (leases.empty()) return;
    if (separate) {
      auto settled =
          (*conn)->Request(verb::post, "/v1/leases/settle", Acks(leases), "application/json");
      if (!settled.ok() || settled->status != 200) {
        totals.failed = true;
        return;
      }
      totals.settled += leases.size();
      leases.clear();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: pull_bench HOST PORT [CLIENTS=4] [BATCH=100] [--separate]\n");
    return 2;
  }
  const std::string host = argv[1];
  const auto port = static_cast<uint16_t>(std::atoi(argv[2]));
  const int clients = argc > 3 ? std::atoi(argv[3]) : 4;
  const int batch = argc > 4 ? std::atoi(argv[4]) : 100;
  const bool separate = argc > 5 && std::string_view(argv[5]) == "--separate";
  Totals totals;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < clients; ++i) {
    threads.emplace_back([&] { Client(host, port, batch, separate, totals); });
  }
  for (std::thread& t : threads) t.join();
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("settled: %llu\nevents/s: %.0f\n",
              static_cast<unsigned long long>(totals.settled.load()), totals.settled / secs);
  return totals.failed ? 1 : 0;
}
