// Copyright 2026 The strandq Authors.
#include "strandq/http_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "http/bind_address.h"
#include "http/lease_token.h"
#include "http/listener.h"
#include "http/pull_service.h"
#include "http/request_handler.h"
#include "http/server_metrics.h"
#include "http/session_registry.h"

namespace strandq {

struct HttpServer::Impl {
  Impl(Store& store, HttpServerOptions opts, http::LeaseTokenCodec codec)
      : options(std::move(opts)),
        pull_options{options.pull_log, options.pull_record_first, options.max_long_polls},
        pull(store, std::move(codec), pull_options, metrics),
        handler(store, options, metrics, pull),
        context{options, handler, metrics, registry},
        io(static_cast<int>(options.threads)) {}

  ~Impl() { Drain(); }

  void Drain() {
    std::call_once(drained, [this] {
      if (listener) listener->Stop();
      pull.Stop();  // long-polls answer now, on the I/O threads, which still run
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
  const http::PullOptions pull_options;
  http::PullService pull;
  http::RequestHandler handler;
  http::SessionRegistry registry;
  http::SessionContext context;
  boost::asio::io_context io;
  // A long-poll has no I/O pending while it waits: without this, the loop would end when a
  // drain stops the listener while polls wait, before their answers are posted. Drain ends the
  // loop with io.stop().
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> keep_running{
      io.get_executor()};
  std::shared_ptr<http::Listener> listener;
  std::string address;
  std::vector<std::thread> threads;
  std::once_flag drained;
};

Status ValidateHttpServerOptions(const HttpServerOptions& options) {
  if (options.max_connections == 0) {
    return Status::InvalidArgument("max connections must be at least 1");
  }
  if (options.timeout <= std::chrono::nanoseconds(0)) {
    return Status::InvalidArgument("the timeout must be positive");
  }
  if (auto endpoint = http::ParseBindAddress(options.bind); !endpoint.ok()) {
    return endpoint.status();
  }
  if (options.max_long_polls == 0) {
    return Status::InvalidArgument("max long-polls must be at least 1");
  }
  if (auto codec = http::LeaseTokenCodec::FromSecret(options.lease_secret); !codec.ok()) {
    return codec.status();
  }
  return Status();
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(Store& store, HttpServerOptions options) {
  if (options.threads == 0) options.threads = std::max(1u, std::thread::hardware_concurrency());
  if (Status valid = ValidateHttpServerOptions(options); !valid.ok()) return valid;
  auto endpoint = http::ParseBindAddress(options.bind);
  if (!endpoint.ok()) return endpoint.status();
  auto codec = http::LeaseTokenCodec::FromSecret(options.lease_secret);
  if (!codec.ok()) return codec.status();
  auto impl = std::make_unique<Impl>(store, std::move(options), std::move(*codec));
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

PoolProgress HttpServer::PullProgress() const { return impl_->pull.Progress(); }

void HttpServer::Drain() { impl_->Drain(); }

}  // namespace strandq
