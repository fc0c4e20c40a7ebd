// Copyright 2026 The strandq Authors.
#include "strandq/event_log.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "testutil/temp_dir.h"
#include "util/random.h"

namespace strandq {
namespace {

using ::strandq::testing::ReadFile;
using ::strandq::testing::TempDir;
using ::strandq::testing::WriteFile;
using Outcome = AttemptRecord::Outcome;
using Json = nlohmann::json;

AttemptRecord DesignExample() {
  AttemptRecord r;
  r.id = 17;
  r.account = "a42";
  r.seq = 3;
  r.attempt = 1;
  r.worker = "host:pid:slot";
  r.enqueued_ns = 1764180000000000000;
  r.start_ns = 1764180000100000000;
  r.end_ns = 1764180001100000000;
  r.outcome = Outcome::kAck;
  return r;
}

void ExpectSame(const AttemptRecord& a, const AttemptRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.account, b.account);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.attempt, b.attempt);
  EXPECT_EQ(a.worker, b.worker);
  EXPECT_EQ(a.enqueued_ns, b.enqueued_ns);
  EXPECT_EQ(a.start_ns, b.start_ns);
  EXPECT_EQ(a.end_ns, b.end_ns);
  EXPECT_EQ(a.outcome, b.outcome);
  EXPECT_EQ(a.error, b.error);
}

AttemptRecord RoundTrip(const AttemptRecord& record) {
  Result<AttemptRecord> parsed = ParseAttempt(FormatAttempt(record));
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString() << "\n" << FormatAttempt(record);
  return parsed.ok() ? *parsed : AttemptRecord{};
}

TEST(EventLogFormatTest, MatchesTheDesignExampleByteForByte) {
  // DESIGN.md "File formats", with its line breaks removed.
  EXPECT_EQ(FormatAttempt(DesignExample()),
            "{\"id\":17,\"account\":\"a42\",\"seq\":3,\"attempt\":1,\"worker\":\"host:pid:slot\","
            "\"enqueued_ns\":1764180000000000000,\"start_ns\":1764180000100000000,"
            "\"end_ns\":1764180001100000000,\"outcome\":\"ack\"}");
}

TEST(EventLogFormatTest, ErrorOnlyForFailedOutcomesWhenNonEmpty) {
  AttemptRecord r = DesignExample();
  r.error = "ignored for ack";
  EXPECT_EQ(FormatAttempt(r).find("error"), std::string::npos);
  for (Outcome outcome : {Outcome::kNack, Outcome::kDead, Outcome::kLost}) {
    r.outcome = outcome;
    r.error = "boom";
    const std::string line = FormatAttempt(r);
    const std::string tail =
        "\"outcome\":\"" + std::string(OutcomeName(outcome)) + "\",\"error\":\"boom\"}";
    EXPECT_EQ(line.substr(line.size() - tail.size()), tail);
    r.error.clear();
    EXPECT_EQ(FormatAttempt(r).find("error"), std::string::npos);
  }
}

TEST(EventLogFormatTest, OutcomeNames) {
  EXPECT_EQ(OutcomeName(Outcome::kAck), "ack");
  EXPECT_EQ(OutcomeName(Outcome::kNack), "nack");
  EXPECT_EQ(OutcomeName(Outcome::kDead), "dead");
  EXPECT_EQ(OutcomeName(Outcome::kLost), "lost");
}

TEST(EventLogFormatTest, RoundTripsExtremes) {
  AttemptRecord r = DesignExample();
  r.id = UINT64_MAX;
  r.seq = UINT64_MAX;
  r.attempt = UINT32_MAX;
  r.enqueued_ns = INT64_MIN;
  r.start_ns = -1;
  r.end_ns = INT64_MAX;
  r.outcome = Outcome::kDead;
  r.error = "gave up";
  ExpectSame(RoundTrip(r), r);
  r = AttemptRecord{};
  r.account = "x";
  ExpectSame(RoundTrip(r), r);
}

TEST(EventLogFormatTest, EscapesWorkerAndError) {
  AttemptRecord r = DesignExample();
  r.outcome = Outcome::kNack;
  r.worker = "ho\"st\\:1:2";
  r.error =
      "line1\nline2\r\ttab \b\f \x01\x1f \x7f quote\" backslash\\ slash/ caf\xc3\xa9 \xe2\x82\xac "
      "\xf0\x9f\x98\x80";
  const std::string line = FormatAttempt(r);
  EXPECT_NE(line.find("\"worker\":\"ho\\\"st\\\\:1:2\""), std::string::npos) << line;
  EXPECT_NE(line.find("line1\\nline2\\r\\ttab \\b\\f \\u0001\\u001f \x7f quote\\\" backslash\\\\"),
            std::string::npos)
      << line;
  EXPECT_EQ(line.find('\n'), std::string::npos);
  ExpectSame(RoundTrip(r), r);
}

