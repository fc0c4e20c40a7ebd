// Copyright 2026 The strandq Authors.
#include "http/lease_body.h"

#include <gtest/gtest.h>

#include <string>

namespace strandq::http {
namespace {

template <typename T>
bool Refused(const Result<T>& r, std::string_view why) {
  return !r.ok() && r.status().code() == Status::Code::kInvalidArgument &&
         r.status().message().find(why) != std::string::npos;
}

TEST(LeaseBodyTest, ClaimRequestDefaultsAndLimits) {
  auto empty = ParseClaimRequest("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->max, 1u);
  EXPECT_EQ(empty->wait.count(), 0);
  auto both = ParseClaimRequest(R"( {"wait_ms": 250, "max":100} )");
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(both->max, 100u);
  EXPECT_EQ(both->wait.count(), 250);
  EXPECT_TRUE(ParseClaimRequest("{}").ok());
  EXPECT_TRUE(ParseClaimRequest(R"({"max":1000,"wait_ms":60000})").ok());
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":0})"), "at least 1"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":1001})"), "from 0 to 1000"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":-1})"), "\"max\""));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":1.5})"), "\"max\""));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":"5"})"), "\"max\""));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":99999999999999999999999})"), "\"max\""));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"wait_ms":60001})"), "wait_ms"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":1,"max":2})"), "given twice"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"maxx":1})"), "unknown field \"maxx\""));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":[1]})"), "\"max\" must be a whole number"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"([{"max":1}])"), "malformed JSON"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":1} {})"), "end of the JSON text"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":1)"), "end of input"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"max":1,})"), "field name"));
}

TEST(LeaseBodyTest, ClaimRequestMaySettleFirst) {
  auto r = ParseClaimRequest(
      R"({"max":5,"settle":[{"lease":"a","outcome":"ack"},{"lease":"b","outcome":"dead"}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->max, 5u);
  ASSERT_EQ(r->settle.size(), 2u);
  EXPECT_EQ(r->settle[1].lease, "b");
  EXPECT_EQ(r->settle[1].outcome, SettleItem::Verb::kDead);
  EXPECT_TRUE(ParseClaimRequest(R"({"settle":[]})").ok());
  // One bad item refuses the whole request: nothing settled, nothing claimed.
  EXPECT_TRUE(
      Refused(ParseClaimRequest(R"({"settle":[{"lease":"a","outcome":"ack"},{"lease":"b"}]})"),
              "\"settle\": item 1: missing \"outcome\""));
}

TEST(LeaseBodyTest, SettleItemsInOrder) {
  auto items = ParseSettleRequest(R"([
      {"lease":"t1","outcome":"ack"},
      {"outcome":"nack","lease":"t2","error":"timeout \u00e9","retry_after_ms":1500},
      {"lease":"t3","outcome":"nack"},
      {"lease":"t4","outcome":"dead","error":"declined"}])");
  ASSERT_TRUE(items.ok()) << items.status().ToString();
  ASSERT_EQ(items->size(), 4u);
  EXPECT_EQ((*items)[0].lease, "t1");
  EXPECT_EQ((*items)[0].outcome, SettleItem::Verb::kAck);
  EXPECT_EQ((*items)[0].retry_after_ms, -1);
  EXPECT_EQ((*items)[1].outcome, SettleItem::Verb::kNack);
  EXPECT_EQ((*items)[1].error, "timeout \xc3\xa9");
  EXPECT_EQ((*items)[1].retry_after_ms, 1500);
  EXPECT_EQ((*items)[2].error, "");
  EXPECT_EQ((*items)[3].outcome, SettleItem::Verb::kDead);
  EXPECT_EQ((*items)[3].error, "declined");
  auto none = ParseSettleRequest(" [ ] ");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(LeaseBodyTest, HostileSettleBodiesAreRefusedWhole) {
  const std::string ok = R"({"lease":"t","outcome":"ack"})";
  EXPECT_TRUE(Refused(ParseSettleRequest(""), "malformed JSON"));
  EXPECT_TRUE(Refused(ParseSettleRequest(ok), "an array"));
  EXPECT_TRUE(Refused(ParseSettleRequest("[" + ok), "end of input"));
  EXPECT_TRUE(Refused(ParseSettleRequest("[" + ok + ","), "item 1"));
  EXPECT_TRUE(Refused(ParseSettleRequest("[" + ok + ",]"), "item 1"));
  EXPECT_TRUE(Refused(ParseSettleRequest("[" + ok + ",1]"), "item 1: malformed JSON"));
  EXPECT_TRUE(Refused(ParseSettleRequest("[" + ok + "]x"), "malformed JSON"));
  EXPECT_TRUE(Refused(ParseSettleRequest("[" + ok + "] []"), "end of the JSON text"));
  const std::string nul = "[" + ok + "]" + std::string(1, '\0');
  EXPECT_TRUE(Refused(ParseSettleRequest(nul), "NUL"));
  EXPECT_TRUE(Refused(ParseSettleRequest(R"([{"lease":"t"}])"), "item 0: missing \"outcome\""));
  EXPECT_TRUE(Refused(ParseSettleRequest(R"([{"outcome":"ack"}])"), "missing \"lease\""));
  EXPECT_TRUE(
      Refused(ParseSettleRequest(R"([{"lease":"t","outcome":"ok"}])"), "\"ack\", \"nack\""));
  EXPECT_TRUE(Refused(ParseSettleRequest(R"([{"lease":"t","outcome":"ack","retry_after_ms":5}])"),
                      "only with"));
  EXPECT_TRUE(
      Refused(ParseSettleRequest(R"([{"lease":"t","outcome":"ack","error":"x"}])"), "only with"));
  EXPECT_TRUE(Refused(ParseSettleRequest(R"([{"lease":7,"outcome":"ack"}])"), "must be a string"));
  EXPECT_TRUE(Refused(ParseSettleRequest(R"([{"lease":"t","outcome":"ack","x":1}])"),
                      "unknown field \"x\""));
  EXPECT_TRUE(
      Refused(ParseSettleRequest(R"([{"lease":"t","lease":"u","outcome":"ack"}])"), "given twice"));
  EXPECT_TRUE(Refused(ParseSettleRequest(R"([{"lease":"t","outcome":"nack","error":"\ud800"}])"),
                      "malformed JSON"));
  const std::string long_error(kMaxErrorBytes + 1, 'e');
  EXPECT_TRUE(Refused(
      ParseSettleRequest(R"([{"lease":"t","outcome":"dead","error":")" + long_error + "\"}]"),
      "longer than"));
  // One bad item among good ones refuses the request: nothing is settled.
  EXPECT_TRUE(Refused(ParseSettleRequest("[" + ok + "," + ok + R"(,{"lease":"t"}])"), "item 2"));
}

