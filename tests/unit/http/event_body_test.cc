// Copyright 2026 The strandq Authors.
#include "http/event_body.h"

#include <gtest/gtest.h>

#include <string>

namespace strandq::http {
namespace {

constexpr size_t kLimit = 64;

std::vector<NewEvent> Parse(std::string_view body, BodyFormat format = BodyFormat::kJson) {
  auto parsed = ParseEventBody(body, format, kLimit);
  EXPECT_TRUE(parsed.ok()) << body << " -> " << parsed.status().ToString();
  return parsed.ok() ? *parsed : std::vector<NewEvent>{};
}

Status Error(std::string_view body, BodyFormat format = BodyFormat::kJson) {
  auto parsed = ParseEventBody(body, format, kLimit);
  EXPECT_FALSE(parsed.ok()) << body;
  return parsed.status();
}

TEST(EventBodyTest, OneObject) {
  auto events = Parse(R"({"account":"a1","payload":"hello \"you\""})");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].account, "a1");
  EXPECT_EQ(events[0].payload, "hello \"you\"");
}

TEST(EventBodyTest, ArrayKeepsOrder) {
  auto events = Parse(R"([{"account":"a","payload":"1"}, {"payload":"2","account":"b"},
                          {"account":"a"}])");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].account, "a");
  EXPECT_EQ(events[1].account, "b");
  EXPECT_EQ(events[1].payload, "2");
  EXPECT_EQ(events[2].payload, "");  // payload left out: empty
}

TEST(EventBodyTest, NdjsonSkipsBlankLinesAndCarriageReturns) {
  auto events = Parse("{\"account\":\"a\",\"payload\":\"x\"}\r\n\n  \n{\"account\":\"b\"}",
                      BodyFormat::kNdjson);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].payload, "x");
  EXPECT_EQ(events[1].account, "b");
}

TEST(EventBodyTest, NonStringPayloadsAreCompactJsonInOriginalKeyOrder) {
  auto events = Parse(R"([{"account":"a","payload": { "z" : 1, "a" : [true, null, 2.5, "s"] }},
                          {"account":"a","payload": 42},
                          {"account":"a","payload": -7},
                          {"account":"a","payload": null},
                          {"account":"a","payload": [[], {}]}])");
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].payload, R"({"z":1,"a":[true,null,2.5,"s"]})");
  EXPECT_EQ(events[1].payload, "42");
  EXPECT_EQ(events[2].payload, "-7");
  EXPECT_EQ(events[3].payload, "null");
  EXPECT_EQ(events[4].payload, "[[],{}]");
}

TEST(EventBodyTest, UnicodeEscapesAreDecoded) {
  auto events = Parse(R"({"account":"a","payload":"\u00e9\n"})");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].payload, "\xc3\xa9\n");
}

std::string Nested(size_t depth) {
  return R"({"account":"a1","payload":)" + std::string(depth, '[') + std::string(depth, ']') + "}";
}

TEST(EventBodyTest, PayloadNestedUpToTheLimitIsKept) {
  auto events = ParseEventBody(Nested(kMaxPayloadDepth), BodyFormat::kNdjson, 4096);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  EXPECT_EQ((*events)[0].payload,
            std::string(kMaxPayloadDepth, '[') + std::string(kMaxPayloadDepth, ']'));
}

TEST(EventBodyTest, PayloadNestedDeeperThanTheLimitIsRefusedWithoutRecursion) {
  // 100,000 levels crashed the server (a recursive dump); one level over the limit is refused.
  for (const size_t depth : {kMaxPayloadDepth + 1, size_t{100000}, size_t{1000000}}) {
    for (const BodyFormat format : {BodyFormat::kJson, BodyFormat::kNdjson}) {
      auto parsed = ParseEventBody(Nested(depth), format, size_t{1} << 30);
      ASSERT_FALSE(parsed.ok()) << depth;
      EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument);
      EXPECT_NE(parsed.status().message().find("nested deeper than the limit of 512 levels"),
                std::string::npos)
          << parsed.status().ToString();
    }
  }
  // Unclosed, and objects: the same limit.
  std::string objects = R"({"account":"a1","payload":)";
  for (size_t i = 0; i < 100000; ++i) objects += R"({"k":)";
  Status s = Error(objects);
  EXPECT_NE(s.message().find("nested deeper"), std::string::npos) << s.ToString();
}

TEST(EventBodyTest, NonStringPayloadKeepsTheTextOfItsNumbersAndStrings) {
  const std::string huge_int(400, '9');
  auto events = ParseEventBody(R"([{"account":"a","payload":1e400},
      {"account":"a","payload":-1.0E+2},
      {"account":"a","payload":)" + huge_int +
                                   R"(},
      {"account":"a","payload":-0},
      {"account":"a","payload": [ 0.10 , "\u00e9\"" , {"a":1,"a":2} ] }])",
                               BodyFormat::kJson, 1024);
  ASSERT_TRUE(events.ok()) << events.status().ToString();
  ASSERT_EQ(events->size(), 5u);
  EXPECT_EQ((*events)[0].payload, "1e400");
  EXPECT_EQ((*events)[1].payload, "-1.0E+2");
  EXPECT_EQ((*events)[2].payload, huge_int);
  EXPECT_EQ((*events)[3].payload, "-0");
  EXPECT_EQ((*events)[4].payload, R"([0.10,"\u00e9\"",{"a":1,"a":2}])");
}

