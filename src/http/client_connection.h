// Copyright 2026 The strandq Authors.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strandq/result.h"

namespace strandq::http {

struct ClientResponse {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  std::string content_length;       // the header as sent
  bool keep_alive = false;          // the server keeps the connection open after this response
  std::string idempotent_replayed;  // the Idempotent-Replayed header ("true" on a repeat)
};

// A blocking HTTP/1.1 client connection that is kept alive between requests (the load
// generator's and the tests'). Each call waits at most `timeout`; on a timeout or any I/O
// error it returns Unavailable and the connection is unusable. Not thread-safe: one caller.
class ClientConnection {
 public:
  using Headers = std::vector<std::pair<std::string, std::string>>;

  // Unavailable if the server cannot be reached within `timeout`.
  static Result<std::unique_ptr<ClientConnection>> Connect(const std::string& host, uint16_t port,
                                                           std::chrono::nanoseconds timeout);

  // Sends one request and reads its response.
  Result<ClientResponse> Request(boost::beast::http::verb method, std::string_view target,
                                 std::string body = "", std::string_view content_type = "",
                                 const Headers& headers = {});

  // Writes raw bytes (pipelined or malformed requests in tests).
  Status Write(std::string_view bytes);
  // Reads the next response; `head`: the answer to a HEAD request (no body).
  Result<ClientResponse> Read(bool head = false);

  explicit ClientConnection(std::chrono::nanoseconds timeout);  // use Connect

 private:
  // Runs the I/O loop until the operation started before it completes.
  void RunOnce();

  std::chrono::nanoseconds timeout_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::string host_;
};

}  // namespace strandq::http
