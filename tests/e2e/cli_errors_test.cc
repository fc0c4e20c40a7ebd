// Copyright 2026 The strandq Authors.
// Bad input to the real binary: a clear one-line error, exit code 2, nothing processed.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "e2e/e2e_util.h"
#include "testutil/subprocess.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using testing::ProcessResult;
using testing::RunProcess;
using testing::TempDir;
using testing::WriteFile;

struct BadCase {
  std::vector<std::string> args;
  std::string expected;  // a piece of the error message
};

class CliErrorsTest : public ::testing::Test {
 protected:
  ProcessResult Strandq(std::vector<std::string> args) {
    return RunStrandq(std::move(args), std::chrono::seconds(30));
  }
  // Runs the case and checks that it failed as bad usage; returns what it printed.
  ProcessResult ExpectUsageError(const BadCase& c) {
    std::vector<std::string> args = c.args;
    const std::string log = dir_.File("never.jsonl");
    std::filesystem::remove(log);
    if (!args.empty() && args[0] == "run") {
      args.push_back("--log");
      args.push_back(log);
    }
    ProcessResult r = Strandq(args);
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
    EXPECT_EQ(r.err.rfind("strandq: error: ", 0), 0u) << joined << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << "\n" << r.err;
    EXPECT_NE(r.err.find(c.expected), std::string::npos) << joined << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << joined << "\n" << r.out;
    EXPECT_FALSE(std::filesystem::exists(log)) << joined << ": processing started";
    return r;
  }
  TempDir dir_;
};

TEST_F(CliErrorsTest, BadFlags) {
  const std::vector<BadCase> cases = {
      {{"run", "--bogus"}, "--bogus"},
      {{"run", "--workers", "0"}, "--workers must be at least 1"},
      {{"run", "--workers", "2000000"}, "--workers must be at least 1"},
      {{"run", "--workers", "-3"}, "--workers"},
      {{"run", "--workers", "many"}, "--workers"},
      {{"run", "--work", "sleep:abc"}, "bad duration 'abc'"},
      {{"run", "--work", "teleport"}, "unknown handler"},
      {{"run", "--work", "https://h.example/e"}, "https:// is not supported"},
      {{"run", "--work", "http://h.example:0/e"}, "--work: URL 'http://h.example:0/e': bad port"},
      {{"worker", "--work", "http://h/e", "--fail-rate", "0.1"}, "not http:"},
      {{"run", "--policy", "fastest"}, "--policy must be longest or oldest"},
      {{"run", "--on-dead", "explode"}, "--on-dead must be skip or park"},
      {{"run", "--lease-ttl", "10"}, "--lease-ttl"},
      {{"run", "--lease-ttl", "0"}, "--lease-ttl must be at least 1ms"},
      {{"run", "--retry-backoff", "soon"}, "--retry-backoff"},
      {{"run", "--max-attempts", "0"}, "--max-attempts: must be a whole number from 1 to"},
      {{"run", "--batch", "5-2"}, "--batch"},
      {{"run", "--batch", "0-3"}, "--batch"},
      {{"run", "--events", "0"}, "--events: must be a whole number from 1 to"},
      {{"run", "--events", "-5"}, "--events"},
      {{"run", "--payload-bytes", "99999999"}, "--payload-bytes"},
      {{"run", "--threads", "100000"}, "--threads"},
      {{"run", "--fail-rate", "2"}, "--fail-rate"},
      {{"run", "--store", "postgres://x"}, "unknown store URL"},
      {{"run", "--input", "/nonexistent/w.csv"}, "/nonexistent/w.csv"},
      {{"verify"}, "strandq verify needs the event logs"},
      {{"verify", "/nonexistent/log.jsonl"}, "/nonexistent/log.jsonl"},
      {{"generate"}, "--to"},
      {{"generate", "--to", "redis:127.0.0.1:6379"}, "did you mean redis://127.0.0.1:6379?"},
      {{"generate", "--to", "https://127.0.0.1:8080"}, "use http://"},
      {{"generate", "--to", "postgres://db/x"}, "redis://HOST:PORT"},
      {{"generate", "--to", "redis:/127.0.0.1"}, "did you mean redis://127.0.0.1?"},
      {{"generate", "--to", "mem:"}, "would vanish"},
      {{"generate", "--to", "-", "--input", "w.csv", "--events", "5"}, "--input"},
      {{"run", "--input", "w.csv", "--seed", "5"}, "either --input or"},
      {{"stats"}, "strandq stats needs --store redis://"},
      {{"stats", "--store", "mem:"}, "nothing in it"},
      {{"dlq", "list"}, "strandq dlq needs --store redis://"},
      {{"dlq", "purge", "--all"}, "strandq dlq needs --store"},
      {{"drop"}, "strandq drop needs --store redis://"},
      {{"drop", "--store", "mem:", "--yes"}, "lives only as long as the process"},
      {{"frobnicate"}, "frobnicate"},
      {{}, "strandq needs a command: run, verify, report, generate"},
      {{"dlq", "--store", "redis://127.0.0.1:1"}, "strandq dlq needs a command: list, replay"},
      {{"worker", "--workers"}, "--workers needs a value"},
      {{"stats", "--json=maybe"}, "--json is a flag: give it without a value"},
  };
  for (const BadCase& c : cases) ExpectUsageError(c);
}

