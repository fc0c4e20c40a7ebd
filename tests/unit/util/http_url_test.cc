// Copyright 2026 The strandq Authors.
// ParseHttpUrl: the URLs of `generate --to` and `--work http://`.

#include "util/http_url.h"

#include <gtest/gtest.h>

namespace strandq::http {
namespace {

TEST(HttpUrlTest, HostPortAndTarget) {
  auto url = ParseHttpUrl("http://127.0.0.1:8090/hooks/events?v=2");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8090);
  EXPECT_EQ(url->target, "/hooks/events?v=2");
  EXPECT_EQ(url->authority, "127.0.0.1:8090");
}

TEST(HttpUrlTest, Defaults) {
  auto url = ParseHttpUrl("http://handler.internal");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(ParseHttpUrl("http://h:1?q")->target, "/?q");
  auto v6 = ParseHttpUrl("http://[::1]:81/x");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 81);
  EXPECT_EQ(v6->authority, "[::1]:81");
}

TEST(HttpUrlTest, Refused) {
  for (const char* bad : {"https://h/x", "h:80/x", "http://", "http://:80/x", "http://h:0/",
                          "http://h:65536/", "http://h:8x/", "http://u:p@h/x", "http://h/x#f",
                          "http://h/a b", "http://h/x\r\nInjected: 1", "http://h\t:80/"}) {
    auto url = ParseHttpUrl(bad);
    EXPECT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), Status::Code::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace strandq::http