TEST(EventBodyTest, OnlyWhitespaceMayFollowTheJsonText) {
  EXPECT_EQ(Parse("{\"account\":\"a\"} \r\n\t ").size(), 1u);
  const std::vector<std::pair<std::string, BodyFormat>> cases = {
      {std::string("{\"account\":\"a\"}\0", 16), BodyFormat::kJson},
      {std::string("[{\"account\":\"a\"}]\0 ", 19), BodyFormat::kJson},
      {std::string("{\"account\":\"a\"}\0\n", 17), BodyFormat::kNdjson},
      {std::string("{\"account\":\"a\"\0}", 16), BodyFormat::kJson},
      {"{\"account\":\"a\"} x", BodyFormat::kJson},
  };
  for (const auto& [body, format] : cases) {
    Status s = Error(body, format);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
    EXPECT_NE(s.message().find("malformed JSON at byte"), std::string::npos) << s.ToString();
  }
  EXPECT_NE(Error(cases[0].first).message().find("NUL byte"), std::string::npos);
}

struct BadBody {
  std::string body;
  BodyFormat format;
  Status::Code code;
  std::string message;  // a piece of the error
};

TEST(EventBodyTest, BadBodiesNameTheFirstProblemAndItsIndex) {
  const std::string big(kLimit + 1, 'x');
  const std::vector<BadBody> cases = {
      {"", BodyFormat::kJson, Status::Code::kInvalidArgument, "empty body"},
      {"{", BodyFormat::kJson, Status::Code::kInvalidArgument, "event 0: malformed JSON"},
      {"[]", BodyFormat::kJson, Status::Code::kInvalidArgument, "no events"},
      {"\n\n", BodyFormat::kNdjson, Status::Code::kInvalidArgument, "no events"},
      {"\"a\"", BodyFormat::kJson, Status::Code::kInvalidArgument, "event 0: not a JSON object"},
      {"[[]]", BodyFormat::kJson, Status::Code::kInvalidArgument, "event 0: not a JSON object"},
      {R"([{"account":"a"}, 3])", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "event 1: not a JSON object"},
      {R"({"payload":"x"})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "event 0: missing \"account\""},
      {R"({"account":7})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "\"account\" must be a string"},
      {R"({"account":{"x":1}})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "\"account\" must be a string"},
      {R"([{"account":"ok"},{"account":"bad name"}])", BodyFormat::kJson,
       Status::Code::kInvalidArgument, "event 1: "},
      {R"({"account":""})", BodyFormat::kJson, Status::Code::kInvalidArgument, "event 0: "},
      {R"({"account":"a","acount":"b"})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "unknown field \"acount\""},
      {R"({"account":"a","account":"b"})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "\"account\" given twice"},
      {R"([{"account":"a"},{"account":"a","payload":")" + big + "\"}]", BodyFormat::kJson,
       Status::Code::kTooLarge, "event 1: payload of 65 bytes exceeds the limit of 64"},
      {R"({"account":"a","payload":[")" + big + "\"]}", BodyFormat::kJson, Status::Code::kTooLarge,
       "event 0: payload of"},
      {"{\"account\":\"a\"}\n{\"account\":\"b\"}\n{\"account\":", BodyFormat::kNdjson,
       Status::Code::kInvalidArgument, "event 2: malformed JSON"},
      {"{\"account\":\"a\"}\n[{\"account\":\"b\"}]", BodyFormat::kNdjson,
       Status::Code::kInvalidArgument, "event 1: not a JSON object"},
      {"{\"account\":\"a\"} {\"account\":\"b\"}", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "event 1: malformed JSON"},
      {"{\"account\":\"a\",\"payload\":\"\xff\"}", BodyFormat::kJson,
       Status::Code::kInvalidArgument, "malformed JSON"},
      {R"({"account":"a","payload":[1,]})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "malformed JSON at byte 28: unexpected ']', expected a JSON value"},
      {R"({"account":"a","payload":{"k" 1}})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "expected ':'"},
      {R"({"account":"a","payload":{"k":1,}})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "expected a string"},
      {R"({"account":"a","payload":[1 2]})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "expected ',' or ']'"},
      {R"({"account":"a",})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "expected a field name"},
      {R"({"account":"a","payload":[1])", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "unexpected end of input"},
      {R"({"account":"a","payload":tru})", BodyFormat::kJson, Status::Code::kInvalidArgument,
       "malformed JSON"},
  };
  for (const BadBody& c : cases) {
    Status s = Error(c.body, c.format);
    EXPECT_EQ(s.code(), c.code) << c.body << " -> " << s.ToString();
    EXPECT_NE(s.message().find(c.message), std::string::npos) << c.body << " -> " << s.ToString();
  }
}

}  // namespace
}  // namespace strandq::http
