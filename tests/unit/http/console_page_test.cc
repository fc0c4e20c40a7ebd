// Copyright 2026 The strandq Authors.
#include "http/console_page.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "http/router.h"

namespace strandq::http {
namespace {

using boost::beast::http::verb;

bool Has(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

TEST(ConsolePageTest, ServesThePageAndItsFilesByPath) {
  auto page = FindConsoleAsset("/");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->content_type, "text/html; charset=utf-8");
  EXPECT_TRUE(Has(page->body, "<script src=\"/console.js\""));
  EXPECT_TRUE(Has(page->body, "href=\"/console.css\""));
  auto script = FindConsoleAsset("/console.js");
  ASSERT_TRUE(script.has_value());
  EXPECT_EQ(script->content_type, "text/javascript; charset=utf-8");
  auto style = FindConsoleAsset("/console.css");
  ASSERT_TRUE(style.has_value());
  EXPECT_EQ(style->content_type, "text/css; charset=utf-8");
  for (const char* path : {"/index.html", "/nope.js", "", "console.js", "/console.js/x"}) {
    EXPECT_FALSE(FindConsoleAsset(path).has_value()) << path;
  }
}

// The policy allows no inline script, and the page builds what it shows from data with
// textContent only: the files must not need or use anything else.
TEST(ConsolePageTest, NoInlineScriptAndNoHtmlFromData) {
  const std::string_view page = FindConsoleAsset("/")->body;
  for (size_t at = page.find("<script"); at != std::string_view::npos;
       at = page.find("<script", at + 1)) {
    EXPECT_TRUE(page.substr(at).starts_with("<script src=")) << page.substr(at, 60);
  }
  EXPECT_FALSE(Has(page, " style=")) << "inline styles are refused by style-src 'self'";
  EXPECT_FALSE(std::regex_search(std::string(page), std::regex(" on[a-z]+=")))
      << "inline handlers are refused by script-src 'self'";
  const std::string_view script = FindConsoleAsset("/console.js")->body;
  for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                           "eval(", "new Function"}) {
    EXPECT_FALSE(Has(script, sink)) << sink;
  }
  EXPECT_TRUE(Has(kConsoleContentSecurityPolicy, "script-src 'self'"));
  EXPECT_FALSE(Has(kConsoleContentSecurityPolicy, "unsafe"));
}

TEST(ConsolePageTest, TheStaticFilesNeedNoToken) {
  for (const char* path : {"/", "/console.js", "/console.css", "/?x=1"}) {
    auto decision = RouteRequest({verb::get, path, "", ""}, "s3cret");
    ASSERT_TRUE(std::holds_alternative<Route>(decision)) << path;
    EXPECT_EQ(std::get<Route>(decision).endpoint, Endpoint::kConsole);
  }
  auto head = RouteRequest({verb::head, "/", "", ""}, "s3cret");
  EXPECT_TRUE(std::holds_alternative<Route>(head));
  auto post = RouteRequest({verb::post, "/", "Bearer s3cret", ""}, "s3cret");
  ASSERT_TRUE(std::holds_alternative<Refusal>(post));
  EXPECT_EQ(std::get<Refusal>(post).status, 405u);
  // The API stays behind the token.
  auto stats = RouteRequest({verb::get, "/v1/stats", "", ""}, "s3cret");
  ASSERT_TRUE(std::holds_alternative<Refusal>(stats));
  EXPECT_EQ(std::get<Refusal>(stats).status, 401u);
}

}  // namespace
}  // namespace strandq::http
