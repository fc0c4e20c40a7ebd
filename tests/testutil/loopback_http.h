// Copyright 2026 The strandq Authors.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/client_connection.h"
#include "strandq/http_server.h"

namespace strandq::testing {

// What the in-process HTTP server tests share: a server over `store` on a free 127.0.0.1 port
// (`options.bind` is replaced; 2 threads unless set), or null and a test failure.
inline std::unique_ptr<HttpServer> StartLoopbackServer(Store& store,
                                                       HttpServerOptions options = {}) {
  options.bind = "127.0.0.1:0";
  if (options.threads == 0) options.threads = 2;
  auto server = HttpServer::Start(store, options);
  EXPECT_TRUE(server.ok()) << server.status().ToString();
  return server.ok() ? std::move(*server) : nullptr;
}

// The port a StartLoopbackServer server listens on.
inline uint16_t LoopbackPort(const HttpServer& server) {
  return static_cast<uint16_t>(std::stoi(server.address().substr(10)));  // "127.0.0.1:"
}

// A connection to 127.0.0.1:`port`, or null and a test failure.
inline std::unique_ptr<http::ClientConnection> ConnectLoopback(uint16_t port) {
  auto conn = http::ClientConnection::Connect("127.0.0.1", port, std::chrono::seconds(10));
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  return conn.ok() ? std::move(*conn) : nullptr;
}

}  // namespace strandq::testing
