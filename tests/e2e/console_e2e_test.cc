// Copyright 2026 The strandq Authors.
// End to end: the browser console of the real `strandq serve` (GET /), in headless Chromium
// driven over WebDriver: what it shows against the JSON API, its buttons, its token prompt,
// and that user data (handler errors, payloads) is shown as text. Chromium comes from
// scripts/install-deps; without it these tests fail.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "e2e/serve_e2e_util.h"
#include "testutil/temp_dir.h"
#include "testutil/webdriver.h"

namespace strandq {
namespace {

using testing::TempDir;
using testing::WebDriver;

// Long enough for a loaded machine; the page polls once a second.
constexpr auto kConsoleWait = std::chrono::seconds(20);

#define CONSOLE_ASSERT_OK(expr)                             \
  do {                                                      \
    const Status s_ = (expr);                               \
    ASSERT_TRUE(s_.ok()) << #expr << ": " << s_.ToString(); \
  } while (0)

class ConsoleE2eTest : public ::testing::Test {
 protected:
  // Starts the browser and opens the console of `server` (`hash`: a view such as
  // "#account=a"); waits for its first complete poll.
  void OpenConsole(const Server& server, const std::string& hash = "") {
    auto driver = WebDriver::Start(dir_.File("profile"));
    ASSERT_TRUE(driver.ok()) << driver.status().ToString();
    browser_ = std::move(*driver);
    CONSOLE_ASSERT_OK(browser_->Navigate(server.url() + "/" + hash));
    ASSERT_TRUE(WaitOnPage("return document.documentElement.dataset.polls >= 1;"));
  }

  // Waits for `script` to return a truthy value; on a timeout, fails with the page's text.
  ::testing::AssertionResult WaitOnPage(const std::string& script,
                                        nlohmann::json args = nlohmann::json::array()) {
    auto value = browser_->WaitFor(script, kConsoleWait, std::move(args));
    if (value.ok()) return ::testing::AssertionSuccess();
    auto text = browser_->Execute("return document.body.innerText;");
    return ::testing::AssertionFailure() << value.status().ToString() << "\npage:\n"
                                         << (text.ok() ? text->dump() : text.status().ToString());
  }

  // The gauge `name` as the page shows it (its data-value), "" if it shows none.
  std::string Gauge(const std::string& name) {
    auto v = browser_->Execute(
        "const g = document.getElementById('gauge-' + arguments[0]);"
        "return g ? g.dataset.value : null;",
        {name});
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() && v->is_string() ? v->get<std::string>() : "";
  }

  // Waits until the page shows `value` for the gauge `name`.
  ::testing::AssertionResult WaitForGauge(const std::string& name, uint64_t value) {
    return WaitOnPage(
        "const g = document.getElementById('gauge-' + arguments[0]);"
        "return g !== null && g.dataset.value === arguments[1];",
        {name, std::to_string(value)});
  }

