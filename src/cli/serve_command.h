// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/cli_common.h"
#include "strandq/http_server.h"

namespace strandq::cli {

// `strandq serve`: the HTTP ingest API over a store, with built-in workers unless
// --workers 0. Prints "listening on HOST:PORT" as its first line on stdout. SIGINT or SIGTERM
// drains: stop accepting, answer requests in progress, let events in flight finish, flush the
// log, print a report and exit 0.
class ServeCommand {
 public:
  explicit ServeCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  // The server's options from the flags; InvalidArgument naming a bad --timeout or
  // --head-timeout.
  Result<HttpServerOptions> ServerOptions(const EngineOptions& engine) const;
  // After the server drained and the workers stopped (`ran`: their error): logs the events an
  // embedded store loses as `dropped` in `log` (if any), flushes `tee`, prints the report;
  // returns the exit code.
  int Finish(Store& store, HttpServer& server, LogSink* log, LogSink& tee, const Status& ran) const;

  CLI::App* app_;
  EngineFlags engine_;
  ProcessingFlags processing_;
  std::string bind_ = "127.0.0.1:8080";
  std::string token_;
  size_t max_body_ = 16 << 20;
  size_t max_connections_ = 1024;
  std::string timeout_ = "30s";
  std::string head_timeout_ = "5s";
  size_t http_threads_ = 0;
  std::string lease_secret_;
  size_t max_long_polls_ = 64;
};

}  // namespace strandq::cli
