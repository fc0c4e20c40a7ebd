// Copyright 2026 The strandq Authors.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace strandq::testing {

using TestRequest = boost::beast::http::request<boost::beast::http::string_body>;
using TestResponse = boost::beast::http::response<boost::beast::http::string_body>;

// A real HTTP/1.1 server for one test on a free 127.0.0.1 port (Boost.Beast, a thread per
// connection, blocking I/O). `reply` answers each request (from the connection's thread; it
// may block); nothing (std::nullopt) closes the connection without an answer, and a response
// with the header kCloseAfter closes it after the answer (without saying so). Keeps every
// request it read. The destructor shuts every socket down and joins the threads.
class HttpTestServer {
 public:
  static constexpr const char* kCloseAfter = "X-Test-Close-After";
  using Reply = std::function<std::optional<TestResponse>(const TestRequest&)>;
  explicit HttpTestServer(Reply reply);
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  uint16_t port() const;
  size_t connections() const;       // accepted so far
  size_t closed_by_client() const;  // connections whose client closed them
  std::vector<TestRequest> requests() const;

  // A response with `status`, `body` and the given headers (keep-alive).
  static TestResponse Make(unsigned status, std::string body = "",
                           std::vector<std::pair<std::string, std::string>> headers = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strandq::testing
