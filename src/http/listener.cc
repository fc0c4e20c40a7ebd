// Copyright 2026 The strandq Authors.
#include "http/listener.h"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>

namespace strandq::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr std::string_view kTooMany =
    "HTTP/1.1 503 Service Unavailable\r\nServer: strandq\r\nContent-Type: application/json\r\n"
    "Connection: close\r\nContent-Length: 32\r\n\r\n{\"error\":\"too many connections\"}";

constexpr std::chrono::milliseconds kAcceptRetry{50};

}  // namespace

Listener::Listener(asio::io_context& io, SessionContext& context)
    : io_(io),
      context_(context),
      acceptor_(asio::make_strand(io)),
      retry_(acceptor_.get_executor()) {}

Result<std::shared_ptr<Listener>> Listener::Open(asio::io_context& io,
                                                 const tcp::endpoint& endpoint,
                                                 SessionContext& context) {
  auto listener = std::make_shared<Listener>(io, context);
  boost::system::error_code ec;
  tcp::acceptor& a = listener->acceptor_;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) listener->local_ = a.local_endpoint(ec);
  if (ec) {
    return Status::Unavailable("cannot listen on " + endpoint.address().to_string() + " port " +
                               std::to_string(endpoint.port()) + ": " + ec.message());
  }
  return listener;
}

void Listener::Start() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] { self->Accept(); });
}

void Listener::Stop() {
  asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
    self->retry_.cancel();
  });
}

void Listener::Accept() {
  if (!acceptor_.is_open()) return;
  acceptor_.async_accept(asio::make_strand(io_),
                         [self = shared_from_this()](boost::system::error_code ec, tcp::socket s) {
                           self->OnAccept(ec, std::move(s));
                         });
}

void Listener::OnAccept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    retry_.expires_after(kAcceptRetry);
    retry_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
      if (!wait_ec) self->Accept();
    });
    return;
  }
  if (context_.metrics.connections_open.load(std::memory_order_relaxed) >=
      context_.options.max_connections) {
    Refuse(std::move(socket));
  } else {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Session>(std::move(socket), context_)->Start();
  }
  Accept();
}

void Listener::Refuse(tcp::socket socket) {
  context_.metrics.connections_refused.fetch_add(1, std::memory_order_relaxed);
  // Best effort, never blocking: a fresh socket's send buffer takes these few bytes.
  boost::system::error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(kTooMany.data(), kTooMany.size()), ignored);
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace strandq::http
