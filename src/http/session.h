// Copyright 2026 The strandq Authors.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>

#include "http/request_handler.h"
#include "http/server_metrics.h"

namespace strandq::http {

class SessionRegistry;

// What every session of a server shares. Outlives the sessions.
struct SessionContext {
  const HttpServerOptions& options;
  const RequestHandler& handler;
  ServerMetrics& metrics;
  SessionRegistry& registry;
};

// DESIGN
// One HTTP/1.1 connection. Everything it does runs on its socket's strand, one request at a
// time: read the head, route it (a refusal is answered without reading a body it would not
// use, closing the connection when one was announced), answer "100 Continue" when asked
// (417 for any other expectation), read the body (at most max_body_bytes), handle, write,
// and read the next request from the same buffer, so pipelined requests are answered in
// order. A malformed head or body (bad chunked framing...) is answered 400, then closed.
// A HEAD request gets the headers of its response without the body.
//
// Deadlines: a request's head must arrive whole within options.head_timeout (capped at
// options.timeout) of the connection's accept, or of its first byte on a kept-alive
// connection, which may idle for options.timeout before that byte; so slow clients cannot
// hold connection slots for long. Every other read and write has options.timeout; a client
// is closed when its deadline passes, without an answer. A connection
// closed with input still unread (a refused body, pipelined requests during a drain) shuts
// down its sending side and discards what the client still sends for a moment, so that the
// client reads the last response instead of a reset.
//
// Drain() asks the session to stop: an idle connection (no byte of a next request yet) is
// closed at once; one in the middle of a request answers it with "Connection: close". A
// long-poll (POST /v1/leases waiting for work) has no I/O pending and no deadline while it
// waits: the handler answers it later, on the session's strand.
// Lifetime: owned by the shared_ptrs its pending operations hold; gone when the last ends.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket&& socket, SessionContext& context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  void Start();
  void Drain();       // thread-safe
  void ForceClose();  // thread-safe: closes the socket now, whatever is in progress

 private:
  void ReadHeader();
  void OnFirstBytes(boost::beast::error_code ec, size_t bytes);
  void ParseHeader();
  void OnHeader(boost::beast::error_code ec, size_t bytes);
  void ReadBody();
  void OnBody(boost::beast::error_code ec, size_t bytes);
  // Hands the request to the handler; sends its response now or when a long-poll ends.
  void Dispatch();
  void SendBodyTooLarge();
  void Send(Response response, bool close);
  void OnWrite(bool close, boost::beast::error_code ec, size_t bytes);
  void Close();
  void Linger();
  void CountError(const boost::beast::error_code& ec);

  boost::beast::tcp_stream stream_;
  SessionContext& context_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  Route route_{Endpoint::kHealthz};
  Response response_;  // alive while it is written
  boost::beast::http::response<boost::beast::http::empty_body> continue_;
  std::chrono::steady_clock::time_point head_deadline_;  // for the head being read
  bool kept_alive_ = false;  // a response was written: the next request may come after idling
  bool waiting_ = false;     // reading the head of a next request
  bool draining_ = false;    // answer the current request, then close
  bool closing_ = false;
};

}  // namespace strandq::http
