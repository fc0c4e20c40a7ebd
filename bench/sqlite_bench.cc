// Copyright 2026 The strandq Authors.
// Measures for bench/sqlite.sh, one per invocation (a fresh process each, so that RSS is its own):
//
//   sqlite_bench version
//       Prints the SQLite library's version.
//   sqlite_bench fsync DIR SECONDS
//       write(4 KiB) + fdatasync in a loop on a file in DIR (the database's directory), for
//       SECONDS: the disk's fsync rate, the physical limit of one commit each under sync=full.
//       Prints: fsyncs_per_s.
//   sqlite_bench fill URL EVENTS ACCOUNTS PAYLOAD_BYTES
//       Enqueues EVENTS events (PAYLOAD_BYTES random bytes each) over ACCOUNTS accounts into the
//       store at URL in batches of 1,000, then closes it. Prints: events_per_s, the RSS growth
//       while the events were pending (MB), close_s.
//   sqlite_bench reopen URL
//       Opens the store at URL (rebuilding its state) and reads its stats. Prints: open_s,
//       pending, rss_mb (the process after opening).
// Tab-separated "name<TAB>value" lines; exit 1 on any store error.

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "strandq/store.h"
#include "util/random.h"

namespace {

using SteadyClock = std::chrono::steady_clock;

double Since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

double RssMb() {
  std::ifstream statm("/proc/self/statm");
  size_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident * static_cast<size_t>(sysconf(_SC_PAGESIZE))) / 1e6;
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "sqlite_bench: %s\n", what.c_str());
  return 1;
}

int Fsync(const std::string& dir, double seconds) {
  const std::string path = dir + "/sqlite_bench.fsync";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return Fail("cannot create " + path);
  std::vector<char> page(4096, 'x');
  const auto start = SteadyClock::now();
  size_t n = 0;
  while (Since(start) < seconds) {
    if (::pwrite(fd, page.data(), page.size(), 0) != static_cast<ssize_t>(page.size()) ||
        ::fdatasync(fd) != 0) {
      ::close(fd);
      ::unlink(path.c_str());
      return Fail("write/fdatasync failed on " + path);
    }
    ++n;
  }
  const double elapsed = Since(start);
  ::close(fd);
  ::unlink(path.c_str());
  std::printf("fsyncs_per_s\t%.0f\n", static_cast<double>(n) / elapsed);
  return 0;
}

int Fill(const std::string& url, size_t events, size_t accounts, size_t payload_bytes) {
  strandq::Random random(1);
  std::vector<std::string> names;
  for (size_t a = 0; a < accounts; ++a) names.push_back("acct-" + std::to_string(a));
  constexpr size_t kBatch = 1000;
  std::vector<strandq::NewEvent> batch(kBatch);
  for (auto& event : batch) event.payload.assign(payload_bytes, ' ');
  auto store = strandq::OpenStore(url, {});
  if (!store.ok()) return Fail(store.status().ToString());
  const double rss_before = RssMb();
  const auto start = SteadyClock::now();
  for (size_t done = 0; done < events; done += kBatch) {
    const size_t n = std::min(kBatch, events - done);
    for (size_t i = 0; i < n; ++i) {
      batch[i].account = names[random.Uniform(accounts)];
      for (char& c : batch[i].payload) c = static_cast<char>('a' + random.Uniform(26));
    }
    auto receipts = (*store)->Enqueue(std::span(batch.data(), n));
    if (!receipts.ok()) return Fail(receipts.status().ToString());
  }
  const double elapsed = Since(start);
  const double rss_growth = RssMb() - rss_before;
  const auto closing = SteadyClock::now();
  store->reset();
  std::printf("events_per_s\t%.0f\nrss_growth_mb\t%.1f\nclose_s\t%.3f\n",
              static_cast<double>(events) / elapsed, rss_growth, Since(closing));
  return 0;
}

int Reopen(const std::string& url) {
  const auto start = SteadyClock::now();
  auto store = strandq::OpenStore(url, {});
  if (!store.ok()) return Fail(store.status().ToString());
  auto stats = (*store)->Stats();
  if (!stats.ok()) return Fail(stats.status().ToString());
  const double elapsed = Since(start);
  std::printf("open_s\t%.3f\npending\t%llu\nrss_mb\t%.1f\n", elapsed,
              static_cast<unsigned long long>(stats->pending), RssMb());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "fsync")
    return Fsync(args[1], std::strtod(args[2].c_str(), nullptr));
  if (args.size() == 5 && args[0] == "fill") {
    return Fill(args[1], std::strtoull(args[2].c_str(), nullptr, 10),
                std::strtoull(args[3].c_str(), nullptr, 10),
                std::strtoull(args[4].c_str(), nullptr, 10));
  }
  if (args.size() == 1 && args[0] == "version") {
    std::printf("%s\n", sqlite3_libversion());
    return 0;
  }
  if (args.size() == 2 && args[0] == "reopen") return Reopen(args[1]);
  std::fprintf(
      stderr,
      "usage: sqlite_bench version | fsync DIR SECONDS | fill URL EVENTS ACCOUNTS PAYLOAD_BYTES | "
      "reopen URL\n");
  return 2;
}
