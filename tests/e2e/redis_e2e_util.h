// Copyright 2026 The strandq Authors.
// Helpers of the end-to-end tests over redis://: the real binary, a private redis-server.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e/e2e_util.h"
#include "strandq/event_log.h"
#include "strandq/verifier.h"
#include "testutil/redis_server.h"
#include "testutil/subprocess.h"
#include "testutil/temp_dir.h"

namespace strandq {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::ProcessResult;
using testing::RedisServer;
using testing::RunProcess;
using testing::Subprocess;
using testing::TempDir;
using Json = nlohmann::json;

inline std::unique_ptr<Subprocess> StartStrandq(std::vector<std::string> args) {
  args.insert(args.begin(), STRANDQ_BINARY);
  return std::make_unique<Subprocess>(args);
}

// `strandq stats --store URL --json`; a null Json (and a test failure) if it did not work.
inline Json Stats(const std::string& url) {
  ProcessResult r = Strandq({"stats", "--store", url, "--json"}, seconds(30));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  if (r.exit_code != 0) return Json();
  Json parsed = Json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded()) << r.out;
  return parsed.is_discarded() ? Json() : parsed;
}

inline uint64_t Field(const Json& stats, const char* name) {
  return stats.is_object() && stats.contains(name) ? stats[name].get<uint64_t>() : ~uint64_t{0};
}

// Waits for workers[from...] to end by themselves, each with exit code 0.
inline void ExpectFinished(std::vector<std::unique_ptr<Subprocess>>& workers, size_t from = 0) {
  for (size_t i = from; i < workers.size(); ++i) {
    ProcessResult r = workers[i]->Wait(seconds(60));
    EXPECT_EQ(r.exit_code, 0) << "worker " << i << ": " << r.out << r.err;
  }
}

// The stats of a namespace whose `events` were all acked, none pending or dead.
inline Json ExpectAllAcked(const std::string& url, uint64_t events) {
  Json stats = Stats(url);
  EXPECT_EQ(Field(stats, "enqueued"), events) << stats;
  EXPECT_EQ(Field(stats, "acked"), events) << stats;
  EXPECT_EQ(Field(stats, "pending"), 0u) << stats;
  EXPECT_EQ(Field(stats, "dead"), 0u) << stats;
  return stats;
}

// Polls `done` every 20 ms until it holds or `timeout` passed; returns its last value.
inline bool WaitFor(const std::function<bool()>& done, milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

inline size_t LineCount(const std::string& path) {
  const std::string text = testing::ReadFile(path);
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

inline std::vector<AttemptRecord> ReadLogs(const std::vector<std::string>& paths) {
  std::vector<AttemptRecord> all;
  for (const std::string& path : paths) {
    auto records = ReadEventLog(path);
    EXPECT_TRUE(records.ok()) << path << ": " << records.status().ToString();
    if (records.ok()) all.insert(all.end(), records->begin(), records->end());
  }
  return all;
}

// Final lines (not the unconfirmed ones written before a store call) with `outcome`.
inline size_t CountOutcome(const std::vector<AttemptRecord>& records,
                           AttemptRecord::Outcome outcome) {
  return static_cast<size_t>(std::count_if(records.begin(), records.end(), [&](const auto& r) {
    return r.outcome == outcome && !r.unconfirmed;
  }));
}

inline std::string Describe(const VerifyReport& report) {
  std::ostringstream out;
  for (const Violation& v : report.violations) out << v.kind << ": " << v.detail << "\n";
  return out.str();
}

class RedisE2eTest : public ::testing::Test {
 protected:
  // Writes the seed workload to a CSV (so verify can check against it) and enqueues it with
  // `generate --input CSV --to URL`.
  std::string Produce(const std::string& url, int events, int accounts, int seed) {
    const std::string csv = dir_.File("workload-" + std::to_string(seed) + ".csv");
    ProcessResult gen =
        Strandq({"generate", "--to", csv, "--events", std::to_string(events), "--accounts",
                 std::to_string(accounts), "--seed", std::to_string(seed), "--payload-bytes", "8"});
    EXPECT_EQ(gen.exit_code, 0) << gen.err;
    ProcessResult put = Strandq({"generate", "--input", csv, "--to", url});
    EXPECT_EQ(put.exit_code, 0) << put.err;
    EXPECT_TRUE(Contains(put.err, "enqueued " + std::to_string(events) + " events")) << put.err;
    return csv;
  }

  std::vector<std::string> WorkerArgs(const std::string& url, const std::string& id,
                                      const std::string& log, int slots, const std::string& work,
                                      const std::string& lease_ttl) {
    return {"worker",  "--store",   url,
            "--id",    id,          "--log",
            log,       "--workers", std::to_string(slots),
            "--work",  work,        "--lease-ttl",
            lease_ttl, "--threads", "2"};
  }

  TempDir dir_;
};

}  // namespace strandq
