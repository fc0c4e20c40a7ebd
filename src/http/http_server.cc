// Copyright 2026 The strandq Authors.
#include "strandq/http_server.h"

#include <boost/asio/io_context.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "http/bind_address.h"
#include "http/listener.h"
#include "http/request_handler.h"
#include "http/server_metrics.h"
#include "http/session_registry.h"

namespace strandq {

struct HttpServer::Impl {
  Impl(Store& store, HttpServerOptions opts)
      : options(std::move(opts)),
        handler(store, options, metrics),
        context{options, handler, metrics, registry},
        io(static_cast<int>(options.threads)) {}

  ~Impl() { Drain(); }

  void Drain() {
    std::call_once(drained, [this] {
      if (listener) listener->Stop();
      registry.DrainAll();
      if (!registry.WaitEmpty(std::chrono::steady_clock::now() + options.timeout)) {
        registry.CloseAll();
        registry.WaitEmpty(std::chrono::steady_clock::now() + options.timeout);
      }
      io.stop();
      for (std::thread& t : threads) t.join();
    });
  }

  const HttpServerOptions options;
  http::ServerMetrics metrics;
  http::RequestHandler handler;
  http::SessionRegistry registry;
  http::SessionContext context;
  boost::asio::io_context io;
  std::shared_ptr<http::Listener> listener;
  std::string address;
  std::vector<std::thread> threads;
  std::once_flag drained;
};

Result<std::unique_ptr<HttpServer>> HttpServer::Start(Store& store, HttpServerOptions options) {
  if (options.threads == 0) options.threads = std::max(1u, std::thread::hardware_concurrency());
  if (options.max_connections == 0) {
    return Status::InvalidArgument("max connections must be at least 1");
  }
  if (options.timeout <= std::chrono::nanoseconds(0)) {
    return Status::InvalidArgument("the timeout must be positive");
  }
  auto endpoint = http::ParseBindAddress(options.bind);
  if (!endpoint.ok()) return endpoint.status();
  auto impl = std::make_unique<Impl>(store, std::move(options));
  auto listener = http::Listener::Open(impl->io, *endpoint, impl->context);
  if (!listener.ok()) return listener.status();
  impl->listener = std::move(*listener);
  impl->address = http::FormatEndpoint(impl->listener->local_endpoint());
  impl->listener->Start();
  for (size_t i = 0; i < impl->options.threads; ++i) {
    impl->threads.emplace_back([io = &impl->io] { io->run(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() = default;

const std::string& HttpServer::address() const { return impl_->address; }

void HttpServer::RecordAttempt(const AttemptRecord& record) {
  if (record.outcome == AttemptRecord::Outcome::kAck) {
    impl_->metrics.latency.Observe(record.end_ns - record.enqueued_ns);
  }
}

HttpServerCounters HttpServer::Counters() const { return impl_->metrics.Counters(); }

void HttpServer::Drain() { impl_->Drain(); }

}  // namespace strandq
