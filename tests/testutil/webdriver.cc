// Copyright 2026 The strandq Authors.
#include "testutil/webdriver.h"

#include <signal.h>
#include <unistd.h>

#include <boost/beast/core/detail/base64.hpp>
#include <thread>
#include <utility>
#include <vector>

#include "testutil/free_port.h"

namespace strandq::testing {
namespace {

using boost::beast::http::verb;

constexpr const char* kChromedriver = "/usr/bin/chromedriver";
constexpr const char* kChromium = "/usr/bin/chromium";
// The key under which W3C WebDriver returns an element reference.
constexpr const char* kElementKey = "element-6066-11e4-a52e-4f735466cecf";

bool Truthy(const nlohmann::json& v) {
  if (v.is_null()) return false;
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) return !v.get<std::string>().empty();
  return true;
}

}  // namespace

Result<std::unique_ptr<WebDriver>> WebDriver::Start(const std::string& profile_dir,
                                                    std::chrono::seconds timeout) {
  if (access(kChromedriver, X_OK) != 0 || access(kChromium, X_OK) != 0) {
    return Status::Unavailable(std::string(kChromedriver) + " or " + kChromium +
                               " is missing: run scripts/install-deps (Debian packages "
                               "chromium and chromium-driver)");
  }
  const int port = FreeLoopbackPort();
  auto driver = std::make_unique<Subprocess>(std::vector<std::string>{
      kChromedriver, "--port=" + std::to_string(port), "--allowed-ips=127.0.0.1"});
  auto self = std::make_unique<WebDriver>(std::move(driver), port, timeout);
  // Ready once /status answers {"value":{"ready":true}}.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool ready = false;
  while (!ready && std::chrono::steady_clock::now() < deadline) {
    auto status = self->Call(verb::get, "/status");
    ready = status.ok() && status->value("ready", false);
    if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!ready) {
    return Status::Unavailable("chromedriver did not come up on port " + std::to_string(port) +
                               ": " + self->driver_->OutputSoFar());
  }
  if (Status s = self->NewSession(profile_dir); !s.ok()) return s;
  return self;
}

WebDriver::WebDriver(std::unique_ptr<Subprocess> driver, int port, std::chrono::seconds timeout)
    : driver_(std::move(driver)), port_(port), timeout_(timeout) {}

WebDriver::~WebDriver() {
  if (!session_.empty()) (void)Call(verb::delete_, session_);  // quits the browser
  driver_->Signal(SIGTERM);
  driver_->Wait(std::chrono::seconds(10));  // SIGKILL after that
}

Status WebDriver::NewSession(const std::string& profile_dir) {
  // Headless as root, and quiet: without the background-networking flags the browser keeps
  // trying hosts that this machine's closed network refuses.
  const nlohmann::json args = {"--headless",
                               "--no-sandbox",
                               "--disable-gpu",
                               "--disable-quic",
                               "--no-first-run",
                               "--disable-background-networking",
                               "--disable-component-update",
                               "--disable-sync",
                               "--disable-dev-shm-usage",
                               "--window-size=1280,1000",
                               "--user-data-dir=" + profile_dir};
  const nlohmann::json caps = {{"capabilities",
                                {{"alwaysMatch",
                                  {{"browserName", "chrome"},
                                   {"goog:chromeOptions", {{"binary", kChromium}, {"args", args}}},
                                   {"goog:loggingPrefs", {{"browser", "ALL"}}}}}}}};
  auto session = Call(verb::post, "/session", caps);
  if (!session.ok()) return session.status();
  session_ = "/session/" + session->value("sessionId", "");
  return Status();
}

Result<nlohmann::json> WebDriver::Call(verb method, const std::string& path,
                                       const nlohmann::json& body) {
  auto conn = http::ClientConnection::Connect("127.0.0.1", static_cast<uint16_t>(port_), timeout_);
  if (!conn.ok()) return conn.status();
  auto res = (*conn)->Request(method, path, method == verb::post ? body.dump() : "",
                              method == verb::post ? "application/json" : "");
  if (!res.ok()) return res.status();
  auto reply = nlohmann::json::parse(res->body, nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) {
    return Status::Internal("WebDriver " + path + ": not JSON: " + res->body.substr(0, 200));
  }
  nlohmann::json value = reply.value("value", nlohmann::json());
  if (res->status != 200) {
    const bool missing = value.is_object() && value.value("error", "") == "no such element";
    const std::string what = "WebDriver " + path + ": " + res->body.substr(0, 500);
    return missing ? Status::NotFound(what) : Status::Internal(what);
  }
  return value;
}

Status WebDriver::Navigate(const std::string& url) {
  auto r = Call(verb::post, session_ + "/url", {{"url", url}});
  return r.ok() ? Status() : r.status();
}

Result<nlohmann::json> WebDriver::Execute(const std::string& script, nlohmann::json args) {
  return Call(verb::post, session_ + "/execute/sync",
              {{"script", script}, {"args", std::move(args)}});
}

Result<nlohmann::json> WebDriver::WaitFor(const std::string& script, std::chrono::milliseconds wait,
                                          nlohmann::json args) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  nlohmann::json last;
  while (true) {
    auto value = Execute(script, args);
    if (!value.ok()) return value.status();
    if (Truthy(*value)) return value;
    last = std::move(*value);
    if (std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Status::Unavailable("waited " + std::to_string(wait.count()) + " ms for `" + script +
                             "`; it last returned " + last.dump());
}

Result<std::string> WebDriver::Find(const std::string& css) {
  auto found = Call(verb::post, session_ + "/element", {{"using", "css selector"}, {"value", css}});
  if (!found.ok()) return found.status();
  if (!found->is_object() || !found->contains(kElementKey) || !(*found)[kElementKey].is_string()) {
    return Status::Internal("WebDriver find '" + css + "': no element reference in " +
                            found->dump());
  }
  return (*found)[kElementKey].get<std::string>();
}

Status WebDriver::Click(const std::string& css) {
  Status clicked;
  // A page that redraws may replace the element between Find and the click: find it again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto id = Find(css);
    if (!id.ok()) return id.status();
    auto r = Call(verb::post, session_ + "/element/" + *id + "/click", nlohmann::json::object());
    if (r.ok()) return Status();
    clicked = r.status();
    if (clicked.message().find("stale element reference") == std::string::npos) break;
  }
  return clicked;
}

Status WebDriver::Type(const std::string& css, const std::string& text) {
  auto id = Find(css);
  if (!id.ok()) return id.status();
  auto r = Call(verb::post, session_ + "/element/" + *id + "/value", {{"text", text}});
  return r.ok() ? Status() : r.status();
}

Result<std::string> WebDriver::Screenshot() {
  auto shot = Call(verb::get, session_ + "/screenshot");
  if (!shot.ok()) return shot.status();
  if (!shot->is_string()) return Status::Internal("WebDriver screenshot: not a string");
  const std::string b64 = shot->get<std::string>();
  std::string png(boost::beast::detail::base64::decoded_size(b64.size()), '\0');
  png.resize(boost::beast::detail::base64::decode(png.data(), b64.data(), b64.size()).first);
  return png;
}

Result<nlohmann::json> WebDriver::ConsoleLog() {
  return Call(verb::post, session_ + "/se/log", {{"type", "browser"}});
}

}  // namespace strandq::testing