TEST(EventLogFormatTest, InvalidUtf8BecomesReplacementCharacter) {
  AttemptRecord r = DesignExample();
  r.outcome = Outcome::kLost;
  // A lone continuation byte, a truncated sequence, an overlong '/', a surrogate, > U+10FFFF.
  r.error = std::string(
      "a\x80"
      "b\xe2\x82"
      "c\xc0\xaf"
      "d\xed\xa0\x80"
      "e\xf4\x90\x80\x80");
  AttemptRecord back = RoundTrip(r);
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(back.error, "a" + fffd + "b" + fffd + fffd + "c" + fffd + fffd + "d" + fffd + fffd +
                            fffd + "e" + fffd + fffd + fffd + fffd);
}

TEST(EventLogFormatTest, RandomBytesAlwaysGiveParsableLines) {
  Random rng(7);
  for (int i = 0; i < 2000; ++i) {
    AttemptRecord r = DesignExample();
    r.outcome = Outcome::kNack;
    r.worker.resize(rng.Uniform(12));
    for (char& c : r.worker) c = static_cast<char>(rng.Uniform(256));
    r.error.resize(1 + rng.Uniform(40));
    for (char& c : r.error) c = static_cast<char>(rng.Uniform(256));
    Result<AttemptRecord> parsed = ParseAttempt(FormatAttempt(r));
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->id, r.id);
  }
}

TEST(EventLogParseTest, AcceptsAnyKeyOrderAndWhitespace) {
  Result<AttemptRecord> r = ParseAttempt(
      " { \"outcome\" : \"nack\", \"error\": \"e\", \"end_ns\": 3, \"start_ns\": 2,"
      " \"enqueued_ns\": -1, \"worker\": \"w\", \"attempt\": 2, \"seq\": 1, \"account\": \"a\","
      " \"id\": 9 } ");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, 9u);
  EXPECT_EQ(r->enqueued_ns, -1);
  EXPECT_EQ(r->outcome, Outcome::kNack);
  EXPECT_EQ(r->error, "e");
}

// Replaces `"key":<old>` in the design example line by `"key":<value>`, or removes the key if
// `value` is empty.
std::string ExampleWith(const std::string& key, const std::string& value) {
  Json line = Json::parse(FormatAttempt(DesignExample()));
  if (value.empty()) {
    line.erase(key);
  } else {
    line[key] = Json::parse(value);
  }
  return line.dump();
}

std::string ParseError(const std::string& line) {
  Result<AttemptRecord> r = ParseAttempt(line);
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  return r.status().message();
}

TEST(EventLogParseTest, EveryFieldIsRequired) {
  for (const char* key : {"id", "account", "seq", "attempt", "worker", "enqueued_ns", "start_ns",
                          "end_ns", "outcome"}) {
    EXPECT_EQ(ParseError(ExampleWith(key, "")), std::string("missing field \"") + key + "\"");
  }
}

TEST(EventLogParseTest, FieldsMustHaveTheirTypes) {
  EXPECT_EQ(ParseError(ExampleWith("id", "-1")), "field \"id\" must be a non-negative integer");
  EXPECT_EQ(ParseError(ExampleWith("id", "\"17\"")), "field \"id\" must be a non-negative integer");
  EXPECT_EQ(ParseError(ExampleWith("seq", "3.0")), "field \"seq\" must be a non-negative integer");
  EXPECT_EQ(ParseError(ExampleWith("seq", "18446744073709551616")),
            "field \"seq\" must be a non-negative integer");
  EXPECT_EQ(ParseError(ExampleWith("attempt", "4294967296")),
            "field \"attempt\" must be an integer from 0 to 4294967295");
  EXPECT_EQ(ParseError(ExampleWith("account", "42")), "field \"account\" must be a string");
  EXPECT_EQ(ParseError(ExampleWith("worker", "null")), "field \"worker\" must be a string");
  EXPECT_EQ(ParseError(ExampleWith("start_ns", "1.5")), "field \"start_ns\" must be an integer");
  EXPECT_EQ(ParseError(ExampleWith("end_ns", "9223372036854775808")),
            "field \"end_ns\" must be a 64-bit integer");
  EXPECT_EQ(ParseError(ExampleWith("outcome", "\"ok\"")),
            "field \"outcome\" must be one of ack, nack, dead, lost, dropped");
  EXPECT_EQ(ParseError(ExampleWith("outcome", "1")), "field \"outcome\" must be a string");
  EXPECT_EQ(ParseError(ExampleWith("error", "false")), "field \"error\" must be a string");
}

