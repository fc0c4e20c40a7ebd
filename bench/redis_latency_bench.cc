// Copyright 2026 The strandq Authors.
// Claim latency: the time from just before Store::Enqueue of one event to the moment a claimer,
// idle and blocked in Store::Claim (as a WorkerPool's claimer is), gets its lease. Same process,
// steady clock. A producer enqueues single events at a fixed interval (default one every 2 ms,
// so the claimers are idle again before the next one); each event goes to a new account.
// Measured for the Redis store and, in the same run and interleaved with it, for mem: (the
// baseline). Beside it: the duration of the Enqueue call and of a bare PING round trip.
//
// Usage: redis_latency_bench [--redis URL] [--samples N] [--interval-us U] [--claimers C,...]
//                            [--repeat R] [--stores mem,redis]
// Without --redis it starts a private redis-server on a free 127.0.0.1 port (as the tests do)
// and stops it when done. Prints a markdown table: per store and claimer count, the median over
// R runs of each percentile, and the p99 of every run.
// `redis_latency_bench --print-library` prints the function library of every step;
// `redis_latency_bench --print-script NAME` prints the store's Lua script NAME (claim,
// complete, ...) and exits: bench/redis.sh loads it to measure the server's ceiling for it.

#include <hiredis/hiredis.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "backend/redis/redis_scripts.h"
#include "strandq/store.h"
#include "testutil/redis_server.h"

namespace {

using SteadyClock = std::chrono::steady_clock;
using std::chrono::microseconds;
using std::chrono::nanoseconds;

int64_t NowNs() {
  return std::chrono::duration_cast<nanoseconds>(SteadyClock::now().time_since_epoch()).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "redis_latency_bench: %s\n", what.c_str());
  std::exit(1);
}

// The pid of the redis-server this program started, killed if the program is interrupted.
volatile sig_atomic_t g_server_pid = -1;

void OnSignal(int signo) {
  if (g_server_pid > 0) kill(g_server_pid, SIGKILL);
  _exit(128 + signo);
}

