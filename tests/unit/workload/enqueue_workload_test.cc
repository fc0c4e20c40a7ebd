// Copyright 2026 The strandq Authors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "strandq/store.h"
#include "strandq/workload.h"

namespace strandq {
namespace {

std::vector<WorkloadEvent> Workload(size_t events) {
  std::vector<WorkloadEvent> out;
  for (size_t i = 0; i < events; ++i) out.push_back({"a" + std::to_string(i % 3), i / 3 + 1, "p"});
  return out;
}

TEST(EnqueueWorkloadTest, EnqueuesEverythingInBatches) {
  auto store = NewMemoryStore(EngineOptions{});
  ASSERT_TRUE(EnqueueWorkload(*store, Workload(25), 4).ok());
  EXPECT_EQ(store->Stats()->enqueued, 25u);
}

// A bad event anywhere is reported, counting from 1, before the first batch is sent.
TEST(EnqueueWorkloadTest, ABadEventIsRefusedBeforeAnythingIsSent) {
  for (const bool payload : {true, false}) {
    auto store = NewMemoryStore(EngineOptions{});
    std::vector<WorkloadEvent> events = Workload(20);
    if (payload) {
      events[12].payload = std::string(65, 'x');
    } else {
      events[12].account = "no spaces";
    }
    Status s = EnqueueWorkload(*store, events, 1, /*max_payload_bytes=*/64);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.code(), payload ? Status::Code::kTooLarge : Status::Code::kInvalidArgument);
    EXPECT_EQ(s.message().rfind("event 13 of the workload: ", 0), 0u) << s.message();
    EXPECT_EQ(store->Stats()->enqueued, 0u) << s.message();
  }
}

}  // namespace
}  // namespace strandq
