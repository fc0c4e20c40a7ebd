// Copyright 2026 The strandq Authors.
// Memory per queued event: RSS growth / events after enqueueing N events with P-byte payloads
// over A accounts into the embedded store, beside the same payloads held as a bare
// std::vector<std::string> in the same process (the baseline: what the payloads alone cost).
//
// Usage: memory_bench [--events N] [--accounts A] [--payload P]
// Prints tab-separated: bytes/event in the store, bytes/event of the baseline, and the
// store's overhead beyond the payload bytes.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "strandq/store.h"
#include "util/random.h"

namespace {

size_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages_total = 0, pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

std::string Payload(strandq::Random& random, size_t bytes) {
  std::string p(bytes, ' ');
  for (char& c : p) c = static_cast<char>('a' + random.Uniform(26));
  return p;
}

}  // namespace

int main(int argc, char** argv) {
  size_t events = 10'000'000, accounts = 10'000, payload = 64;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const size_t value = std::strtoull(argv[i + 1], nullptr, 10);
    if (flag == "--events")
      events = value;
    else if (flag == "--accounts")
      accounts = value;
    else if (flag == "--payload")
      payload = value;
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  strandq::Random random(1);
  std::vector<std::string> names;
  for (size_t a = 0; a < accounts; ++a) names.push_back("acct-" + std::to_string(a));

  // Baseline: the payloads alone, in a child so that its freed memory cannot be reused by
  // the store's measurement below.
  std::fflush(stdout);
  if (pid_t child = fork(); child == 0) {
    const size_t start = RssBytes();
    std::vector<std::string> payloads;
    payloads.reserve(events);
    for (size_t i = 0; i < events; ++i) payloads.push_back(Payload(random, payload));
    std::printf("baseline_bytes_per_event\t%.1f\n",
                static_cast<double>(RssBytes() - start) / events);
    std::fflush(stdout);
    _exit(0);
  } else {
    waitpid(child, nullptr, 0);
  }

  auto store = strandq::NewMemoryStore({});
  const size_t before = RssBytes();
  constexpr size_t kBatch = 10'000;
  std::vector<strandq::NewEvent> batch;
  for (size_t i = 0; i < events; i += kBatch) {
    batch.clear();
    for (size_t j = i; j < std::min(events, i + kBatch); ++j) {
      batch.push_back({names[random.Uniform(accounts)], Payload(random, payload)});
    }
    if (!store->Enqueue(batch).ok()) return 1;
  }
  const size_t after = RssBytes();
  const double per_event = static_cast<double>(after - before) / events;
  std::printf("store_bytes_per_event\t%.1f\n", per_event);
  std::printf("payload_bytes\t%zu\n", payload);
  std::printf("overhead_beyond_payload\t%.1f\n", per_event - static_cast<double>(payload));
  std::printf("pending\t%llu\n", static_cast<unsigned long long>(store->Stats()->pending));
  return 0;
}
