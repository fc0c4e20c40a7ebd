// Copyright 2026 The strandq Authors.
// What a push attempt sends (PushBody) and what its answer means (JudgePushResponse,
// ParseRetryAfter): pure functions.

#include "runtime/push_message.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace strandq::http {
namespace {

using namespace std::chrono_literals;

nlohmann::json PayloadOf(const std::string& stored) {
  Event e;
  e.id = 1;
  e.account = "a";
  e.payload = stored;
  return nlohmann::json::parse(PushBody(e));
}

TEST(PushBodyTest, AStoredJsonValueGoesAsThatValue) {
  EXPECT_EQ(PayloadOf(R"({"amount":12})")["payload"], nlohmann::json({{"amount", 12}}));
  EXPECT_EQ(PayloadOf("[1,2]")["payload"], nlohmann::json({1, 2}));
  EXPECT_EQ(PayloadOf("7")["payload"], 7);
  EXPECT_EQ(PayloadOf("null")["payload"], nullptr);
  // Numbers of any size go as written, not through a double.
  Event e;
  e.payload = "123456789012345678901234567890.5e-3";
  EXPECT_TRUE(PushBody(e).ends_with(R"("payload":123456789012345678901234567890.5e-3})"));
}

TEST(PushBodyTest, AnythingElseGoesAsAString) {
  EXPECT_EQ(PayloadOf("hello")["payload"], "hello");
  EXPECT_EQ(PayloadOf("")["payload"], "");
  EXPECT_EQ(PayloadOf("{not json")["payload"], "{not json");
  EXPECT_EQ(PayloadOf(" 7")["payload"], " 7");  // the ingest never stores a value with spaces
  // A stored string literal can only come from a posted string: it stays one.
  EXPECT_EQ(PayloadOf("\"quoted\"")["payload"], "\"quoted\"");
  EXPECT_EQ(PayloadOf("line\nbreak \"q\" \\")["payload"], "line\nbreak \"q\" \\");
}

TEST(PushBodyTest, BytesThatAreNotUtf8GoBase64Encoded) {
  auto body = PayloadOf(std::string("\xff\x00\x01", 3));
  EXPECT_FALSE(body.contains("payload"));
  EXPECT_EQ(body["payload_base64"], "/wAB");
}

TEST(PushBodyTest, EveryFieldIsThere) {
  Event e;
  e.id = 42;
  e.account = "acct-9";
  e.seq = 3;
  e.attempt = 2;
  e.enqueued_ns = 1796136347672707707;
  e.payload = "x";
  EXPECT_EQ(PushBody(e),
            R"({"id":42,"account":"acct-9","seq":3,"attempt":2,"enqueued_ns":1796136347672707707,)"
            R"("payload":"x"})");
}

TEST(PushRequestTest, OneHttp11RequestWithTheStrandqHeaders) {
  Event e;
  e.id = 42;
  e.account = "acct-9";
  e.seq = 3;
  e.attempt = 2;
  e.payload = "x";
  const std::string body = PushBody(e);
  EXPECT_EQ(PushRequest("/hooks?v=1", "svc:8090", e),
            "POST /hooks?v=1 HTTP/1.1\r\nHost: svc:8090\r\nUser-Agent: strandq\r\n"
            "Content-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) +
                "\r\nStrandq-Event-Id: 42\r\nStrandq-Account: acct-9\r\nStrandq-Seq: 3\r\n"
                "Strandq-Attempt: 2\r\n\r\n" +
                body);
}

TEST(RetryAfterTest, SecondsAndDates) {
  EXPECT_EQ(ParseRetryAfter("120", 0), 120s);
  EXPECT_EQ(ParseRetryAfter(" 0 ", 0), 0s);
  EXPECT_EQ(ParseRetryAfter("0.25", 0), 250ms);
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480.
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 - 30), 30s);
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480 + 30), 0s);
  EXPECT_FALSE(ParseRetryAfter("", 0));
  EXPECT_FALSE(ParseRetryAfter("-1", 0));
  EXPECT_FALSE(ParseRetryAfter("soon", 0));
  EXPECT_FALSE(ParseRetryAfter("10s", 0));
  EXPECT_FALSE(ParseRetryAfter("99999999999999999999", 0));  // more than a day
}

TEST(JudgeTest, EachAnswer) {
  EXPECT_TRUE(JudgePushResponse({200, "", "", "ok"}, 0).outcome.acked());
  EXPECT_TRUE(JudgePushResponse({299, "", "", ""}, 0).outcome.acked());

  PushVerdict dead = JudgePushResponse({200, "DEAD", "", "declined"}, 0);
  EXPECT_TRUE(dead.outcome.permanent());
  EXPECT_EQ(dead.outcome.error, "permanent failure: declined");
  EXPECT_EQ(JudgePushResponse({500, "dead", "", ""}, 0).outcome.error,
            "permanent failure: handler answered Strandq-Outcome: dead (HTTP 500)");

  PushVerdict busy = JudgePushResponse({503, "", "2", "later"}, 0);
  ASSERT_TRUE(busy.resend);
  EXPECT_EQ(*busy.resend, 2s);
  EXPECT_EQ(busy.outcome.retry_after, 2s);
  EXPECT_EQ(busy.outcome.error, "handler answered HTTP 503: later (Retry-After: 2)");
  EXPECT_TRUE(JudgePushResponse({429, "", "1", ""}, 0).resend);

  for (unsigned status : {301u, 400u, 404u, 429u, 500u, 502u, 503u}) {
    PushVerdict v = JudgePushResponse({status, "", "", "no"}, 0);
    EXPECT_FALSE(v.resend) << status;
    EXPECT_EQ(v.outcome.kind, Outcome::Kind::kNack) << status;
    EXPECT_EQ(v.outcome.error, "handler answered HTTP " + std::to_string(status) + ": no");
  }
  EXPECT_FALSE(JudgePushResponse({500, "", "5", ""}, 0).resend);  // only 429 and 503
}

}  // namespace
}  // namespace strandq::http
