// Copyright 2026 The strandq Authors.
#include "backend/redis/lua_chunk.h"

#include <gtest/gtest.h>

namespace strandq {
namespace {

LuaChunk ThreePieces() {
  LuaChunk chunk;
  chunk.Append("header", "#!lua name=x\n");
  chunk.Append("call.lua", "local a\nlocal b\nlocal c\n");
  chunk.Append("claim.lua", "return 1");  // no final newline: one is added
  return chunk;
}

TEST(LuaChunkTest, LocatesEveryLineInItsPiece) {
  const LuaChunk chunk = ThreePieces();
  EXPECT_EQ(chunk.text(), "#!lua name=x\nlocal a\nlocal b\nlocal c\nreturn 1\n");
  EXPECT_EQ(chunk.Locate(1), "header:1");
  EXPECT_EQ(chunk.Locate(2), "call.lua:1");
  EXPECT_EQ(chunk.Locate(4), "call.lua:3");
  EXPECT_EQ(chunk.Locate(5), "claim.lua:1");
  EXPECT_EQ(chunk.Locate(6), "line 6");
  EXPECT_EQ(chunk.Locate(0), "line 0");
}

TEST(LuaChunkTest, ExplainsTheLinesRedisNames) {
  const LuaChunk chunk = ThreePieces();
  EXPECT_EQ(chunk.Explain("ERR user_function:3: attempt to compare nil with number script: "
                          "f, on @user_function:3."),
            "ERR user_function:3 (call.lua:2): attempt to compare nil with number script: f, "
            "on @user_function:3 (call.lua:2).");
  EXPECT_EQ(chunk.Explain("ERR user_script:5: boom"), "ERR user_script:5 (claim.lua:1): boom");
}

TEST(LuaChunkTest, LeavesOtherTextAlone) {
  const LuaChunk chunk = ThreePieces();
  EXPECT_EQ(chunk.Explain(""), "");
  EXPECT_EQ(chunk.Explain("ERR Wrong number of args"), "ERR Wrong number of args");
  EXPECT_EQ(chunk.Explain("user_script:"), "user_script:");
  EXPECT_EQ(chunk.Explain("user_script:x user_function:99999999999999999999"),
            "user_script:x user_function:99999999999999999999");
}

}  // namespace
}  // namespace strandq
