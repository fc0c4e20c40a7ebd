// Copyright 2026 The strandq Authors.
#include "core/idempotency_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace strandq {
namespace {

IdempotencyEntry Entry(std::string key, int64_t expires, uint64_t first_id = 1) {
  return {
      std::move(key), "f-" + std::to_string(first_id), {{first_id, 1}, {first_id + 1, 2}}, expires};
}

TEST(IdempotencyTableTest, AnEntryIsLiveUntilItsExpiryExclusive) {
  IdempotencyTable table;
  EXPECT_EQ(table.Find("k", 0), nullptr);
  const IdempotencyEntry& recorded = table.Record(Entry("k", 100, 7));
  EXPECT_EQ(recorded.receipts.size(), 2u);
  const IdempotencyEntry* found = table.Find("k", 99);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->fingerprint, "f-7");
  EXPECT_EQ(found->receipts, (std::vector<EnqueueReceipt>{{7, 1}, {8, 2}}));
  // Expired, whether or not Expire has run: as if never recorded.
  EXPECT_EQ(table.Find("k", 100), nullptr);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.Find("other", 50), nullptr);
}

TEST(IdempotencyTableTest, ExpireRemovesWhatCameDueInAnyOrderOfRecording) {
  IdempotencyTable table;
  // Restored out of order, as a store reading its keys back might.
  table.Record(Entry("late", 300));
  table.Record(Entry("early", 100));
  table.Record(Entry("middle", 200));
  EXPECT_TRUE(table.Expire(99).empty());
  EXPECT_EQ(table.Expire(100), std::vector<std::string>{"early"});
  EXPECT_EQ(table.size(), 2u);
  std::vector<std::string> gone = table.Expire(1000);
  std::sort(gone.begin(), gone.end());
  EXPECT_EQ(gone, (std::vector<std::string>{"late", "middle"}));
  EXPECT_EQ(table.size(), 0u);
  EXPECT_TRUE(table.Expire(2000).empty());
}

TEST(IdempotencyTableTest, ARecordedAgainKeyKeepsItsNewExpiry) {
  IdempotencyTable table;
  table.Record(Entry("k", 100, 1));
  table.Record(Entry("k", 500, 9));  // the key expired and was used again
  EXPECT_EQ(table.size(), 1u);
  EXPECT_TRUE(table.Expire(100).empty()) << "the old expiry must not remove the new entry";
  const IdempotencyEntry* found = table.Find("k", 499);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->receipts[0].id, 9u);
  EXPECT_EQ(table.Expire(500), std::vector<std::string>{"k"});
}

TEST(IdempotencyTableTest, ForEachListsEveryEntryHeld) {
  IdempotencyTable table;
  table.Record(Entry("a", 100));
  table.Record(Entry("b", 200));
  std::vector<std::string> keys;
  table.ForEach([&](const IdempotencyEntry& e) { keys.push_back(e.key); });
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b"}));
}

TEST(IdempotencyTableTest, KeyReusedNamesTheKey) {
  Status s = IdempotencyKeyReused("run-1:7");
  EXPECT_EQ(s.code(), Status::Code::kKeyReused);
  EXPECT_NE(s.message().find("'run-1:7'"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace strandq
