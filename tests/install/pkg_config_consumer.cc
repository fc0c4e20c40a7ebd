// Copyright 2026 The strandq Authors.
// A program built against an installed strandq with nothing but pkg-config:
//   c++ -std=c++20 pkg_config_consumer.cc $(pkg-config --cflags --libs strandq)
// Stores three events in a new sqlite: database (PATH, its argument) and prints the version
// and the count. Exit 0 if the store counted three, 1 otherwise.

#include <cstdio>
#include <string>
#include <vector>

#include "strandq/store.h"
#include "strandq/version.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DATABASE_PATH\n", argv[0]);
    return 2;
  }
  auto store = strandq::OpenStore(std::string("sqlite:") + argv[1], strandq::EngineOptions{});
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  const std::vector<strandq::NewEvent> batch = {{"a", "1"}, {"a", "2"}, {"b", "1"}};
  auto receipts = (*store)->Enqueue(batch);
  auto stats = (*store)->Stats();
  if (!receipts.ok() || !stats.ok() || stats->enqueued != 3) {
    std::fprintf(stderr, "the store did not count three events\n");
    return 1;
  }
  std::printf("strandq %s: %llu events stored\n", std::string(strandq::kVersion).c_str(),
              static_cast<unsigned long long>(stats->enqueued));
  return 0;
}
