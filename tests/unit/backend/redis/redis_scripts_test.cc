// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_scripts.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "backend/redis/redis_connection.h"
#include "backend/redis/redis_lua_files.h"
#include "backend/redis/redis_state.h"
#include "testutil/redis_server.h"
#include "testutil/subprocess.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using testing::RedisServer;

// The 1-based line of `file` (in lua/) that contains `text`.
int LineOf(std::string_view file, std::string_view text) {
  for (const EmbeddedFile& embedded : RedisLuaFiles()) {
    if (embedded.name != file) continue;
    const size_t at = embedded.text.find(text);
    if (at == std::string_view::npos) return -1;
    return 1 +
           static_cast<int>(std::count(embedded.text.begin(), embedded.text.begin() + at, '\n'));
  }
  return -1;
}

// Redis runs Lua 5.1: the syntax of what it loads is checked with luac5.1.
void ExpectLuacAccepts(const std::string& name, std::string text) {
  testing::TempDir dir;
  if (text.starts_with("#!")) text = "--" + text;  // the library header, not Lua
  testing::WriteFile(dir.File(name), text);
  const auto result = testing::RunProcess({"luac5.1", "-p", dir.File(name)});
  EXPECT_EQ(result.exit_code, 0) << name << ": " << result.out << result.err;
}

TEST(RedisScriptsTest, LuacAcceptsTheLibraryAndEveryScript) {
  ExpectLuacAccepts("library.lua", std::string(RedisLibrarySource()));
  for (size_t i = 0; i < kRedisScriptCount; ++i) {
    const auto script = static_cast<RedisScript>(i);
    ExpectLuacAccepts(std::string(RedisScriptName(script)) + ".lua",
                      std::string(RedisScriptSource(script)));
  }
}

TEST(RedisScriptsTest, EveryStepIsItsOwnFile) {
  for (size_t i = 0; i < kRedisScriptCount; ++i) {
    const auto script = static_cast<RedisScript>(i);
    std::string file(RedisScriptName(script));
    std::replace(file.begin(), file.end(), '-', '_');
    EXPECT_GT(LineOf(file + ".lua", "--"), 0) << file;
  }
}

class RedisScriptsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.ok()) << server_.Error();
    auto url = ParseRedisUrl(server_.Url());
    ASSERT_TRUE(url.ok());
    auto conn = RedisConnection::Open(*url, std::chrono::seconds(5));
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(*conn);
  }

  std::string Error(const std::vector<std::string_view>& command) {
    auto reply = conn_->Command(command);
    EXPECT_TRUE(reply.ok());
    return reply.ok() ? std::string(ReplyError(**reply)) : "";
  }

  RedisServer server_;
  std::unique_ptr<RedisConnection> conn_;
};

TEST_F(RedisScriptsServerTest, AnErrorInAStepNamesItsFileAndLine) {
  // A claim for "x" accounts reaches the comparison `k > 1` of pop_best with k = nil.
  const std::string where = "strand.lua:" + std::to_string(LineOf("strand.lua", "k > 1"));
  ASSERT_EQ(Error({"FUNCTION", "LOAD", RedisLibrarySource()}), "");
  const std::string from_function = Error({"FCALL", RedisFunctionName(RedisScript::kClaim), "1",
                                           "{t}", "longest", "30000000", "3", "skip", "0", "x"});
  ASSERT_NE(from_function, "");
  EXPECT_NE(RedisExplainError(RedisScript::kClaim, true, from_function).find(where),
            std::string::npos)
      << RedisExplainError(RedisScript::kClaim, true, from_function);
  const std::string from_script = Error({"EVAL", RedisScriptSource(RedisScript::kClaim), "1", "{t}",
                                         "longest", "30000000", "3", "skip", "0", "x"});
  ASSERT_NE(from_script, "");
  EXPECT_NE(RedisExplainError(RedisScript::kClaim, false, from_script).find(where),
            std::string::npos)
      << RedisExplainError(RedisScript::kClaim, false, from_script);
}

TEST_F(RedisScriptsServerTest, CppReadsTheStateTheStepsWrite) {
  ASSERT_EQ(Error({"FUNCTION", "LOAD", RedisLibrarySource()}), "");
  ASSERT_EQ(Error({"FCALL", RedisFunctionName(RedisScript::kEnqueue), "1", "{t}", "longest",
                   "30000000", "3", "skip", "0", "acct", "one", "acct", "two"}),
            "");
  ASSERT_EQ(Error({"FCALL", RedisFunctionName(RedisScript::kClaim), "1", "{t}", "longest",
                   "30000000", "3", "skip", "0", "1"}),
            "");
  auto bytes = conn_->Command({"HGET", "{t}:state", "acct"});
  ASSERT_TRUE(bytes.ok());
  ASSERT_EQ((*bytes)->type, REDIS_REPLY_STRING);
  auto state = DecodeRedisState(std::string_view((*bytes)->str, (*bytes)->len));
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->Get("token"), 1);
  EXPECT_EQ(state->Get("attempts"), 1);
  EXPECT_EQ(state->Get("leased_id"), 1);
  EXPECT_GT(state->Get("deadline_us"), 0);
  EXPECT_EQ(state->Get("length"), 2);
  EXPECT_EQ(state->Get("parked"), 0);
  EXPECT_EQ(state->disposition, "-");
}

}  // namespace
}  // namespace strandq