// Every numeric flag, with values CLI11 would describe in its own words ("Value -1 not in range
// 0 to 1.79769e+308", "Could not convert"): the message names the flag as typed and the rule
// in plain words.
TEST_F(CliErrorsTest, NumericFlagsSayWhatTheyAccept) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> flags = {
      {{"run", "--workers"}, "a whole number"},
      {{"run", "--threads"}, "a whole number from 0 to 256"},
      {{"run", "--store-threads"}, "a whole number from 0 to 256"},
      {{"run", "--lookahead"}, "a whole number from 0 to 1000000"},
      {{"run", "--fail-rate"}, "a number from 0 to 1"},
      {{"run", "--max-attempts"}, "a whole number from 1 to 1000000"},
      {{"run", "--events"}, "a whole number from 1 to 100000000"},
      {{"run", "--accounts"}, "a whole number from 1 to 100000000"},
      {{"run", "--seed"}, "a whole number"},
      {{"run", "--payload-bytes"}, "a whole number from 0 to 1048576"},
      {{"worker", "--workers"}, "a whole number"},
      {{"worker", "--max-attempts"}, "a whole number from 1 to 1000000"},
      {{"serve", "--max-body"}, "a whole number from 1 to 4294967296"},
      {{"serve", "--max-connections"}, "a whole number from 1 to 1000000"},
      {{"serve", "--http-threads"}, "a whole number from 0 to 256"},
      {{"generate", "--to", "-", "--batch-size"}, "a whole number from 1 to 100000"},
      {{"generate", "--to", "-", "--concurrency"}, "a whole number from 1 to 1024"},
      {{"verify", "x.jsonl", "--workers"}, "a whole number"},
      {{"dlq", "list", "--limit"}, "a whole number of at least 1"},
      {{"dlq", "purge", "--id"}, "a whole number of at least 1"},
  };
  for (const auto& [args, rule] : flags) {
    for (const std::string value : {"-1", "many", "1.5", "99999999999999999999999"}) {
      if (rule.find("a number from") == 0 && value == "1.5") continue;  // not a whole number
      std::vector<std::string> full = args;
      full.push_back(value);
      const std::string& flag = args.back();
      ProcessResult r =
          ExpectUsageError({full, flag + ": must be " + rule + ", not '" + value + "'"});
      EXPECT_EQ(r.err.find("e+308"), std::string::npos) << r.err;
      EXPECT_EQ(r.err.find("0.000000"), std::string::npos) << r.err;
      EXPECT_EQ(r.err.find("convert"), std::string::npos) << r.err;
    }
  }
}

TEST_F(CliErrorsTest, VersionIsTheProjects) {
  ProcessResult r = Strandq({"--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("strandq ") + STRANDQ_PROJECT_VERSION + "\n");
  EXPECT_TRUE(r.err.empty()) << r.err;
}

// --to that looks like a URL of a scheme strandq does not send to creates no file.
TEST_F(CliErrorsTest, AMisspeltUrlIsNotAFileName) {
  const std::string cwd = std::filesystem::current_path();
  std::filesystem::current_path(dir_.path());
  ProcessResult r = Strandq({"generate", "--to", "redis:127.0.0.1:6379", "--events", "3"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_.File("redis:127.0.0.1:6379")));
  // Spelt as a path, a colon in a file name is fine.
  r = Strandq({"generate", "--to", "./redis:1.csv", "--events", "3"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::exists(dir_.File("redis:1.csv")));
  std::filesystem::current_path(cwd);
}

// Spreadsheets and Windows editors start a UTF-8 CSV with a byte order mark.
TEST_F(CliErrorsTest, ACsvWithAByteOrderMarkIsRead) {
  const std::string csv = dir_.File("bom.csv");
  WriteFile(csv,
            "\xEF\xBB\xBF"
            "account,seq\r\na1,1\r\na1,2\r\nb,1\r\n");
  ProcessResult r = Strandq({"run", "--input", csv, "--work", "noop"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("verification: OK"), std::string::npos) << r.out;
}

// A payload over the 1 MiB limit is refused at its line before anything is processed.
TEST_F(CliErrorsTest, APayloadOverTheLimitNamesItsLine) {
  const std::string csv = dir_.File("big.csv");
  WriteFile(csv, "account,seq,payload\na1,1,x\na1,2," + std::string((1 << 20) + 1, 'x') + "\n");
  ExpectUsageError({{"run", "--input", csv}, csv + ":3: payload of 1048577 bytes exceeds"});
  ExpectUsageError({{"generate", "--input", csv, "--to", "http://127.0.0.1:1"}, csv + ":3:"});
}

TEST_F(CliErrorsTest, MalformedCsvNamesItsLine) {
  const std::string csv = dir_.File("bad.csv");
  WriteFile(csv, "account,seq\na1,1\na1,2\na1\n");
  ExpectUsageError({{"run", "--input", csv}, ":4:"});
}

TEST_F(CliErrorsTest, AccountOutsideTheAllowedSet) {
  const std::string csv = dir_.File("bad-account.csv");
  WriteFile(csv, "account,seq\na1,1\nnot allowed!,1\n");
  ExpectUsageError({{"run", "--input", csv}, ":3:"});
  WriteFile(csv, "account,seq\n" + std::string(129, 'a') + ",1\n");
  ExpectUsageError({{"run", "--input", csv}, ":2:"});
}

TEST_F(CliErrorsTest, BadLogLineNamesItsLine) {
  const std::string log = dir_.File("bad.jsonl");
  WriteFile(log, "{\"id\":1}\n");
  ExpectUsageError({{"verify", log}, ":1:"});
}

TEST_F(CliErrorsTest, HelpIsNotAnError) {
  ProcessResult r = Strandq({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("run"), std::string::npos);
  r = Strandq({"run", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--workers"), std::string::npos);
}

}  // namespace
}  // namespace strandq
