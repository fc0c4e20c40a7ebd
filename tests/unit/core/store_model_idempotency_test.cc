// Copyright 2026 The strandq Authors.
// StoreModel::EnqueueOnce, the rule of idempotent enqueue, at instants the test passes in. Every
// store is held to it by store_differential_test.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/batch_fingerprint.h"
#include "core/store_model.h"

namespace strandq {
namespace {

constexpr int64_t kOnceMs = 1'000'000;

StoreModel Model() {
  EngineOptions options;
  options.idempotency_window = std::chrono::milliseconds(100);
  return StoreModel(options, 1);
}

// The wall clock starts at 1 s; the monotonic one at 0.
ModelTime OnceAt(int64_t ms) { return {ms * kOnceMs, 1000 * kOnceMs + ms * kOnceMs}; }

Result<EnqueueOnceResult> Once(StoreModel& model, std::string_view key,
                               const std::vector<NewEvent>& batch, int64_t ms) {
  std::vector<std::string> payloads;
  for (const NewEvent& e : batch) payloads.push_back(e.payload);
  return model.EnqueueOnce(key, BatchFingerprint(batch), batch, std::move(payloads), OnceAt(ms));
}

const std::vector<NewEvent> kBatch = {{"a", "1"}, {"b", "1"}, {"a", "2"}};

TEST(StoreModelIdempotencyTest, ARepeatIsAnsweredTheFirstReceiptsAndEnqueuesNothing) {
  StoreModel model = Model();
  auto first = Once(model, "k1", kBatch, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->replayed);
  EXPECT_EQ(first->receipts, (std::vector<EnqueueReceipt>{{1, 1}, {2, 1}, {3, 2}}));
  model.Enqueue(std::vector<NewEvent>{{"a", "x"}}, {"x"}, OnceAt(1));  // others go on meanwhile

  auto repeat = Once(model, "k1", kBatch, 99);
  ASSERT_TRUE(repeat.ok());
  EXPECT_TRUE(repeat->replayed);
  EXPECT_EQ(repeat->receipts, first->receipts);
  EXPECT_EQ(model.Stats(OnceAt(99)).enqueued, 4u);
  EXPECT_EQ(model.ListPending().size(), 4u);
}

TEST(StoreModelIdempotencyTest, AKnownKeyWithAnotherBatchIsRefusedAndChangesNothing) {
  StoreModel model = Model();
  ASSERT_TRUE(Once(model, "k1", kBatch, 0).ok());
  for (const std::vector<NewEvent>& other :
       {std::vector<NewEvent>{{"a", "1"}, {"b", "1"}}, std::vector<NewEvent>{{"a", "9"}},
        std::vector<NewEvent>{{"a", "1"}, {"a", "2"}, {"b", "1"}}}) {
    auto refused = Once(model, "k1", other, 10);
    EXPECT_EQ(refused.status().code(), Status::Code::kKeyReused);
  }
  EXPECT_EQ(model.Stats(OnceAt(10)).enqueued, 3u);
  // Another key takes the same batch as a new one.
  auto again = Once(model, "k2", kBatch, 10);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->replayed);
  EXPECT_EQ(again->receipts[0].id, 4u);
}

TEST(StoreModelIdempotencyTest, AfterTheWindowTheKeyIsAsIfNeverUsed) {
  StoreModel model = Model();
  ASSERT_TRUE(Once(model, "k1", kBatch, 0).ok());
  EXPECT_TRUE(Once(model, "k1", kBatch, 99)->replayed);  // within the window
  // At recorded + window the key is forgotten: the same batch is enqueued again, and a
  // different one is no longer a reuse.
  auto later = Once(model, "k1", kBatch, 100);
  ASSERT_TRUE(later.ok());
  EXPECT_FALSE(later->replayed);
  EXPECT_EQ(later->receipts, (std::vector<EnqueueReceipt>{{4, 3}, {5, 2}, {6, 4}}));
  auto other = Once(model, "k2", {{"c", "1"}}, 150);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(model.idempotency().size(), 2u);
  // The window runs on the wall clock, and the step forgets the keys that expired.
  ASSERT_TRUE(Once(model, "k3", {{"c", "2"}}, 250).ok());
  EXPECT_EQ(model.idempotency().size(), 1u);
}

TEST(StoreModelIdempotencyTest, ARestoredEntryIsAnsweredAsIfRecordedHere) {
  StoreModel model = Model();
  model.RestoreIdempotencyEntry(
      {"k1", BatchFingerprint(kBatch), {{10, 1}, {11, 1}, {12, 2}}, OnceAt(50).wall_ns});
  auto repeat = Once(model, "k1", kBatch, 49);
  ASSERT_TRUE(repeat.ok());
  EXPECT_TRUE(repeat->replayed);
  EXPECT_EQ(repeat->receipts[2].id, 12u);
  EXPECT_EQ(Once(model, "k1", {{"z", ""}}, 49).status().code(), Status::Code::kKeyReused);
  EXPECT_FALSE(Once(model, "k1", kBatch, 50)->replayed);
}

TEST(StoreModelIdempotencyTest, AStepAlsoExpiresLeasesFirst) {
  EngineOptions options;
  options.lease_ttl = std::chrono::milliseconds(20);
  StoreModel model(options, 1);
  model.Enqueue(std::vector<NewEvent>{{"a", "x"}}, {"x"}, OnceAt(0));
  ASSERT_EQ(model.Claim(1, OnceAt(0)).size(), 1u);
  ASSERT_TRUE(Once(model, "k", {{"b", "1"}}, 21).ok());
  EXPECT_EQ(model.Stats(OnceAt(21)).expired, 1u);
}

}  // namespace
}  // namespace strandq