TEST(LeaseBodyTest, DeepAndHugeInputEndsQuickly) {
  // Nesting is refused at its first level: nothing here recurses or allocates per level.
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');
  EXPECT_TRUE(Refused(ParseSettleRequest(deep), "item 0"));
  EXPECT_TRUE(Refused(ParseExtendRequest(deep), "item 0"));
  EXPECT_TRUE(Refused(ParseClaimRequest(deep), "an object"));
  const std::string deep_field = R"([{"lease":)" + std::string(100'000, '{');
  EXPECT_TRUE(Refused(ParseSettleRequest(deep_field), "\"lease\" must be a string"));
  const std::string deep_settle = R"({"settle":[{"lease":)" + std::string(100'000, '[');
  EXPECT_TRUE(Refused(ParseClaimRequest(deep_settle), "\"lease\" must be a string"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"settle":[[]]})"), "\"settle\": item 0"));
  EXPECT_TRUE(Refused(ParseClaimRequest(R"({"settle":{}})"), "must be an array"));
  std::string many = "[";
  for (size_t i = 0; i <= kMaxLeasesPerRequest; ++i) many += R"({"lease":"t"},)";
  many.back() = ']';
  EXPECT_TRUE(Refused(ParseExtendRequest(many), "more than 1000 items"));
  const std::string big_number = R"({"max":)" + std::string(100'000, '9') + "}";
  EXPECT_TRUE(Refused(ParseClaimRequest(big_number), "\"max\""));
}

TEST(LeaseBodyTest, ExtendItems) {
  auto leases = ParseExtendRequest(R"([{"lease":"a"},{"lease":"b"}])");
  ASSERT_TRUE(leases.ok()) << leases.status().ToString();
  EXPECT_EQ(*leases, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(Refused(ParseExtendRequest(R"([{}])"), "item 0: missing \"lease\""));
  EXPECT_TRUE(Refused(ParseExtendRequest(R"([{"lease":"a","outcome":"ack"}])"), "unknown field"));
  EXPECT_TRUE(Refused(ParseExtendRequest(R"({"lease":"a"})"), "an array"));
}

}  // namespace
}  // namespace strandq::http
