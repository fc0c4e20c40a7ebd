// Copyright 2026 The strandq Authors.
#include "http/operator_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace strandq::http {
namespace {

using nlohmann::json;

constexpr int64_t kJsonNow = 1'000'000'000'000;  // ns

Event JsonHeadEvent() {
  Event e;
  e.id = 1234;
  e.account = "acct-7";
  e.seq = 3;
  e.attempt = 2;
  e.replay = 1;
  e.enqueued_ns = kJsonNow - 5'120'000'000;
  return e;
}

AccountInfo JsonLeased() {
  AccountInfo a;
  a.account = "acct-7";
  a.state = AccountState::kLeased;
  a.paused = true;
  a.pending = 12;
  a.head = JsonHeadEvent();
  a.last_error = "HTTP 503 from handler";
  a.due_in = std::chrono::milliseconds(850);
  a.lease_token = 9;
  a.lease_holder = "host:1234";
  return a;
}

TEST(OperatorJsonTest, AccountObjectHasEveryFieldOfTheContract) {
  const AccountInfo a = JsonLeased();
  auto token = [](const AccountInfo& info) -> std::optional<std::string> {
    return "tok-" + std::to_string(info.lease_token);
  };
  const json j = json::parse(AccountJson(a, kJsonNow, token));
  EXPECT_EQ(j, json::parse(R"({"account":"acct-7","state":"leased","paused":true,"parked":false,
      "pending":12,"head":{"id":1234,"seq":3,"attempt":2,"replay":1,"age_ms":5120},
      "last_error":"HTTP 503 from handler","due_in_ms":850,"lease_token":"tok-9",
      "lease_holder":"host:1234"})"));
  // Without a token renderer (the CLI), the token is null.
  EXPECT_TRUE(json::parse(AccountJson(a, kJsonNow, nullptr))["lease_token"].is_null());
}

TEST(OperatorJsonTest, AnIdleAccountHasNullsAndZeros) {
  AccountInfo a;
  a.account = "quiet";
  a.state = AccountState::kPaused;
  a.paused = true;
  a.lease_token = 4;  // left from an earlier lease: shown only while leased
  a.lease_holder = "old";
  a.due_in = std::chrono::milliseconds(-5);
  bool asked = false;
  auto token = [&](const AccountInfo&) -> std::optional<std::string> {
    asked = true;
    return "x";
  };
  const json j = json::parse(AccountJson(a, kJsonNow, token));
  EXPECT_FALSE(asked);
  EXPECT_TRUE(j["head"].is_null());
  EXPECT_TRUE(j["lease_token"].is_null());
  EXPECT_TRUE(j["lease_holder"].is_null());
  EXPECT_EQ(j["due_in_ms"], 0);
  EXPECT_EQ(j["last_error"], "");
  EXPECT_EQ(j["state"], "paused");
}

TEST(OperatorJsonTest, AgesAreNeverNegative) {
  AccountInfo a = JsonLeased();
  a.head->enqueued_ns = kJsonNow + 1'000'000'000;  // a clock step backwards
  EXPECT_EQ(json::parse(AccountJson(a, kJsonNow, nullptr))["head"]["age_ms"], 0);
}

TEST(OperatorJsonTest, ListAndDetailWrapTheAccounts) {
  AccountQuery q;
  q.state = AccountState::kPaused;
  q.sort = AccountQuery::Sort::kAge;
  const json list =
      json::parse(AccountListJson({JsonLeased(), JsonLeased()}, q, kJsonNow, nullptr));
  EXPECT_EQ(list["accounts"].size(), 2u);
  EXPECT_EQ(list["sort"], "age");
  EXPECT_EQ(list["state"], "paused");
  const json all = json::parse(AccountListJson({}, AccountQuery{}, kJsonNow, nullptr));
  EXPECT_EQ(all, json::parse(R"({"accounts":[],"sort":"backlog","state":null})"));

  AccountDetail d;
  d.info = JsonLeased();
  Event second = JsonHeadEvent();
  second.id = 1300;
  second.seq = 4;
  second.attempt = 0;
  second.replay = 0;
  second.payload = "{\"amount\":5}\n\"quoted\"";
  d.events = {JsonHeadEvent(), second};
  const json detail = json::parse(AccountDetailJson(d, 10, 2, kJsonNow, nullptr));
  EXPECT_EQ(detail["account"]["account"], "acct-7");
  EXPECT_EQ(detail["offset"], 10);
  EXPECT_EQ(detail["limit"], 2);
  ASSERT_EQ(detail["events"].size(), 2u);
  EXPECT_EQ(detail["events"][1], json::parse(R"({"id":1300,"seq":4,"attempt":0,"replay":0,
      "age_ms":5120,"payload":"{\"amount\":5}\n\"quoted\""})"));
}

// Payloads render as the pull API renders a lease's: a JSON string, invalid UTF-8 as U+FFFD.
TEST(OperatorJsonTest, PayloadsAreJsonStringsWithInvalidUtf8Replaced) {
  DeadLetter d;
  d.event = JsonHeadEvent();
  d.event.payload = std::string("ok\xff\x01", 4);
  d.error = "permanent failure: \"no\"";
  d.dead_ns = kJsonNow - 2'000'000;
  const std::string text = DeadListJson({d}, kJsonNow);
  const json j = json::parse(text);
  ASSERT_EQ(j["dead"].size(), 1u);
  EXPECT_EQ(j["dead"][0]["payload"], "ok\xEF\xBF\xBD\x01");
  EXPECT_EQ(j["dead"][0]["age_ms"], 2);
  EXPECT_EQ(j["dead"][0]["dead_ns"], d.dead_ns);
  EXPECT_EQ(j["dead"][0]["error"], d.error);
  EXPECT_EQ(j["dead"][0]["account"], "acct-7");
  EXPECT_EQ(json::parse(DeadListJson({}, kJsonNow)), json::parse(R"({"dead":[]})"));
}

}  // namespace
}  // namespace strandq::http