  TempDir dir_;
  std::unique_ptr<WebDriver> browser_;  // stopped before dir_ (its profile) is removed
};

// POST /v1/events (a JSON array of events), expecting 202.
void PostConsoleEvents(const Server& server, const nlohmann::json& events,
                       const ClientConnection::Headers& headers = {}) {
  auto conn = server.Connect();
  ASSERT_NE(conn, nullptr);
  auto res = Call(*conn, verb::post, "/v1/events", events.dump(), "application/json", headers);
  EXPECT_EQ(res.status, 202u) << res.body;
}

// GET `target` from the server, expecting 200.
http::ClientResponse GetConsole(const Server& server, const std::string& target,
                                const ClientConnection::Headers& headers = {}) {
  auto conn = server.Connect();
  if (conn == nullptr) return {};
  auto res = Call(*conn, verb::get, target, "", "", headers);
  EXPECT_EQ(res.status, 200u) << target << ": " << res.body;
  return res;
}

// Waits until /v1/stats shows `value` for store.<key>.
bool WaitForStoreStat(const Server& server, const std::string& key, uint64_t value,
                      const ClientConnection::Headers& headers = {}) {
  const auto deadline = std::chrono::steady_clock::now() + kConsoleWait;
  while (std::chrono::steady_clock::now() < deadline) {
    if (Stats(server, headers)["store"].value(key, uint64_t{0}) == value) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "store." << key << " never reached " << value << ": " << Stats(server, headers);
  return false;
}

TEST_F(ConsoleE2eTest, PageLoadsUnderItsPolicyAndShowsTheGaugesOfStats) {
  Server server({"--workers", "0"});
  ASSERT_TRUE(server.up());
  PostConsoleEvents(server, {{{"account", "a1"}, {"payload", "x"}},
                             {{"account", "a1"}, {"payload", "y"}},
                             {{"account", "b2"}, {"payload", 3}}});
  EXPECT_TRUE(Contains(GetConsole(server, "/").content_type, "text/html"));
  EXPECT_TRUE(Contains(GetConsole(server, "/console.js").content_type, "text/javascript"));
  EXPECT_TRUE(Contains(GetConsole(server, "/console.css").content_type, "text/css"));

  OpenConsole(server);
  const nlohmann::json store = Stats(server)["store"];
  for (const char* name :
       {"pending", "accounts", "ready", "leased", "delayed", "parked", "dead", "paused"}) {
    if (!store.contains(name)) continue;  // older servers have no "paused"
    EXPECT_EQ(Gauge(name), std::to_string(store[name].get<uint64_t>())) << name;
  }
  EXPECT_EQ(Gauge("pending"), "3");
  EXPECT_EQ(Gauge("accounts"), "2");

  // Live: new events show without a reload.
  PostConsoleEvents(server, {{{"account", "c3"}}});
  EXPECT_TRUE(WaitForGauge("pending", 4));
  EXPECT_TRUE(WaitForGauge("accounts", 3));
  // Both charts are drawn (one point per poll).
  EXPECT_TRUE(
      WaitOnPage("return document.querySelectorAll('#chart-rate polyline').length === 2 &&"
                 " document.querySelectorAll('#chart-pending polyline').length === 1;"));

  // The largest backlog first; a click opens the account's pending events in order.
  EXPECT_TRUE(
      WaitOnPage("const a = document.querySelector('#backlog a.account');"
                 "return a !== null && a.textContent === 'a1';"));
  auto shown_errors = browser_->Execute("return document.getElementById('errors').innerText;");
  ASSERT_TRUE(shown_errors.ok());
  EXPECT_EQ(*shown_errors, "") << "every API call of the page answered";
  CONSOLE_ASSERT_OK(browser_->Click("#backlog a.account"));
  EXPECT_TRUE(WaitOnPage(
      "const rows = [...document.querySelectorAll('#account-events tr')].slice(1);"
      "return document.getElementById('account-name').textContent === 'a1' &&"
      " rows.map((r) => r.cells[1].textContent + ':' + r.cells[6].textContent).join() ==="
      " '1:x,2:y';"));

  // Nothing of the page's own was refused by its Content-Security-Policy, and the policy is in
  // force: an inline script (as an injected one would be) is refused.
  auto log = browser_->ConsoleLog();
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  for (const auto& entry : *log) {
    EXPECT_FALSE(Contains(entry.value("message", ""), "Content Security Policy")) << entry;
  }
  auto inline_ran = browser_->Execute(
      "const s = document.createElement('script'); s.textContent = 'window.inlineRan = true;';"
      "document.head.append(s); return window.inlineRan === true;");
  ASSERT_TRUE(inline_ran.ok()) << inline_ran.status().ToString();
  EXPECT_EQ(*inline_ran, false);
  log = browser_->ConsoleLog();
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE(Contains(log->dump(), "violates the following Content Security Policy")) << *log;
}

TEST_F(ConsoleE2eTest, AsksForTheTokenAndUsesIt) {
  Server server({"--workers", "0", "--token", "s3cret"});
  ASSERT_TRUE(server.up());
  const ClientConnection::Headers auth = {{"Authorization", "Bearer s3cret"}};
  PostConsoleEvents(server, {{{"account", "t1"}}, {{"account", "t2"}}}, auth);
  GetConsole(server, "/");  // the static page needs no token

  OpenConsole(server);
  ASSERT_TRUE(WaitOnPage("return !document.getElementById('token-form').hidden;"));
  EXPECT_EQ(Gauge("pending"), "");  // nothing shown without the token
  auto listed = browser_->Execute("return document.getElementById('errors').hidden;");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(*listed, true) << "the token form is the message; the 401s are not listed";
  CONSOLE_ASSERT_OK(browser_->Type("#token-input", "wrong"));
  CONSOLE_ASSERT_OK(browser_->Click("#token-submit"));
  ASSERT_TRUE(
      WaitOnPage("return !document.getElementById('token-form').hidden && "
                 "document.getElementById('token-why').textContent.includes('refused');"));
  CONSOLE_ASSERT_OK(browser_->Type("#token-input", "s3cret"));
  CONSOLE_ASSERT_OK(browser_->Click("#token-submit"));
  EXPECT_TRUE(WaitForGauge("pending", 2));
  EXPECT_TRUE(WaitOnPage("return document.getElementById('token-form').hidden;"));
  auto kept = browser_->Execute("return sessionStorage.getItem('strandq.token');");
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, "s3cret");
}

TEST_F(ConsoleE2eTest, PausesAndResumesAnAccountFromItsPage) {
  Server server({"--workers", "2", "--work", "sleep:1ms"});
  ASSERT_TRUE(server.up());
  PostConsoleEvents(server, {{{"account", "acct-p"}, {"payload", "first"}}});
  ASSERT_TRUE(WaitForStoreStat(server, "acked", 1));

  OpenConsole(server, "#account=acct-p");
  ASSERT_TRUE(WaitOnPage("return !document.getElementById('account-pause').disabled;"));
  CONSOLE_ASSERT_OK(browser_->Click("#account-pause"));
  ASSERT_TRUE(WaitOnPage("return document.getElementById('account-pause').disabled;"));
  auto conn = server.Connect();
  auto account = Call(*conn, verb::get, "/v1/accounts/acct-p");
  ASSERT_EQ(account.status, 200u) << account.body;
  EXPECT_EQ(nlohmann::json::parse(account.body)["account"]["paused"], true) << account.body;

  // Paused: new events wait, in order, on the account's page.
  PostConsoleEvents(server, {{{"account", "acct-p"}, {"payload", "second"}},
                             {{"account", "acct-p"}, {"payload", "third"}}});
  ASSERT_TRUE(WaitOnPage("return document.querySelectorAll('#account-events tr').length === 3;"));
  auto seqs = browser_->Execute(
      "return [...document.querySelectorAll('#account-events tr')].slice(1)"
      ".map((r) => r.cells[1].textContent + ':' + r.cells[6].textContent);");
  ASSERT_TRUE(seqs.ok()) << seqs.status().ToString();
  EXPECT_EQ(*seqs, nlohmann::json({"2:second", "3:third"}));
  EXPECT_EQ(Stats(server)["store"]["acked"], 1);

  CONSOLE_ASSERT_OK(browser_->Click("#account-resume"));
  EXPECT_TRUE(WaitForStoreStat(server, "acked", 3));
  EXPECT_TRUE(WaitOnPage("return document.getElementById('account-resume').disabled;"));
}

TEST_F(ConsoleE2eTest, ReplaysADeadLetterAndShowsItsErrorAsText) {
  // The handler fails, echoing the payload (user data with HTML in it) as its error, until
  // the file `ok` exists.
  const std::string ok = dir_.File("ok");
  Server server({"--workers", "1", "--max-attempts", "1", "--store", "sqlite:" + dir_.File("q.db"),
                 "--work", "exec:test -f " + ok + " || { cat >&2; exit 1; }"});
  ASSERT_TRUE(server.up());
  const std::string html = "<img src=x onerror=\"window.pwned=1\"><b>bold</b>";
  PostConsoleEvents(server, {{{"account", "acct-d"}, {"payload", html}}});
  ASSERT_TRUE(WaitForStoreStat(server, "dead", 1));

  OpenConsole(server);
  ASSERT_TRUE(WaitForGauge("dead", 1));
  ASSERT_TRUE(WaitOnPage("return document.querySelectorAll('#dead button.replay').length === 1;"));
  auto shown = browser_->Execute(
      "return {error: document.querySelector('#dead .last-error').textContent,"
      " payload: document.querySelector('#dead code').textContent,"
      " elements: document.querySelectorAll('#dead img, #dead b').length,"
      " pwned: window.pwned === 1};");
  ASSERT_TRUE(shown.ok()) << shown.status().ToString();
  EXPECT_TRUE(Contains((*shown)["error"].get<std::string>(), html)) << *shown;
  EXPECT_EQ((*shown)["payload"], html);
  EXPECT_EQ((*shown)["elements"], 0);
  EXPECT_EQ((*shown)["pwned"], false);

  testing::WriteFile(ok, "");
  CONSOLE_ASSERT_OK(browser_->Click("#dead button.replay"));
  EXPECT_TRUE(WaitForStoreStat(server, "acked", 1));
  EXPECT_TRUE(WaitForStoreStat(server, "dead", 0));
  EXPECT_TRUE(WaitForGauge("dead", 0));
  EXPECT_TRUE(WaitOnPage("return document.querySelector('#dead td.empty') !== null;"));
}

}  // namespace
}  // namespace strandq
