// Copyright 2026 The strandq Authors.
// Bad input to the real binary: a clear one-line error, exit code 2, nothing processed.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

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
    args.insert(args.begin(), STRANDQ_BINARY);
    return RunProcess(args, std::chrono::seconds(30));
  }
  void ExpectUsageError(const BadCase& c) {
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
      {{"run", "--policy", "fastest"}, "--policy must be longest or oldest"},
      {{"run", "--on-dead", "explode"}, "--on-dead must be skip or park"},
      {{"run", "--lease-ttl", "10"}, "--lease-ttl"},
      {{"run", "--lease-ttl", "0"}, "lease_ttl"},
      {{"run", "--retry-backoff", "soon"}, "--retry-backoff"},
      {{"run", "--max-attempts", "0"}, "max_attempts"},
      {{"run", "--batch", "5-2"}, "--batch"},
      {{"run", "--batch", "0-3"}, "--batch"},
      {{"run", "--events", "0"}, "events"},
      {{"run", "--events", "-5"}, "--events"},
      {{"run", "--payload-bytes", "99999999"}, "--payload-bytes"},
      {{"run", "--threads", "100000"}, "--threads"},
      {{"run", "--fail-rate", "2"}, "--fail-rate"},
      {{"run", "--store", "postgres://x"}, "unknown store URL"},
      {{"run", "--input", "/nonexistent/w.csv"}, "/nonexistent/w.csv"},
      {{"verify"}, "logs"},
      {{"verify", "/nonexistent/log.jsonl"}, "/nonexistent/log.jsonl"},
      {{"generate"}, "--to"},
      {{"frobnicate"}, "frobnicate"},
      {{}, "subcommand"},
  };
  for (const BadCase& c : cases) ExpectUsageError(c);
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