TEST(EventLogParseTest, IgnoresUnknownKeysOfAnyValueAndLastRepeatedKeyWins) {
  std::string line = FormatAttempt(DesignExample());
  line.insert(1, "\"extra\":{\"id\":\"nested\",\"list\":[1,{\"seq\":null}]},\"seq\":99,");
  Result<AttemptRecord> r = ParseAttempt(line);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, 17u);
  EXPECT_EQ(r->seq, 3u);  // the later "seq" wins
}

TEST(EventLogParseTest, KnownFieldsMustNotBeContainers) {
  EXPECT_EQ(ParseError(ExampleWith("id", "{}")), "field \"id\" must be a non-negative integer");
  EXPECT_EQ(ParseError(ExampleWith("worker", "[\"w\"]")), "field \"worker\" must be a string");
  EXPECT_EQ(ParseError(ExampleWith("end_ns", "true")), "field \"end_ns\" must be an integer");
}

TEST(EventLogParseTest, RejectsNonObjects) {
  EXPECT_EQ(ParseError("[1,2]"), "not a JSON object");
  EXPECT_EQ(ParseError("17"), "not a JSON object");
  EXPECT_EQ(ParseError("{\"id\":17,").rfind("not valid JSON: ", 0), 0u);
  EXPECT_EQ(ParseError("").rfind("not valid JSON: ", 0), 0u);
  EXPECT_EQ(ParseError(FormatAttempt(DesignExample()) + " {}").rfind("not valid JSON: ", 0), 0u);
  EXPECT_NE(ParseError("{} {}"), "");
}

TEST(ReadEventLogTest, ReadsLinesSkippingBlankOnesWithOrWithoutFinalNewline) {
  AttemptRecord a = DesignExample(), b = DesignExample();
  b.id = 18;
  b.seq = 4;
  b.outcome = Outcome::kNack;
  b.error = "flaky";
  TempDir dir;
  for (const std::string& ending : {std::string("\n"), std::string("")}) {
    WriteFile(dir.File("log.jsonl"),
              "\n" + FormatAttempt(a) + "\r\n  \n" + FormatAttempt(b) + ending);
    Result<std::vector<AttemptRecord>> records = ReadEventLog(dir.File("log.jsonl"));
    ASSERT_TRUE(records.ok()) << records.status().ToString();
    ASSERT_EQ(records->size(), 2u);
    ExpectSame((*records)[0], a);
    ExpectSame((*records)[1], b);
  }
  WriteFile(dir.File("empty.jsonl"), "");
  Result<std::vector<AttemptRecord>> records = ReadEventLog(dir.File("empty.jsonl"));
  ASSERT_TRUE(records.ok());
  EXPECT_TRUE(records->empty());
}

TEST(ReadEventLogTest, BadLineNamesPathAndLine) {
  TempDir dir;
  const std::string path = dir.File("log.jsonl");
  const std::string good = FormatAttempt(DesignExample());
  WriteFile(path, good + "\n\n" + ExampleWith("seq", "") + "\n" + good + "\n");
  Result<std::vector<AttemptRecord>> records = ReadEventLog(path);
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(records.status().message(), path + ":3: missing field \"seq\"");
}

TEST(ReadEventLogTest, TruncatedLastLineIsReported) {
  TempDir dir;
  const std::string path = dir.File("log.jsonl");
  const std::string good = FormatAttempt(DesignExample());
  WriteFile(path, good + "\n" + good + "\n" + good.substr(0, 40));
  Result<std::vector<AttemptRecord>> records = ReadEventLog(path);
  ASSERT_FALSE(records.ok());
  EXPECT_EQ(records.status().message().rfind(path + ":3: truncated last line", 0), 0u)
      << records.status().message();
}

TEST(ReadEventLogTest, TornLastLineCanBeSkipped) {
  TempDir dir;
  const std::string path = dir.File("log.jsonl");
  const std::string good = FormatAttempt(DesignExample());
  WriteFile(path, good + "\n" + good + "\n" + good.substr(0, 40));
  bool torn = false;
  Result<std::vector<AttemptRecord>> records = ReadEventLog(path, &torn);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  EXPECT_EQ(records->size(), 2u);
  EXPECT_TRUE(torn);
  // A bad line that ends with a newline is no torn write: still an error.
  WriteFile(path, good + "\n" + good.substr(0, 40) + "\n");
  EXPECT_FALSE(ReadEventLog(path, &torn).ok());
  // A whole last line without its newline parses and is kept.
  WriteFile(path, good + "\n" + good);
  records = ReadEventLog(path, &torn);
  ASSERT_TRUE(records.ok());
  EXPECT_EQ(records->size(), 2u);
  EXPECT_FALSE(torn);
}

