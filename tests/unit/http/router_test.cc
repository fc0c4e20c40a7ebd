// Copyright 2026 The strandq Authors.
#include "http/router.h"

#include <gtest/gtest.h>

#include "http/bind_address.h"

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
