// Copyright 2026 The strandq Authors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "strandq/workload.h"
#include "testutil/temp_dir.h"

namespace strandq {
namespace {

using ::strandq::testing::ReadFile;
using ::strandq::testing::TempDir;
using ::strandq::testing::WriteFile;

// Writes `contents` to a file and reads it as a workload; returns the error message or "".
std::string ReadError(const TempDir& dir, const std::string& contents) {
  const std::string path = dir.File("w.csv");
  WriteFile(path, contents);
  Result<std::vector<WorkloadEvent>> events = ReadWorkloadCsv(path);
  if (events.ok()) return "";
  EXPECT_EQ(events.status().code(), Status::Code::kInvalidArgument);
  return events.status().message();
}

TEST(WorkloadCsvTest, ReadsWithoutPayloadColumn) {
  TempDir dir;
  WriteFile(dir.File("w.csv"), "account,seq\na,1\nb,1\na,2\n");
  Result<std::vector<WorkloadEvent>> events = ReadWorkloadCsv(dir.File("w.csv"));
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(*events, (std::vector<WorkloadEvent>{{"a", 1, ""}, {"b", 1, ""}, {"a", 2, ""}}));
  EXPECT_EQ(LongestAccount(*events), 2u);
}

TEST(WorkloadCsvTest, ReadsPayloadsCrLfBlankLinesAndNoFinalNewline) {
  TempDir dir;
  WriteFile(dir.File("w.csv"), "account,seq,payload\r\nx:1,1,\"a,b\"\r\n\r\nx:1,2,plain");
  Result<std::vector<WorkloadEvent>> events = ReadWorkloadCsv(dir.File("w.csv"));
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(*events, (std::vector<WorkloadEvent>{{"x:1", 1, "a,b"}, {"x:1", 2, "plain"}}));
}

TEST(WorkloadCsvTest, RoundTripWithNastyPayloads) {
  const std::vector<WorkloadEvent> events = {
      {"a", 1, ""},
      {"a", 2, "comma, inside"},
      {"b.c@d-e_f:g", 1, "\"quoted\" and \"\"doubled\"\""},
      {"a", 3, "line\nbreak and\r\ncrlf and lone\r"},
      {"b.c@d-e_f:g", 2, ","},
      {"a", 4, "\""},
      {"z", 1, std::string("nul\0byte", 8)},
      {"z", 2, " spaces "},
  };
  TempDir dir;
  ASSERT_TRUE(WriteWorkloadCsv(dir.File("w.csv"), events).ok());
  EXPECT_EQ(ReadFile(dir.File("w.csv")).substr(0, 20), "account,seq,payload\n");
  Result<std::vector<WorkloadEvent>> back = ReadWorkloadCsv(dir.File("w.csv"));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, events);
}

TEST(WorkloadCsvTest, WithoutPayloadsWritesTwoColumns) {
  const std::vector<WorkloadEvent> events = {{"a", 1, ""}, {"b", 1, ""}};
  TempDir dir;
  ASSERT_TRUE(WriteWorkloadCsv(dir.File("w.csv"), events).ok());
  EXPECT_EQ(ReadFile(dir.File("w.csv")), "account,seq\na,1\nb,1\n");
}

TEST(WorkloadCsvTest, RoundTripOfAGeneratedWorkload) {
  SeedOptions options;
  options.events = 3'000;
  options.payload_bytes = 40;
  Result<std::vector<WorkloadEvent>> events = GenerateSeedWorkload(options);
  ASSERT_TRUE(events.ok());
  TempDir dir;
  ASSERT_TRUE(WriteWorkloadCsv(dir.File("w.csv"), *events).ok());
  Result<std::vector<WorkloadEvent>> back = ReadWorkloadCsv(dir.File("w.csv"));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, *events);
}