TEST(EventLogTest, ReplayAndUnconfirmedRoundTrip) {
  AttemptRecord r = DesignExample();
  r.replay = 2;
  r.unconfirmed = true;
  const std::string line = FormatAttempt(r);
  EXPECT_NE(line.find("\"attempt\":1,\"replay\":2,\"worker\""), std::string::npos) << line;
  EXPECT_EQ(line.substr(line.size() - 20), ",\"unconfirmed\":true}") << line;
  Result<AttemptRecord> parsed = ParseAttempt(line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->replay, 2u);
  EXPECT_TRUE(parsed->unconfirmed);
  // Absent: 0 and false; the plain line has neither key.
  const std::string plain = FormatAttempt(DesignExample());
  EXPECT_EQ(plain.find("replay"), std::string::npos);
  EXPECT_EQ(plain.find("unconfirmed"), std::string::npos);
  EXPECT_EQ(ParseAttempt(plain)->replay, 0u);
  EXPECT_FALSE(ParseAttempt(plain)->unconfirmed);
  r.outcome = AttemptRecord::Outcome::kDropped;
  EXPECT_EQ(ParseAttempt(FormatAttempt(r))->outcome, AttemptRecord::Outcome::kDropped);
  EXPECT_FALSE(ParseAttempt(ExampleWith("unconfirmed", "1")).ok());
}

TEST(ReadEventLogTest, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_EQ(ReadEventLog(dir.File("nope.jsonl")).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(ReadEventLog(dir.path()).status().code(), Status::Code::kNotFound);
}

TEST(JsonlLogTest, OpenFailsForABadPath) {
  TempDir dir;
  Result<std::unique_ptr<LogSink>> sink = OpenJsonlLog(dir.File("no/such/dir/log.jsonl"));
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), Status::Code::kUnavailable);
}

TEST(JsonlLogTest, BuffersUntilFlushAndFlushesOnDestruction) {
  TempDir dir;
  const std::string path = dir.File("log.jsonl");
  {
    Result<std::unique_ptr<LogSink>> sink = OpenJsonlLog(path);
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    (*sink)->Write(DesignExample());
    EXPECT_EQ(ReadFile(path), "");  // still buffered
    ASSERT_TRUE((*sink)->Flush().ok());
    EXPECT_EQ(ReadFile(path), FormatAttempt(DesignExample()) + "\n");
    (*sink)->Write(DesignExample());
  }
  EXPECT_EQ(ReadFile(path),
            FormatAttempt(DesignExample()) + "\n" + FormatAttempt(DesignExample()) + "\n");
}

TEST(JsonlLogTest, WritesOutWhenTheBufferPasses64KiB) {
  TempDir dir;
  const std::string path = dir.File("log.jsonl");
  Result<std::unique_ptr<LogSink>> sink = OpenJsonlLog(path);
  ASSERT_TRUE(sink.ok());
  const size_t line_bytes = FormatAttempt(DesignExample()).size() + 1;
  const size_t lines = 64 * 1024 / line_bytes + 1;
  for (size_t i = 0; i < lines; ++i) (*sink)->Write(DesignExample());
  EXPECT_EQ(ReadFile(path).size(), lines * line_bytes);
}

TEST(JsonlLogTest, ManyThreadsWriteWholeLines) {
  TempDir dir;
  const std::string path = dir.File("log.jsonl");
  constexpr int kThreads = 4;
  constexpr int kPerThread = 5000;
  {
    Result<std::unique_ptr<LogSink>> opened = OpenJsonlLog(path);
    ASSERT_TRUE(opened.ok());
    LogSink* sink = opened->get();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([sink, t] {
        AttemptRecord r = DesignExample();
        r.account = "account-" + std::to_string(t);
        r.worker = "host:1:" + std::to_string(t);
        for (int i = 1; i <= kPerThread; ++i) {
          r.id = static_cast<uint64_t>(t) * kPerThread + i;
          r.seq = static_cast<uint64_t>(i);
          sink->Write(r);
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
    ASSERT_TRUE(sink->Flush().ok());
  }
  Result<std::vector<AttemptRecord>> records = ReadEventLog(path);
  ASSERT_TRUE(records.ok()) << records.status().ToString();
  ASSERT_EQ(records->size(), static_cast<size_t>(kThreads * kPerThread));
  std::map<std::string, uint64_t> last_seq;
  for (const AttemptRecord& r : *records) {
    uint64_t& last = last_seq[r.account];
    ASSERT_EQ(r.seq, last + 1) << r.account;  // each thread's lines in its own order
    last = r.seq;
  }
  EXPECT_EQ(last_seq.size(), static_cast<size_t>(kThreads));
}

TEST(MemoryLogSinkTest, KeepsRecordsInOrder) {
  MemoryLogSink sink;
  AttemptRecord a = DesignExample(), b = DesignExample();
  b.id = 99;
  sink.Write(a);
  sink.Write(b);
  EXPECT_TRUE(sink.Flush().ok());
  std::vector<AttemptRecord> records = sink.Records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].id, 17u);
  EXPECT_EQ(records[1].id, 99u);
}

}  // namespace
}  // namespace strandq
