// Copyright 2026 The strandq Authors.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "http/session.h"
#include "strandq/result.h"

namespace strandq::http {

// Accepts connections and starts a Session on its own strand for each. A connection beyond
// options.max_connections is answered "503" and closed at once (it never reaches a Session);
// an accept error (out of file descriptors...) pauses accepting briefly instead of failing.
// Start and Stop may be called from any thread; Stop is final.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens. Unavailable when the address cannot be bound.
  static Result<std::shared_ptr<Listener>> Open(boost::asio::io_context& io,
                                                const boost::asio::ip::tcp::endpoint& endpoint,
                                                SessionContext& context);

  void Start();
  void Stop();
  boost::asio::ip::tcp::endpoint local_endpoint() const { return local_; }

  Listener(boost::asio::io_context& io, SessionContext& context);  // use Open

 private:
  void Accept();
  void OnAccept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);
  void Refuse(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  SessionContext& context_;
  boost::asio::ip::tcp::acceptor acceptor_;  // used on its strand only
  boost::asio::steady_timer retry_;
  boost::asio::ip::tcp::endpoint local_;
};

}  // namespace strandq::http
