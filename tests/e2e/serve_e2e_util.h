// Copyright 2026 The strandq Authors.
// What the e2e tests of `strandq serve` share: a serve child on a free loopback port, requests
// over a ClientConnection, /v1/stats, running the binary.
#pragma once

#include <algorithm>
#include <chrono>
#include <csignal>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "e2e/e2e_util.h"
#include "http/client_connection.h"
#include "testutil/subprocess.h"

namespace strandq {

using boost::beast::http::verb;
using http::ClientConnection;
using testing::ProcessResult;
using testing::RunProcess;
using testing::Subprocess;

// A `strandq serve` child bound to a port of the system's choosing; on mem: unless `args`
// name a --store (serve's default database would land in the tests' working directory).
class Server {
 public:
  explicit Server(std::vector<std::string> args, std::string bind = "127.0.0.1:0") {
    if (std::find(args.begin(), args.end(), "--store") == args.end()) {
      args.insert(args.end(), {"--store", "mem:"});
    }
    args.insert(args.begin(), {STRANDQ_BINARY, "serve", "--bind", bind});
    process_ = std::make_unique<Subprocess>(args);
    for (int i = 0; i < 2000 && address_.empty(); ++i) {
      const std::string out = process_->OutputSoFar();
      const size_t at = out.find("listening on ");
      const size_t eol = out.find('\n', at);
      if (at != std::string::npos && eol != std::string::npos) {
        address_ = out.substr(at + 13, eol - at - 13);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  bool up() const { return !address_.empty(); }
  const std::string& address() const { return address_; }
  std::string url() const { return "http://" + address_; }
  uint16_t port() const {
    return static_cast<uint16_t>(std::stoi(address_.substr(address_.rfind(':') + 1)));
  }
  std::string host() const {
    const std::string h = address_.substr(0, address_.rfind(':'));
    return h.front() == '[' ? h.substr(1, h.size() - 2) : h;
  }

  std::unique_ptr<ClientConnection> Connect() const {
    auto conn = ClientConnection::Connect(host(), port(), std::chrono::seconds(10));
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    return conn.ok() ? std::move(*conn) : nullptr;
  }

  // SIGTERM, then the exit status and output.
  ProcessResult Stop() {
    process_->Signal(SIGTERM);
    return process_->Wait(std::chrono::seconds(60));
  }
  // SIGKILL (a crash), then the exit status and output.
  ProcessResult Kill() {
    process_->Signal(SIGKILL);
    return process_->Wait(std::chrono::seconds(60));
  }
  // Waits for the server to end by itself (killed after `timeout`).
  ProcessResult Wait(std::chrono::milliseconds timeout) { return process_->Wait(timeout); }
  pid_t pid() const { return process_->pid(); }

 private:
  std::unique_ptr<Subprocess> process_;
  std::string address_;
};

inline http::ClientResponse Call(ClientConnection& conn, verb method, const std::string& target,
                                 std::string body = "", const std::string& type = "",
                                 const ClientConnection::Headers& headers = {}) {
  auto res = conn.Request(method, target, std::move(body), type, headers);
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  return res.ok() ? *res : http::ClientResponse{};
}

inline nlohmann::json Stats(const Server& server, const ClientConnection::Headers& headers = {}) {
  auto conn = server.Connect();
  auto res = Call(*conn, verb::get, "/v1/stats", "", "", headers);
  EXPECT_EQ(res.status, 200u) << res.body;
  return nlohmann::json::parse(res.body);
}

}  // namespace strandq
