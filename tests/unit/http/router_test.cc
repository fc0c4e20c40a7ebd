// Copyright 2026 The strandq Authors.
#include "http/router.h"

#include <gtest/gtest.h>

#include "http/bind_address.h"
#include "strandq/event.h"

namespace strandq::http {
namespace {

using boost::beast::http::verb;

struct Case {
  verb method;
  std::string target, authorization, content_type;
  unsigned status;  // 0 = routed
};

TEST(RouterTest, RoutesAndRefusalsInOrder) {
  const std::string token = "s3cret";
  const std::vector<Case> cases = {
      {verb::get, "/healthz", "", "", 0},   // exempt from the token
      {verb::head, "/healthz", "", "", 0},  // probes may use HEAD
      {verb::post, "/healthz", "", "", 405},
      {verb::get, "/v1/stats", "", "", 401},
      {verb::get, "/v1/stats", "Bearer wrong", "", 401},
      {verb::get, "/v1/stats", "Bearer s3cret2", "", 401},
      {verb::get, "/v1/stats", "Basic s3cret", "", 401},
      {verb::get, "/v1/stats", "Bearer s3cret", "", 0},
      {verb::get, "/metrics?x=1", "bearer  s3cret ", "", 0},
      {verb::get, "/nope", "", "", 401},  // no path is revealed without the token
      {verb::get, "/nope", "Bearer s3cret", "", 404},
      {verb::put, "/v1/stats", "Bearer s3cret", "", 405},
      {verb::get, "/v1/events", "Bearer s3cret", "", 405},
      {verb::post, "/v1/events", "Bearer s3cret", "text/plain", 415},
      {verb::post, "/v1/events", "Bearer s3cret", "application/x-www-form-urlencoded", 415},
      {verb::post, "/v1/events", "Bearer s3cret", "", 0},
      {verb::post, "/v1/events", "Bearer s3cret", "Application/JSON; charset=utf-8", 0},
      {verb::post, "/v1/events", "Bearer s3cret", "application/x-ndjson", 0},
  };
  for (const Case& c : cases) {
    auto decision = RouteRequest({c.method, c.target, c.authorization, c.content_type}, token);
    const std::string what = std::string(boost::beast::http::to_string(c.method)) + " " + c.target +
                             " auth='" + c.authorization + "' type='" + c.content_type + "'";
    if (c.status == 0) {
      EXPECT_TRUE(std::holds_alternative<Route>(decision)) << what;
    } else {
      ASSERT_TRUE(std::holds_alternative<Refusal>(decision)) << what;
      EXPECT_EQ(std::get<Refusal>(decision).status, c.status) << what;
    }
  }
}

TEST(RouterTest, EndpointsFormatsAndAllow) {
  auto events = RouteRequest({verb::post, "/v1/events", "", "application/x-ndjson"}, "");
  EXPECT_EQ(std::get<Route>(events).endpoint, Endpoint::kPostEvents);
  EXPECT_EQ(std::get<Route>(events).format, BodyFormat::kNdjson);
  auto json = RouteRequest({verb::post, "/v1/events", "", ""}, "");
  EXPECT_EQ(std::get<Route>(json).format, BodyFormat::kJson);
  EXPECT_EQ(std::get<Route>(RouteRequest({verb::get, "/metrics", "", ""}, "")).endpoint,
            Endpoint::kMetrics);
  EXPECT_EQ(std::get<Route>(RouteRequest({verb::get, "/v1/stats", "", ""}, "")).endpoint,
            Endpoint::kStats);
  EXPECT_EQ(std::get<Refusal>(RouteRequest({verb::get, "/v1/events", "", ""}, "")).allow, "POST");
  // Without a token nothing needs one.
  EXPECT_TRUE(std::holds_alternative<Route>(RouteRequest({verb::get, "/v1/stats", "", ""}, "")));
}

TEST(RouterTest, PullEndpointsTakeAuthorizedJsonPosts) {
  const std::string token = "s3cret";
  auto route = [&](verb method, std::string_view path, std::string_view auth,
                   std::string_view type) {
    return RouteRequest({method, path, auth, type}, token);
  };
  EXPECT_EQ(std::get<Route>(route(verb::post, "/v1/leases", "Bearer s3cret", "")).endpoint,
            Endpoint::kClaimLeases);
  EXPECT_EQ(std::get<Route>(route(verb::post, "/v1/leases/settle?x", "Bearer s3cret",
                                  "application/json; charset=utf-8"))
                .endpoint,
            Endpoint::kSettleLeases);
  EXPECT_EQ(std::get<Route>(route(verb::post, "/v1/leases/extend", "Bearer s3cret", "")).endpoint,
            Endpoint::kExtendLeases);
  EXPECT_EQ(std::get<Refusal>(route(verb::post, "/v1/leases", "", "")).status, 401u);
  EXPECT_EQ(std::get<Refusal>(route(verb::post, "/v1/leases/settle", "Bearer no", "")).status,
            401u);
  const Refusal get = std::get<Refusal>(route(verb::get, "/v1/leases", "Bearer s3cret", ""));
  EXPECT_EQ(get.status, 405u);
  EXPECT_EQ(get.allow, "POST");
  EXPECT_EQ(std::get<Refusal>(
                route(verb::post, "/v1/leases/extend", "Bearer s3cret", "application/x-ndjson"))
                .status,
            415u);
  EXPECT_EQ(std::get<Refusal>(route(verb::post, "/v1/leases/other", "Bearer s3cret", "")).status,
            404u);
}

TEST(RouterTest, AccountAndDeadLetterPaths) {
  const std::string token = "s3cret";
  auto route = [&](verb method, std::string_view path, std::string_view type = "") {
    return RouteRequest({method, path, "Bearer s3cret", type}, token);
  };
  auto endpoint = [&](verb method, std::string_view path) {
    return std::get<Route>(route(method, path)).endpoint;
  };
  EXPECT_EQ(endpoint(verb::get, "/v1/accounts?sort=age"), Endpoint::kListAccounts);
  EXPECT_EQ(endpoint(verb::get, "/v1/dead?limit=3"), Endpoint::kListDead);
  EXPECT_EQ(endpoint(verb::post, "/v1/dead/replay"), Endpoint::kReplayDead);
  EXPECT_EQ(endpoint(verb::post, "/v1/dead/purge"), Endpoint::kPurgeDead);
  const Route get = std::get<Route>(route(verb::get, "/v1/accounts/acct%2D7?limit=5"));
  EXPECT_EQ(get.endpoint, Endpoint::kGetAccount);
  EXPECT_EQ(get.account, "acct-7");
  const Route pause = std::get<Route>(route(verb::post, "/v1/accounts/a:b@c/pause"));
  EXPECT_EQ(pause.endpoint, Endpoint::kPauseAccount);
  EXPECT_EQ(pause.account, "a:b@c");
  const Route resume = std::get<Route>(route(verb::post, "/v1/accounts/pause/resume"));
  EXPECT_EQ(resume.endpoint, Endpoint::kResumeAccount);
  EXPECT_EQ(resume.account, "pause");
  // An account may be named "pause": GET reads it.
  EXPECT_EQ(std::get<Route>(route(verb::get, "/v1/accounts/pause")).account, "pause");

  const std::vector<std::pair<Refusal, unsigned>> refused = {
      {std::get<Refusal>(RouteRequest({verb::get, "/v1/accounts", "", ""}, token)), 401},
      {std::get<Refusal>(RouteRequest({verb::post, "/v1/dead/purge", "", ""}, token)), 401},
      {std::get<Refusal>(route(verb::post, "/v1/accounts")), 405},
      {std::get<Refusal>(route(verb::post, "/v1/accounts/a")), 405},
      {std::get<Refusal>(route(verb::get, "/v1/accounts/a/pause")), 405},
      {std::get<Refusal>(route(verb::delete_, "/v1/dead")), 405},
      {std::get<Refusal>(route(verb::get, "/v1/dead/replay")), 405},
      {std::get<Refusal>(route(verb::post, "/v1/dead/purge", "text/plain")), 415},
      {std::get<Refusal>(route(verb::get, "/v1/accounts/")), 404},
      {std::get<Refusal>(route(verb::get, "/v1/accounts/a/b")), 404},
      {std::get<Refusal>(route(verb::post, "/v1/accounts/a/resume/pause")), 404},
      {std::get<Refusal>(route(verb::post, "/v1/accounts/a/stop")), 404},
      {std::get<Refusal>(route(verb::get, "/v1/dead/other")), 404},
  };
  for (const auto& [refusal, status] : refused)
    EXPECT_EQ(refusal.status, status) << refusal.message;
  EXPECT_EQ(std::get<Refusal>(route(verb::post, "/v1/accounts/a")).allow, "GET");
  EXPECT_EQ(std::get<Refusal>(route(verb::get, "/v1/accounts/a/pause")).allow, "POST");
}

// The account in the path is decoded and checked: a bad escape, a byte no account has, or an
// overlong name is a 400 naming the problem, never a store call.
TEST(RouterTest, AccountInThePathIsDecodedAndValidated) {
  auto refusal = [](std::string_view path) {
    auto decision = RouteRequest({verb::get, path, "", ""}, "");
    EXPECT_TRUE(std::holds_alternative<Refusal>(decision)) << path;
    return std::holds_alternative<Refusal>(decision) ? std::get<Refusal>(decision) : Refusal{};
  };
  for (const char* bad : {"/v1/accounts/a%2", "/v1/accounts/%zz", "/v1/accounts/a%"}) {
    const Refusal r = refusal(bad);
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_NE(r.message.find("percent-encoding"), std::string::npos) << r.message;
  }
  for (const char* bad :
       {"/v1/accounts/a%20b", "/v1/accounts/a%2Fb", "/v1/accounts/%00", "/v1/accounts/%C3%A9"}) {
    const Refusal r = refusal(bad);
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_NE(r.message.find("the account in the path"), std::string::npos) << r.message;
  }
  const std::string longest = "/v1/accounts/" + std::string(kMaxAccountBytes, 'a');
  EXPECT_TRUE(std::holds_alternative<Route>(RouteRequest({verb::get, longest, "", ""}, "")));
  const Refusal overlong = refusal(longest + "a");
  EXPECT_EQ(overlong.status, 400u);
  EXPECT_NE(overlong.message.find("128"), std::string::npos) << overlong.message;
  const Refusal huge = refusal("/v1/accounts/" + std::string(100'000, '%'));
  EXPECT_EQ(huge.status, 400u);
  EXPECT_LT(huge.message.size(), 400u);
}

TEST(BindAddressTest, ParsesIpv4Ipv6AndLocalhost) {
  auto v4 = ParseBindAddress("127.0.0.1:8080");
  ASSERT_TRUE(v4.ok()) << v4.status().ToString();
  EXPECT_EQ(FormatEndpoint(*v4), "127.0.0.1:8080");
  auto v6 = ParseBindAddress("[::1]:0");
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_TRUE(v6->address().is_v6());
  EXPECT_EQ(FormatEndpoint(*v6), "[::1]:0");
  auto local = ParseBindAddress("localhost:9");
  ASSERT_TRUE(local.ok());
  EXPECT_EQ(FormatEndpoint(*local), "127.0.0.1:9");
  EXPECT_TRUE(ParseBindAddress("0.0.0.0:80").ok());
}

TEST(BindAddressTest, RefusesWhatItCannotBind) {
  for (const char* bad : {"8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:x",
                          "::1:8080", "[127.0.0.1]:80", "example.com:80", "[::1:80"}) {
    auto parsed = ParseBindAddress(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace strandq::http
