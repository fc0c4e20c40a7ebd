// Copyright 2026 The strandq Authors.
#include "http/client_connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace strandq::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;

Status IoError(std::string_view what, const beast::error_code& ec) {
  return Status::Unavailable(std::string(what) + ": " + ec.message());
}

}  // namespace

ClientConnection::ClientConnection(std::chrono::nanoseconds timeout)
    : timeout_(timeout), stream_(io_) {}

void ClientConnection::RunOnce() {
  io_.restart();
  io_.run();
}

Result<std::unique_ptr<ClientConnection>> ClientConnection::Connect(
    const std::string& host, uint16_t port, std::chrono::nanoseconds timeout) {
  auto conn = std::make_unique<ClientConnection>(timeout);
  conn->host_ = host + ":" + std::to_string(port);
  beast::error_code ec;
  asio::ip::tcp::resolver resolver(conn->io_);
  auto endpoints = resolver.resolve(host, std::to_string(port), ec);
  if (ec) return IoError("resolving " + host, ec);
  conn->stream_.expires_after(timeout);
  conn->stream_.async_connect(endpoints, [&ec](beast::error_code e, const auto&) { ec = e; });
  conn->RunOnce();
  if (ec) return IoError("connecting to " + conn->host_, ec);
  conn->stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  return conn;
}

Result<ClientResponse> ClientConnection::Request(beast_http::verb method, std::string_view target,
                                                 std::string body, std::string_view content_type,
                                                 const Headers& headers) {
  beast_http::request<beast_http::string_body> req{
      method, beast::string_view(target.data(), target.size()), 11};
  req.set(beast_http::field::host, host_);
  if (!content_type.empty()) {
    req.set(beast_http::field::content_type,
            beast::string_view(content_type.data(), content_type.size()));
  }
  for (const auto& [name, value] : headers) req.set(name, value);
  req.body() = std::move(body);
  req.prepare_payload();
  beast::error_code ec;
  stream_.expires_after(timeout_);
  beast_http::async_write(stream_, req, [&ec](beast::error_code e, size_t) { ec = e; });
  RunOnce();
  if (ec) return IoError("sending to " + host_, ec);
  return Read(method == beast_http::verb::head);
}

Status ClientConnection::Write(std::string_view bytes) {
  beast::error_code ec;
  stream_.expires_after(timeout_);
  asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                    [&ec](beast::error_code e, size_t) { ec = e; });
  RunOnce();
  if (ec) return IoError("sending to " + host_, ec);
  return Status();
}

Result<ClientResponse> ClientConnection::Read(bool head) {
  beast_http::response_parser<beast_http::string_body> parser;
  parser.skip(head);  // the answer to a HEAD has no body, whatever its Content-Length says
  beast::error_code ec;
  stream_.expires_after(timeout_);
  beast_http::async_read(stream_, buffer_, parser, [&ec](beast::error_code e, size_t) { ec = e; });
  RunOnce();
  if (ec) return IoError("reading from " + host_, ec);
  auto& res = parser.get();
  ClientResponse out;
  out.content_length = std::string(res[beast_http::field::content_length]);
  out.status = res.result_int();
  out.keep_alive = res.keep_alive();
  out.content_type = std::string(res[beast_http::field::content_type]);
  out.idempotent_replayed = std::string(res["Idempotent-Replayed"]);
  out.body = std::move(res.body());
  return out;
}

}  // namespace strandq::http
