// Copyright 2026 The strandq Authors.
// The no-op push handler of bench/push.sh: an HTTP/1.1 server (Boost.Beast) that answers every
// request 200 "ok" at once, keeping connections alive. The same rate is measured by wrk and
// by `strandq run --work http://...`.
// Usage: push_responder [--threads N]   (prints "listening on http://127.0.0.1:PORT/events")

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// One connection: read a request, answer it, again, until the client closes.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : socket_(std::move(socket)) {
    res_.set(bhttp::field::content_type, "text/plain");
    res_.body() = "ok";
    res_.prepare_payload();
  }
  void Read() {
    req_ = {};
    bhttp::async_read(socket_, buffer_, req_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (!ec) self->Write();
                      });
  }

 private:
  void Write() {
    res_.keep_alive(req_.keep_alive());
    bhttp::async_write(socket_, res_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (!ec && self->res_.keep_alive()) self->Read();
    });
  }

  tcp::socket socket_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> req_;
  bhttp::response<bhttp::string_body> res_{bhttp::status::ok, 11};
};

void Accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(socket))->Read();
    }
    Accept(acceptor);
  });
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--threads") == 0) threads = std::max(1, std::atoi(argv[i + 1]));
  }
  asio::io_context io(threads);
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  std::printf("listening on http://127.0.0.1:%u/events\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  Accept(acceptor);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
}