// The q-quantile (0 < q <= 1) of sorted values, nearest rank.
double Quantile(const std::vector<int64_t>& sorted, double q) {
  size_t rank = static_cast<size_t>(q * static_cast<double>(sorted.size()) + 0.999999);
  rank = std::clamp<size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One run's figures, in microseconds.
struct RunFigures {
  double p50 = 0, p90 = 0, p99 = 0, max = 0;
  double enqueue_p50 = 0;  // the Enqueue call itself
  // Redis only: server calls per event (INFO commandstats, before and after the run).
  double steps_per_event = 0, blmove_per_event = 0;
};

struct Settings {
  size_t samples = 3000;
  microseconds interval{2000};
  size_t warmup = 100;  // events sent first and not counted
};

RunFigures Measure(strandq::Store& store, size_t claimers, const Settings& settings,
                   const std::string& account_prefix) {
  const size_t total = settings.warmup + settings.samples;
  std::vector<std::atomic<int64_t>> sent(total);
  std::vector<int64_t> latency(total, -1);  // each index is written by the one claimer of it
  std::atomic<size_t> received{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> threads;
  std::stop_source stop;  // ends the claimers' blocked claims at the end
  for (size_t c = 0; c < claimers; ++c) {
    threads.emplace_back([&] {
      for (;;) {
        auto claimed = store.Claim(1, std::chrono::seconds(1), stop.get_token());
        const int64_t got_ns = NowNs();
        if (!claimed.ok()) {
          std::fprintf(stderr, "claim: %s\n", claimed.status().ToString().c_str());
          failed = true;
          return;
        }
        if (claimed->empty()) {
          if (received.load() >= total || failed.load()) return;
          continue;
        }
        for (const strandq::Lease& lease : *claimed) {
          const size_t index = std::strtoull(lease.event.payload.c_str(), nullptr, 10);
          if (index >= total) Die("unexpected payload " + lease.event.payload);
          latency[index] = got_ns - sent[index].load(std::memory_order_acquire);
          auto done = store.Complete(lease, strandq::Outcome::Ack(), strandq::ClaimNext::kNo);
          if (!done.ok()) Die("complete: " + done.status().ToString());
          received.fetch_add(1);
        }
      }
    });
  }
  // Let every claimer reach its blocking wait before the first event.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::vector<int64_t> enqueue_ns;
  enqueue_ns.reserve(settings.samples);
  auto next = SteadyClock::now();
  for (size_t i = 0; i < total && !failed.load(); ++i) {
    next += settings.interval;
    std::this_thread::sleep_until(next);
    const strandq::NewEvent event{account_prefix + std::to_string(i), std::to_string(i)};
    const int64_t start = NowNs();
    sent[i].store(start, std::memory_order_release);
    auto receipt = store.Enqueue({&event, 1});
    if (!receipt.ok()) Die("enqueue: " + receipt.status().ToString());
    if (i >= settings.warmup) enqueue_ns.push_back(NowNs() - start);
  }
  const auto give_up = SteadyClock::now() + std::chrono::seconds(10);
  while (received.load() < total && !failed.load() && SteadyClock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  stop.request_stop();
  for (auto& t : threads) t.join();
  if (failed.load() || received.load() != total) {
    Die("only " + std::to_string(received.load()) + " of " + std::to_string(total) +
        " events were claimed");
  }
  std::vector<int64_t> counted(latency.begin() + static_cast<ptrdiff_t>(settings.warmup),
                               latency.end());
  std::sort(counted.begin(), counted.end());
  std::sort(enqueue_ns.begin(), enqueue_ns.end());
  RunFigures f;
  f.p50 = Quantile(counted, 0.50) / 1e3;
  f.p90 = Quantile(counted, 0.90) / 1e3;
  f.p99 = Quantile(counted, 0.99) / 1e3;
  f.max = static_cast<double>(counted.back()) / 1e3;
  f.enqueue_p50 = Quantile(enqueue_ns, 0.50) / 1e3;
  return f;
}

// Median round trip of a bare PING, in microseconds: the floor of any Redis call here.
double PingMicros(const std::string& host, int port, size_t count) {
  redisContext* c = redisConnect(host.c_str(), port);
  if (c == nullptr || c->err != 0) Die("cannot connect to Redis for PING");
  std::vector<int64_t> rtt;
  for (size_t i = 0; i < count; ++i) {
    const int64_t start = NowNs();
    auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
    rtt.push_back(NowNs() - start);
    if (reply == nullptr) Die("PING failed");
    freeReplyObject(reply);
    std::this_thread::sleep_for(microseconds(200));
  }
  redisFree(c);
  std::sort(rtt.begin(), rtt.end());
  return Quantile(rtt, 0.5) / 1e3;
}

// Calls of `command` so far on the server (INFO commandstats), 0 if it never ran.
uint64_t CommandCalls(const std::string& host, int port, const std::string& command) {
  redisContext* c = redisConnect(host.c_str(), port);
  if (c == nullptr || c->err != 0) Die("cannot connect to Redis for INFO");
  auto* reply = static_cast<redisReply*>(redisCommand(c, "INFO commandstats"));
  if (reply == nullptr || reply->type != REDIS_REPLY_STRING) Die("INFO commandstats failed");
  const std::string text(reply->str, reply->len);
  freeReplyObject(reply);
  redisFree(c);
  const std::string key = "cmdstat_" + command + ":calls=";
  const size_t at = text.find(key);
  return at == std::string::npos ? 0 : std::strtoull(text.c_str() + at + key.size(), nullptr, 10);
}

// "redis://host:port..." into host and port (enough for the loopback URLs this bench takes).
void HostPort(const std::string& url, std::string& host, int& port) {
  const std::string scheme = "redis://";
  std::string rest = url.substr(0, scheme.size()) == scheme ? url.substr(scheme.size()) : url;
  if (size_t at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  rest = rest.substr(0, rest.find_first_of("/?"));
  const size_t colon = rest.rfind(':');
  host = rest.substr(0, colon);
  port = colon == std::string::npos ? 6379 : std::atoi(rest.c_str() + colon + 1);
}

std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string Join(const std::vector<double>& values) {
  std::string out;
  char buf[32];
  for (double v : values) {
    std::snprintf(buf, sizeof(buf), "%s%.0f", out.empty() ? "" : " ", v);
    out += buf;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--print-library") {
    const std::string_view source = strandq::RedisLibrarySource();
    std::fwrite(source.data(), 1, source.size(), stdout);
    return 0;
  }
  if (argc == 3 && std::string(argv[1]) == "--print-script") {
    for (size_t i = 0; i < strandq::kRedisScriptCount; ++i) {
      const auto script = static_cast<strandq::RedisScript>(i);
      if (strandq::RedisScriptName(script) != argv[2]) continue;
      const std::string_view source = strandq::RedisScriptSource(script);
      std::fwrite(source.data(), 1, source.size(), stdout);
      return 0;
    }
    std::fprintf(stderr, "no script named %s\n", argv[2]);
    return 2;
  }
  std::string redis_url;
  Settings settings;
  std::vector<std::string> claimer_counts = {"1"};
  std::vector<std::string> stores = {"mem", "redis"};
  size_t repeat = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--redis") {
      redis_url = value;
    } else if (flag == "--samples") {
      settings.samples = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--interval-us") {
      settings.interval = microseconds(std::strtoll(value.c_str(), nullptr, 10));
    } else if (flag == "--claimers") {
      claimer_counts = Split(value);
    } else if (flag == "--repeat") {
      repeat = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--stores") {
      stores = Split(value);
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if ((argc - 1) % 2 != 0 || settings.samples == 0 || repeat == 0) {
    std::fprintf(stderr,
                 "usage: redis_latency_bench [--redis URL] [--samples N] "
                 "[--interval-us U] [--claimers C,...] [--repeat R] [--stores mem,redis]\n");
    return 2;
  }

  std::unique_ptr<strandq::testing::RedisServer> server;
  if (redis_url.empty()) {
    signal(SIGINT, OnSignal);
    signal(SIGTERM, OnSignal);
    server = std::make_unique<strandq::testing::RedisServer>();
    if (!server->ok()) Die(server->Error());
    g_server_pid = server->pid();
    redis_url = server->Url();
  }
  std::string host;
  int port = 0;
  HostPort(redis_url, host, port);
  const std::string separator = redis_url.find('?') == std::string::npos ? "?" : "&";

  std::printf(
      "| store | claimers | p50 µs | p90 µs | p99 µs | max µs | Enqueue call p50 µs | step calls "
      "/ event | BLMOVE / event | p99 of each run |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
  for (const std::string& claimers_text : claimer_counts) {
    const size_t claimers = std::strtoull(claimers_text.c_str(), nullptr, 10);
    // Per store: the figures of every run. Stores take turns run by run, so that a noisy
    // moment of the machine does not fall on one store only.
    std::vector<std::vector<RunFigures>> runs(stores.size());
    for (size_t r = 0; r < repeat; ++r) {
      for (size_t s = 0; s < stores.size(); ++s) {
        std::string url = "mem:";
        if (stores[s] == "redis") {
          url = redis_url + separator + "prefix=latency-" + std::to_string(getpid()) + "-" +
                claimers_text + "-" + std::to_string(r);
        } else if (stores[s] != "mem") {
          Die("unknown store " + stores[s]);
        }
        auto store = strandq::OpenStore(url, {});
        if (!store.ok()) Die("cannot open " + url + ": " + store.status().ToString());
        const bool redis = stores[s] == "redis";
        // Step calls: FCALL on Redis 7, EVALSHA on 6.2.
        auto step_calls = [&] {
          return CommandCalls(host, port, "evalsha") + CommandCalls(host, port, "fcall");
        };
        const uint64_t steps = redis ? step_calls() : 0;
        const uint64_t blmove = redis ? CommandCalls(host, port, "blmove") : 0;
        RunFigures f = Measure(**store, claimers, settings, "lat-");
        if (redis) {
          const double events = static_cast<double>(settings.warmup + settings.samples);
          f.steps_per_event = static_cast<double>(step_calls() - steps) / events;
          f.blmove_per_event =
              static_cast<double>(CommandCalls(host, port, "blmove") - blmove) / events;
        }
        runs[s].push_back(f);
      }
    }
    for (size_t s = 0; s < stores.size(); ++s) {
      auto median_of = [&](double RunFigures::*field) {
        std::vector<double> v;
        for (const RunFigures& f : runs[s]) v.push_back(f.*field);
        return Median(v);
      };
      std::vector<double> p99s;
      for (const RunFigures& f : runs[s]) p99s.push_back(f.p99);
      const bool redis = stores[s] == "redis";
      // Server calls per event: Redis only.
      char calls[64] = "| | ";
      if (redis) {
        std::snprintf(calls, sizeof(calls), "| %.2f | %.2f ",
                      median_of(&RunFigures::steps_per_event),
                      median_of(&RunFigures::blmove_per_event));
      }
      std::printf("| %s | %zu | %.0f | %.0f | **%.0f** | %.0f | %.0f %s| %s |\n",
                  redis ? "redis://" : "mem:", claimers, median_of(&RunFigures::p50),
                  median_of(&RunFigures::p90), median_of(&RunFigures::p99),
                  median_of(&RunFigures::max), median_of(&RunFigures::enqueue_p50), calls,
                  Join(p99s).c_str());
    }
  }
  std::printf(
      "\n%zu samples per run, one event every %lld µs, medians of %zu runs; "
      "PING round trip p50 %.0f µs\n",
      settings.samples, static_cast<long long>(settings.interval.count()), repeat,
      PingMicros(host, port, 500));
  if (server) {
    server.reset();
    g_server_pid = -1;
  }
  return 0;
}
