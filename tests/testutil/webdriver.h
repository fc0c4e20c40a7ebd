// Copyright 2026 The strandq Authors.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "http/client_connection.h"
#include "strandq/result.h"
#include "testutil/subprocess.h"

namespace strandq::testing {

// A headless Chromium driven over W3C WebDriver: starts /usr/bin/chromedriver on a free
// loopback port (stopped by pid on destruction, after the session is deleted) and one browser
// session with the flags this machine needs (no sandbox as root, no background networking, a
// fresh profile in `profile_dir`). Every call waits at most `timeout` and answers the driver's
// error as a Status. Not thread-safe: one test thread.
class WebDriver {
 public:
  // Unavailable (with chromedriver's output) if the driver or the browser does not start.
  static Result<std::unique_ptr<WebDriver>> Start(
      const std::string& profile_dir, std::chrono::seconds timeout = std::chrono::seconds(60));
  ~WebDriver();
  WebDriver(const WebDriver&) = delete;
  WebDriver& operator=(const WebDriver&) = delete;

  Status Navigate(const std::string& url);
  // Runs `script` (a function body: `return ...`) in the page with `args` as arguments.
  Result<nlohmann::json> Execute(const std::string& script,
                                 nlohmann::json args = nlohmann::json::array());
  // Runs `script` every 50 ms until it returns a truthy value (returned), or fails after `wait`
  // with the last value it returned.
  Result<nlohmann::json> WaitFor(const std::string& script, std::chrono::milliseconds wait,
                                 nlohmann::json args = nlohmann::json::array());
  // The first element matching a CSS selector (its WebDriver id), or NotFound.
  Result<std::string> Find(const std::string& css);
  // Clicks / types into the first element matching `css`, as a user would (a click finds the
  // element again if the page replaced it meanwhile).
  Status Click(const std::string& css);
  Status Type(const std::string& css, const std::string& text);
  // The page as a PNG file's bytes.
  Result<std::string> Screenshot();
  // The browser's console messages so far (each {"level","message"}), since the last call.
  Result<nlohmann::json> ConsoleLog();

  WebDriver(std::unique_ptr<Subprocess> driver, int port, std::chrono::seconds timeout);  // Start

 private:
  Result<nlohmann::json> Call(boost::beast::http::verb method, const std::string& path,
                              const nlohmann::json& body = nullptr);
  Status NewSession(const std::string& profile_dir);

  std::unique_ptr<Subprocess> driver_;
  int port_;
  std::chrono::seconds timeout_;
  std::unique_ptr<http::ClientConnection> conn_;
  std::string session_;  // "/session/<id>" once started
};

}  // namespace strandq::testing