// The fixed seed list committed in bench/workloads/ (its README states these figures).
TEST(WorkloadCsvTest, ReadsTheSeedWorkload) {
  const std::string path = std::string(STRANDQ_WORKLOADS_DIR) + "/seed-10000.csv";
  Result<std::vector<WorkloadEvent>> events = ReadWorkloadCsv(path);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(events->size(), 10'000u);
  EXPECT_EQ(LongestAccount(*events), 46u);
  EXPECT_EQ(CountAccounts(*events), 832u);
  EXPECT_EQ(events->front(), (WorkloadEvent{"601", 1, ""}));
}

TEST(WorkloadCsvTest, MissingFileIsNotFound) {
  TempDir dir;
  Result<std::vector<WorkloadEvent>> events = ReadWorkloadCsv(dir.File("nope.csv"));
  ASSERT_FALSE(events.ok());
  EXPECT_EQ(events.status().code(), Status::Code::kNotFound);
  EXPECT_NE(events.status().message().find("nope.csv"), std::string::npos);
  EXPECT_EQ(ReadWorkloadCsv(dir.path()).status().code(), Status::Code::kNotFound);
}

TEST(WorkloadCsvTest, UnwritablePathIsUnavailable) {
  TempDir dir;
  Status s = WriteWorkloadCsv(dir.File("no/such/dir/w.csv"), {{"a", 1, ""}});
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
}

TEST(WorkloadCsvTest, ErrorsNameThePathAndLine) {
  TempDir dir;
  const std::string p = dir.File("w.csv") + ":";
  EXPECT_EQ(ReadError(dir, ""), p + "1: empty file: expected the header account,seq[,payload]");
  EXPECT_EQ(ReadError(dir, "account,sequence\na,1\n"),
            p + "1: bad header: expected account,seq or account,seq,payload");
  EXPECT_EQ(ReadError(dir, "seq,account\n"),
            p + "1: bad header: expected account,seq or account,seq,payload");
  EXPECT_EQ(ReadError(dir, "account,seq,payload,extra\n"),
            p + "1: bad header: expected account,seq or account,seq,payload");
  EXPECT_EQ(ReadError(dir, "account,seq\na,1\na,2,x\n"), p + "3: expected 2 fields, found 3");
  EXPECT_EQ(ReadError(dir, "account,seq,payload\na,1\n"), p + "2: expected 3 fields, found 2");
  EXPECT_EQ(ReadError(dir, "account,seq\na,1\nb,x1\n"),
            p + "3: seq 'x1' is not a non-negative integer");
  EXPECT_EQ(ReadError(dir, "account,seq\na,-1\n"), p + "2: seq '-1' is not a non-negative integer");
  EXPECT_EQ(ReadError(dir, "account,seq\na,\n"), p + "2: seq '' is not a non-negative integer");
  EXPECT_EQ(ReadError(dir, "account,seq\na,1\na,3\n"),
            p + "3: seq 3 of account 'a' is not the next one (2 expected)");
  EXPECT_EQ(ReadError(dir, "account,seq\na,1\nb,1\na,1\n"),
            p + "4: seq 1 of account 'a' is not the next one (2 expected)");
  EXPECT_EQ(ReadError(dir, "account,seq\nb,0\n"),
            p + "2: seq 0 of account 'b' is not the next one (1 expected)");
}

TEST(WorkloadCsvTest, BadAccountIsReportedWithItsLine) {
  TempDir dir;
  const std::string p = dir.File("w.csv") + ":";
  for (const std::string& account : std::vector<std::string>{
           "", "has space", "slash/", "\"quo\"\"te\"", std::string(129, 'a')}) {
    const std::string message = ReadError(dir, "account,seq\nok,1\n" + account + ",1\n");
    EXPECT_EQ(message.rfind(p + "3: bad account: ", 0), 0u) << account << " -> " << message;
  }
  EXPECT_EQ(ReadError(dir, "account,seq\n" + std::string(128, 'a') + ",1\n"), "");
}

TEST(WorkloadCsvTest, CsvSyntaxErrorsNameTheirLine) {
  TempDir dir;
  const std::string p = dir.File("w.csv") + ":";
  EXPECT_EQ(ReadError(dir, "account,seq,payload\na,1,x\na,2,\"open\nstill\n"),
            p + "3: unterminated quoted field 3");
  EXPECT_EQ(ReadError(dir, "account,seq,payload\na,1,x\"y\n"),
            p + "2: stray quote in unquoted field 3");
}

TEST(WorkloadCsvTest, AUtf8ByteOrderMarkIsSkipped) {
  TempDir dir;
  WriteFile(dir.File("w.csv"),
            "\xEF\xBB\xBF"
            "account,seq,payload\r\na,1,x\r\n");
  Result<std::vector<WorkloadEvent>> events = ReadWorkloadCsv(dir.File("w.csv"));
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ(*events, (std::vector<WorkloadEvent>{{"a", 1, "x"}}));
  // Only a whole mark, and only at the start.
  const std::string p = dir.File("w.csv") + ":";
  EXPECT_EQ(ReadError(dir,
                      "\xEF\xBB"
                      "account,seq\na,1\n"),
            p + "1: bad header: expected account,seq or account,seq,payload");
  EXPECT_EQ(ReadError(dir,
                      "account,seq\n\xEF\xBB\xBF"
                      "a,1\n")
                .rfind(p + "2: bad account", 0),
            0u);
}

// A file that reads is one a store accepts: a payload over the limit is refused at its line.
TEST(WorkloadCsvTest, APayloadOverTheLimitIsReportedWithItsLine) {
  TempDir dir;
  const std::string p = dir.File("w.csv") + ":";
  const std::string at_limit(kDefaultMaxPayloadBytes, 'x');
  EXPECT_EQ(ReadError(dir, "account,seq,payload\na,1,\"" + at_limit + "\"\n"), "");
  EXPECT_EQ(ReadError(dir, "account,seq,payload\na,1,x\nb,1," + at_limit + "y\n"),
            p + "3: payload of 1048577 bytes exceeds the limit of 1048576 bytes");
}

}  // namespace
}  // namespace strandq
