// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_state.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>

namespace strandq {
namespace {

std::string Pack(std::initializer_list<double> numbers, std::string_view text) {
  std::string out;
  for (double n : numbers) {
    const auto bits = std::bit_cast<uint64_t>(n);
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
  }
  return out + std::string(text);
}

TEST(RedisStateTest, DecodesEveryNamedNumberAndTheDisposition) {
  auto state = DecodeRedisState(Pack({7, 2, 41, 1.5e15, 0, 1, 6, 40, 3, 1, 5, 1, 39}, "acked"));
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->Get("token"), 7);
  EXPECT_EQ(state->Get("attempts"), 2);
  EXPECT_EQ(state->Get("leased_id"), 41);
  EXPECT_EQ(state->Get("deadline_us"), 1.5e15);
  EXPECT_EQ(state->Get("delayed_until_us"), 0);
  EXPECT_EQ(state->Get("parked"), 1);
  EXPECT_EQ(state->Get("settled_token"), 6);
  EXPECT_EQ(state->Get("settled_id"), 40);
  EXPECT_EQ(state->Get("length"), 3);
  EXPECT_EQ(state->Get("paused"), 1);
  EXPECT_EQ(state->Get("holder"), 5);
  EXPECT_EQ(state->Get("errored"), 1);
  EXPECT_EQ(state->Get("head_id"), 39);
  EXPECT_EQ(state->disposition, "acked");
  EXPECT_EQ(state->Get("no such field"), 0);
}

TEST(RedisStateTest, RefusesATruncatedState) {
  const std::string whole = Pack({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13}, "");
  for (size_t size : {size_t{0}, size_t{1}, whole.size() - 1}) {
    auto state = DecodeRedisState(std::string_view(whole).substr(0, size));
    EXPECT_FALSE(state.ok()) << size;
  }
  EXPECT_TRUE(DecodeRedisState(whole).ok());
}

TEST(RedisStateTest, TheLuaCodecPacksEveryNumberThenTheText) {
  const std::string lua = RedisStateCodecLua();
  EXPECT_NE(lua.find("'<ddddddddddddd'"), std::string::npos) << lua;
  EXPECT_NE(lua.find("local token, attempts, leased_id, deadline_us, delayed_until_us, parked, "
                     "settled_token, settled_id, length, paused, holder, errored, head_id = "
                     "sunpack(STATE_FORMAT, v)"),
            std::string::npos)
      << lua;
  EXPECT_NE(lua.find("sub(v, 105)"), std::string::npos) << lua;
  EXPECT_NE(lua.find("pack(STATE_FORMAT, s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], "
                     "s[10], s[11], s[12], s[13]) .. s[14]"),
            std::string::npos)
      << lua;
}

TEST(RedisStateTest, FieldNamesBecomePositions) {
  EXPECT_EQ(RedisStateFieldsAsIndexes("s.token = s.token + 1"), "s[1] = s[1] + 1");
  EXPECT_EQ(RedisStateFieldsAsIndexes("load(a).length, states[a].disposition"),
            "load(a)[9], states[a][14]");
  EXPECT_EQ(RedisStateFieldsAsIndexes("s.settled_token, s.settled_id = t, i"), "s[7], s[8] = t, i");
}

TEST(RedisStateTest, LeavesEverythingElseAlone) {
  for (std::string_view lua :
       {"string.format", "totals.enqueued", "P .. ':ready'", "x = 1.5", "s.tokens", "s.token_",
        "s..token", ".token", "s. token", "a = s.", ""}) {
    EXPECT_EQ(RedisStateFieldsAsIndexes(lua), lua);
  }
}

}  // namespace
}  // namespace strandq
