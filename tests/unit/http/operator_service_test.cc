// Copyright 2026 The strandq Authors.
// OperatorService over a real MemoryStore, without sockets: what each endpoint answers, that a
// leased account's token is one the pull API settles, and that a refused request changes
// nothing. The HTTP round trip is tested through the binary (tests/e2e/accounts_e2e_test.cc).

#include "http/operator_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace strandq::http {
namespace {

using nlohmann::json;

class OperatorServiceTest : public ::testing::Test {
 protected:
  OperatorServiceTest() {
    EngineOptions options;
    options.lease_ttl = std::chrono::seconds(10);
    store_ = NewMemoryStore(options);
    pull_ = std::make_unique<PullService>(*store_, *LeaseTokenCodec::FromSecret(""), PullOptions{},
                                          metrics_);
    service_ = std::make_unique<OperatorService>(*store_, *pull_);
  }

  void Enqueue(const std::string& account, int n) {
    std::vector<NewEvent> batch;
    for (int i = 0; i < n; ++i) batch.push_back({account, account + "-" + std::to_string(i)});
    ASSERT_TRUE(store_->Enqueue(batch).ok());
  }

  static json Ok(const PullReply& reply) {
    EXPECT_EQ(reply.status, 200u) << reply.body;
    return json::parse(reply.body, nullptr, false);
  }

  ServerMetrics metrics_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<PullService> pull_;
  std::unique_ptr<OperatorService> service_;
};

TEST_F(OperatorServiceTest, ListsShowsPausesAndResumes) {
  Enqueue("small", 1);
  Enqueue("big", 3);
  const json list = Ok(service_->ListAccounts("sort=backlog&limit=10"));
  ASSERT_EQ(list["accounts"].size(), 2u) << list;
  EXPECT_EQ(list["accounts"][0]["account"], "big");
  EXPECT_EQ(Ok(service_->ListAccounts("limit=1"))["accounts"].size(), 1u);

  const json big = Ok(service_->GetAccount("big", "offset=1&limit=5"));
  ASSERT_EQ(big["events"].size(), 2u) << big;
  EXPECT_EQ(big["events"][0]["payload"], "big-1");
  EXPECT_EQ(service_->GetAccount("none", "").status, 404u);
  EXPECT_EQ(service_->SetPaused("none", true, "").status, 404u);

  EXPECT_EQ(Ok(service_->SetPaused("big", true, ""))["account"]["state"], "paused");
  const json paused = Ok(service_->ListAccounts("state=paused"));
  ASSERT_EQ(paused["accounts"].size(), 1u);
  EXPECT_EQ(paused["state"], "paused");
  auto leases = store_->Claim(10, std::chrono::nanoseconds(0));
  ASSERT_TRUE(leases.ok());
  ASSERT_EQ(leases->size(), 1u);  // only "small": "big" is paused
  EXPECT_EQ((*leases)[0].event.account, "small");
  EXPECT_EQ(Ok(service_->SetPaused("big", false, ""))["account"]["paused"], false);
}

// The token shown for a leased account is the pull API's: a settle with it acks the event.
TEST_F(OperatorServiceTest, LeasedAccountShowsATokenThePullApiSettles) {
  Enqueue("a", 2);
  auto leases = store_->Claim(1, std::chrono::nanoseconds(0));
  ASSERT_TRUE(leases.ok() && leases->size() == 1u);
  const json a = Ok(service_->GetAccount("a", ""))["account"];
  EXPECT_EQ(a["state"], "leased");
  ASSERT_TRUE(a["lease_token"].is_string()) << a;
  EXPECT_GT(a["due_in_ms"].get<int64_t>(), 0);
  const json settle = json::array({{{"lease", a["lease_token"]}, {"outcome", "ack"}}});
  const PullReply settled = pull_->Settle(settle.dump(), "test");
  ASSERT_EQ(settled.status, 200u);
  EXPECT_EQ(json::parse(settled.body)[0]["disposition"], "acked") << settled.body;
  EXPECT_EQ(Ok(service_->GetAccount("a", ""))["account"]["pending"], 1);
}

TEST_F(OperatorServiceTest, BadQueriesAndBodiesChangeNothing) {
  Enqueue("a", 1);
  auto leases = store_->Claim(1, std::chrono::nanoseconds(0));
  ASSERT_TRUE(leases.ok() && leases->size() == 1u);
  ASSERT_TRUE(store_->Complete((*leases)[0], Outcome::Permanent("no"), ClaimNext::kNo).ok());
  for (const char* query : {"limit=0", "limit=1001", "limit=x", "state=idle",
                            "state=", "sort=", "sort=age&sort=age", "x=1", "limit=%zz"}) {
    EXPECT_EQ(service_->ListAccounts(query).status, 400u) << query;
  }
  EXPECT_EQ(service_->GetAccount("a", "offset=-1").status, 400u);
  EXPECT_EQ(service_->ListDead("limit=0").status, 400u);
  EXPECT_EQ(service_->ReplayDead("", "{\"ids\":[]}").status, 400u);
  EXPECT_EQ(service_->PurgeDead("", "{\"ids\":[1], \"all\":true}").status, 400u);
  EXPECT_EQ(service_->PurgeDead("x=1", "{\"all\":true}").status, 400u);
  EXPECT_EQ(store_->Stats()->dead, 1u);

  const json dead = Ok(service_->ListDead(""))["dead"];
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0]["error"], "permanent failure: no");
  EXPECT_EQ(Ok(service_->ReplayDead("", R"({"all":true,"at":"tail"})"))["replayed"], 1);
  EXPECT_EQ(store_->Stats()->pending, 1u);
  EXPECT_EQ(Ok(service_->ReplayDead("", R"({"all":true})"))["replayed"], 0);
}

}  // namespace
}  // namespace strandq::http
