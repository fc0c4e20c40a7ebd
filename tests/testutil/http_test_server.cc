// Copyright 2026 The strandq Authors.
#include "testutil/http_test_server.h"

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>
#include <thread>

namespace strandq::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

struct HttpTestServer::Impl {
  Reply reply;
  asio::io_context io;
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  mutable std::mutex mu;
  std::vector<std::unique_ptr<tcp::socket>> sockets;  // guarded by mu
  std::vector<std::thread> threads;                   // guarded by mu
  std::vector<TestRequest> requests;                  // guarded by mu
  size_t closed_by_client = 0;                        // guarded by mu
  bool stopping = false;                              // guarded by mu
  std::thread acceptor_thread;

  void Accept() {
    for (;;) {
      auto socket = std::make_unique<tcp::socket>(io);
      beast::error_code ec;
      acceptor.accept(*socket, ec);
      std::lock_guard lock(mu);
      if (ec || stopping) return;
      tcp::socket* s = socket.get();
      sockets.push_back(std::move(socket));
      threads.emplace_back([this, s] { Serve(*s); });
    }
  }

  void Serve(tcp::socket& socket) {
    beast::flat_buffer buffer;
    for (;;) {
      TestRequest req;
      beast::error_code ec;
      bhttp::read(socket, buffer, req, ec);
      if (ec) {
        std::lock_guard lock(mu);
        if (ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset) {
          ++closed_by_client;
        }
        return;
      }
      {
        std::lock_guard lock(mu);
        requests.push_back(req);
      }
      std::optional<TestResponse> res = reply(req);
      if (!res) return (void)::shutdown(socket.native_handle(), SHUT_RDWR);
      const bool close_after = res->count(kCloseAfter) > 0;
      res->erase(kCloseAfter);
      res->prepare_payload();
      bhttp::write(socket, *res, ec);
      if (ec) return;
      if (close_after) return (void)::shutdown(socket.native_handle(), SHUT_RDWR);
    }
  }
};

HttpTestServer::HttpTestServer(Reply reply) : impl_(std::make_unique<Impl>()) {
  impl_->reply = std::move(reply);
  impl_->acceptor_thread = std::thread([this] { impl_->Accept(); });
}

HttpTestServer::~HttpTestServer() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
    for (auto& s : impl_->sockets) ::shutdown(s->native_handle(), SHUT_RDWR);
  }
  impl_->acceptor_thread.join();
  {
    std::lock_guard lock(impl_->mu);
    threads.swap(impl_->threads);
  }
  for (auto& t : threads) t.join();
}

uint16_t HttpTestServer::port() const { return impl_->acceptor.local_endpoint().port(); }

size_t HttpTestServer::connections() const {
  std::lock_guard lock(impl_->mu);
  return impl_->sockets.size();
}

size_t HttpTestServer::closed_by_client() const {
  std::lock_guard lock(impl_->mu);
  return impl_->closed_by_client;
}

std::vector<TestRequest> HttpTestServer::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->requests;
}

TestResponse HttpTestServer::Make(unsigned status, std::string body,
                                  std::vector<std::pair<std::string, std::string>> headers) {
  TestResponse res{static_cast<bhttp::status>(status), 11};
  for (const auto& [name, value] : headers) res.set(name, value);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace strandq::testing
