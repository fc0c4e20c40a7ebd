// Copyright 2026 The strandq Authors.
// The operator's view of a large store (bench/accounts.sh): how long Store::ListAccounts takes
// with many accounts.
//
//   accounts_bench URL ACCOUNTS [--runs N] [--queries Q]
//       Fills the (new, empty) store at URL with ACCOUNTS accounts of 1 to 4 events each (16-byte
//       payloads, in batches of 1,000 events), leases 1,000 of them and pauses 100, then runs N
//       rounds of Q queries of each kind: ListAccounts(sort=backlog, limit=20), the same by age,
//       the same filtered on paused, and Stats. Prints the time of the first listing after the
//       fill, the fill rate, then per kind the p50 and p99 of each round and their medians over
//       the rounds (milliseconds).
// Tab-separated lines; exit 1 on any store error.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "strandq/store.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

int Fail(const std::string& what) {
  std::fprintf(stderr, "accounts_bench: %s\n", what.c_str());
  return 1;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[values.size() / 2];
}

double Percentile(std::vector<double>& sorted, double p) {
  std::sort(sorted.begin(), sorted.end());
  const auto i = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1));
  return sorted[i];
}

std::string Account(size_t i) { return "acct-" + std::to_string(i); }

// Enqueues 1 to 4 events to each account, interleaved as producers would send them.
bool Fill(strandq::Store& store, size_t accounts) {
  std::vector<strandq::NewEvent> batch;
  const auto flush = [&] {
    if (batch.empty()) return true;
    auto r = store.Enqueue(batch);
    batch.clear();
    if (!r.ok()) std::fprintf(stderr, "accounts_bench: %s\n", r.status().ToString().c_str());
    return r.ok();
  };
  for (size_t round = 0; round < 4; ++round) {
    for (size_t i = 0; i < accounts; ++i) {
      if ((i * 2654435761u) % 4 < round) continue;  // account i gets 4 - (hash % 4) events
      batch.push_back({Account(i), "payload-" + std::to_string(round) + "-0123"});
      if (batch.size() == 1000 && !flush()) return false;
    }
  }
  return flush();
}

struct Kind {
  const char* name;
  std::function<bool(strandq::Store&)> query;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return Fail("usage: accounts_bench URL ACCOUNTS [--runs N] [--queries Q]");
  const std::string url = argv[1];
  const size_t accounts = std::strtoull(argv[2], nullptr, 10);
  size_t runs = 5, queries = 200;
  for (int i = 3; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--runs") runs = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--queries") queries = std::strtoull(argv[i + 1], nullptr, 10);
  }
  strandq::EngineOptions options;
  options.lease_ttl = std::chrono::hours(1);
  auto store = strandq::OpenStore(url, options);
  if (!store.ok()) return Fail(store.status().ToString());
  const auto fill_start = SteadyClock::now();
  if (!Fill(**store, accounts)) return 1;
  const double fill_s = std::chrono::duration<double>(SteadyClock::now() - fill_start).count();
  auto leases = (*store)->Claim(1000, std::chrono::nanoseconds(0));
  if (!leases.ok()) return Fail(leases.status().ToString());
  for (size_t i = 0; i < 100; ++i) {
    if (auto r = (*store)->SetPaused(Account(i * 7919 % accounts), true); !r.ok()) {
      return Fail(r.status().ToString());
    }
  }
  // The first listing after the fill: the embedded stores file every account changed since
  // the last listing or Stats in their listing indexes first.
  const auto first_start = SteadyClock::now();
  strandq::AccountQuery first;
  first.limit = 20;
  if (auto r = (*store)->ListAccounts(first); !r.ok()) return Fail(r.status().ToString());
  const double first_ms =
      std::chrono::duration<double, std::milli>(SteadyClock::now() - first_start).count();
  auto stats = (*store)->Stats();
  if (!stats.ok()) return Fail(stats.status().ToString());
  std::printf("first_list_ms\t%.3f\n", first_ms);
  std::printf("accounts\t%llu\npending\t%llu\nfill_events_per_s\t%.0f\n",
              static_cast<unsigned long long>(stats->accounts),
              static_cast<unsigned long long>(stats->pending),
              static_cast<double>(stats->pending) / fill_s);

  const auto list = [](strandq::AccountQuery query) {
    return [query](strandq::Store& s) {
      auto r = s.ListAccounts(query);
      if (!r.ok()) std::fprintf(stderr, "accounts_bench: %s\n", r.status().ToString().c_str());
      return r.ok() && r->size() == query.limit;
    };
  };
  strandq::AccountQuery backlog, age, paused;
  backlog.limit = age.limit = paused.limit = 20;
  age.sort = strandq::AccountQuery::Sort::kAge;
  paused.state = strandq::AccountState::kPaused;
  const Kind kinds[] = {
      {"list_backlog_20", list(backlog)},
      {"list_age_20", list(age)},
      {"list_paused_20", list(paused)},
      {"stats", [](strandq::Store& s) { return s.Stats().ok(); }},
  };
  std::printf("kind\tround\tp50_ms\tp99_ms\n");
  for (const Kind& kind : kinds) {
    std::vector<double> p50s, p99s;
    for (size_t round = 1; round <= runs; ++round) {
      std::vector<double> ms;
      for (size_t q = 0; q < queries; ++q) {
        const auto start = SteadyClock::now();
        if (!kind.query(**store)) return Fail(std::string(kind.name) + " failed");
        ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
      }
      p50s.push_back(Percentile(ms, 0.5));
      p99s.push_back(Percentile(ms, 0.99));
      std::printf("%s\t%zu\t%.3f\t%.3f\n", kind.name, round, p50s.back(), p99s.back());
    }
    std::printf("%s\tmedian\t%.3f\t%.3f\n", kind.name, Median(p50s), Median(p99s));
  }
  return 0;
}
