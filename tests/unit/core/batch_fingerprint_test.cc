// Copyright 2026 The strandq Authors.
#include "core/batch_fingerprint.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace strandq {
namespace {

// Stores keep fingerprints (Redis, across restarts and versions): the value is pinned.
TEST(BatchFingerprintTest, IsTheFirstHalfOfSha256AsLowercaseHex) {
  // An empty batch hashes nothing: SHA-256 of the empty input.
  EXPECT_EQ(BatchFingerprint({}), "e3b0c44298fc1c149afbf4c8996fb924");
  // SHA-256 of 01 00 00 00 00 00 00 00 'a' 01 00 00 00 00 00 00 00 'x'.
  EXPECT_EQ(BatchFingerprint(std::vector<NewEvent>{{"a", "x"}}),
            "f86a2af3cc1002b4c16ae6dd3df54fc6");
}

TEST(BatchFingerprintTest, EqualBatchesAgreeAndAnyDifferenceShows) {
  const std::vector<NewEvent> batch = {{"a", "1"}, {"b", "2"}};
  EXPECT_EQ(BatchFingerprint(batch),
            BatchFingerprint(std::vector<NewEvent>{{"a", "1"}, {"b", "2"}}));
  // Each of these differs from `batch` in one way; the length prefixes keep bytes that move
  // between an account and its payload, or between events, from giving the same input.
  const std::vector<std::vector<NewEvent>> others = {
      {{"b", "2"}, {"a", "1"}},                    // order
      {{"a", "1"}, {"b", "3"}},                    // a payload
      {{"a", "1"}, {"c", "2"}},                    // an account
      {{"a", "1"}},                                // an event fewer
      {{"a", "1"}, {"b", "2"}, {"b", "2"}},        // an event more
      {{"a", "1b"}, {"", "2"}},                    // bytes moved across an event's fields
      {{"a", "1"}, {"b2", ""}},                    // ... and within one
      {{"a", "1"}, {"b", std::string("2\0", 2)}},  // a trailing NUL
  };
  std::set<std::string> seen = {BatchFingerprint(batch)};
  for (const auto& other : others) {
    EXPECT_TRUE(seen.insert(BatchFingerprint(other)).second) << other.size();
  }
}

}  // namespace
}  // namespace strandq
