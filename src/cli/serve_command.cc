// Copyright 2026 The strandq Authors.
#include "cli/serve_command.h"

#include <fmt/format.h>

#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <span>
#include <thread>

#include "cli/signal_watcher.h"
#include "strandq/clock.h"
#include "strandq/duration.h"
#include "strandq/event_log.h"
#include "strandq/http_server.h"
#include "strandq/store.h"
#include "strandq/worker_pool.h"

namespace strandq::cli {
namespace {

// Slots when --workers is not given: enough for many accounts at once on timers.
constexpr size_t kDefaultServeWorkers = 1000;
// The store when --store is not given: durable, in the working directory, so that nothing
// answered 202 is lost when the server stops or crashes.
constexpr const char* kDefaultServeStore = "sqlite:strandq.db";

// The store as the start line and the report name it: its URL (password hidden) and, for a
// database file, where it lives.
std::string DescribeStore(const std::string& url, const StoreTraits& traits) {
  std::string text = RedactedStoreUrl(url);
  if (!traits.location.empty()) text += " (data in " + traits.location + ")";
  return text;
}

// `text` of the duration flag `flag`, which must be positive.
Result<std::chrono::nanoseconds> PositiveDuration(const std::string& flag,
                                                  const std::string& text) {
  auto d = ParseDuration(text);
  if (!d.ok() || *d <= std::chrono::nanoseconds(0)) {
    return Status::InvalidArgument(
        flag + " must be a positive duration such as 5s or 500ms, not '" + text + "'");
  }
  return *d;
}

// Feeds the server's latency histogram with every attempt the workers log (the final lines,
// not the unconfirmed ones written before a store call), then passes the attempt on to the event
// log (if any). Thread-safe as its parts are.
class MetricsTee final : public LogSink {
 public:
  MetricsTee(HttpServer& server, LogSink* next) : server_(server), next_(next) {}
  void Write(const AttemptRecord& record) override {
    if (!record.unconfirmed) server_.RecordAttempt(record);
    if (next_ != nullptr) next_->Write(record);
  }
  void WriteMany(std::span<const AttemptRecord> records) override {
    for (const AttemptRecord& record : records) {
      if (!record.unconfirmed) server_.RecordAttempt(record);
    }
    if (next_ != nullptr) next_->WriteMany(records);
  }
  Status Flush() override { return next_ != nullptr ? next_->Flush() : Status(); }

 private:
  HttpServer& server_;
  LogSink* next_;
};

// Set by a signal or by workers that stopped on their own; waited for by Execute.
class StopLatch {
 public:
  void Set() {
    std::lock_guard lock(mu_);
    set_ = true;
    cv_.notify_all();
  }
  void Wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return set_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool set_ = false;  // guarded by mu_
};

// Writes a `dropped` line for each event still pending in the embedded store `store`, which
// ends with this process, so that `strandq verify` counts them as lost as the report does.
void LogDropped(Store& store, LogSink& log) {
  auto pending = ListPendingEmbedded(store);
  if (!pending.ok() || pending->empty()) return;
  const int64_t now = SystemClock()->WallNs();
  const std::string worker = DefaultWorkerId();
  std::vector<AttemptRecord> lines;
  lines.reserve(pending->size());
  for (const Event& event : *pending) {
    AttemptRecord& r = lines.emplace_back(AttemptOf(event, worker, now, now));
    r.outcome = AttemptRecord::Outcome::kDropped;
    r.error = "accepted, but the mem: store ended with strandq serve before it was processed";
  }
  log.WriteMany(lines);
}

std::string FormatServeReport(const std::string& address, const std::string& store,
                              const HttpServerCounters& c, const PoolProgress& pulled,
                              const Result<StoreStats>& stats, bool mem_store,
                              const std::string& log_path) {
  std::string out;
  auto line = [&](std::string_view name, const std::string& value) {
    out += fmt::format("{:<14}{}\n", fmt::format("{}:", name), value);
  };
  out += "strandq serve\n";
  line("address", address);
  line("store", store);
  line("accepted", fmt::format("{} events in {} requests", c.events_accepted, c.batches_accepted));
  line("requests", fmt::format("{} answered, {} refused with 4xx/5xx", c.requests, c.rejected));
  line("connections", fmt::format("{} accepted, {} refused over the limit, {} timed out",
                                  c.connections_accepted, c.connections_refused, c.timeouts));
  if (pulled.acked + pulled.nacked + pulled.lost > 0) {
    line("pull workers", fmt::format("{} acked, {} nacked ({} dead letters), {} lost leases",
                                     pulled.acked, pulled.nacked, pulled.dead, pulled.lost));
  }
  if (stats.ok()) {
    line("processed", fmt::format("{} acked, {} dead letters", stats->acked, stats->dead));
    line("pending", fmt::format("{} events{}", stats->pending,
                                stats->pending > 0 && mem_store
                                    ? fmt::format(" (lost: the mem: store ends with this "
                                                  "process{})",
                                                  log_path.empty() ? "" : "; logged `dropped`")
                                : stats->pending > 0 ? " (kept in the store for the next "
                                                       "serve or worker)"
                                                     : std::string()));
  } else {
    line("store", stats.status().ToString());
  }
  if (!log_path.empty()) line("log", log_path);
  return out;
}

// Runs `pool` (if any) on a thread of its own until `stop` is set (by SIGINT/SIGTERM) or the pool
// stops on its own (only on a store error), then drains `server` and stops the pool: events in
// flight finish, nothing more is claimed, every request in progress is answered. The pool's error.
Status RunUntilStopped(HttpServer& server, std::optional<WorkerPool>& pool, StopLatch& stop) {
  Status ran;
  std::thread pool_thread;
  if (pool) {
    pool_thread = std::thread([&] {
      ran = pool->Run();
      stop.Set();
    });
  }
  stop.Wait();
  server.Drain();
  if (pool) {
    pool->Stop();
    pool_thread.join();
    pool.reset();  // before the log it writes to
  }
  return ran;
}

}  // namespace

ServeCommand::ServeCommand(CLI::App& parent) {
  app_ =
      parent.add_subcommand("serve", "HTTP ingest API, with built-in workers unless --workers 0");
  app_->add_option("--bind", bind_, "Listen on HOST:PORT or [IPV6]:PORT (port 0: any free one)")
      ->capture_default_str();
  app_->add_option("--token", token_,
                   "Require 'Authorization: Bearer TOKEN' on every request but GET /healthz")
      ->envname("STRANDQ_TOKEN");
  app_->add_option("--max-body", max_body_, "Largest request body in bytes (413 beyond)")
      ->check(WholeNumber(1, uint64_t{1} << 32))
      ->capture_default_str();
  app_->add_option("--max-connections", max_connections_,
                   "Open connections at most; more are answered 503 and closed")
      ->check(WholeNumber(1, 1'000'000))
      ->capture_default_str();
  app_->add_option("--timeout", timeout_,
                   "Close a connection whose request, response or idle wait takes longer")
      ->capture_default_str();
  app_->add_option("--head-timeout", head_timeout_,
                   "Close a connection whose request head (line and headers) takes longer to "
                   "arrive, counted from its first byte (at most --timeout)")
      ->capture_default_str();
  app_->add_option("--http-threads", http_threads_, "Server threads (default: one per core)")
      ->check(WholeNumber(0, 256));
  app_->add_option("--lease-secret", lease_secret_,
                   "Key (16+ bytes) signing the lease tokens of pull workers; give every serve of "
                   "one store the same, so that any of them, or one restarted, accepts the "
                   "others' tokens (default: a random key per process)")
      ->envname("STRANDQ_LEASE_SECRET");
  app_->add_option("--max-long-polls", max_long_polls_,
                   "POST /v1/leases waiting for work at once at most; more are answered 503")
      ->check(WholeNumber(1, 100'000))
      ->capture_default_str();
  processing_.Register(*app_, "sleep:1s", "default: 1000; 0 = ingest only");
  engine_.store = kDefaultServeStore;
  engine_.Register(*app_);
  app_->get_option("--store")->description(
      "Where accepted events live: sqlite:PATH[?sync=full|normal] (durable; the default is "
      "strandq.db in the working directory), redis://[user:pass@]host:port[/db][?prefix=NAME] "
      "(shared) or mem: (its events end with the process)");
  engine_.RegisterIdempotencyWindow(*app_);
}

int ServeCommand::Execute() {
  if (Status s = processing_.CheckWorkers(*app_, /*allow_zero=*/true); !s.ok()) {
    return Failed(s, kExitUsage);
  }
  const size_t workers = app_->count("--workers") > 0 ? processing_.workers : kDefaultServeWorkers;
  auto engine = engine_.Resolve();
  if (!engine.ok()) return Failed(engine.status(), kExitUsage);
  auto server_options = ServerOptions(*engine);
  if (!server_options.ok()) return Failed(server_options.status(), kExitUsage);
  // A bad flag must not leave a new database behind.
  if (Status valid = ValidateHttpServerOptions(*server_options); !valid.ok()) {
    return Failed(valid, kExitUsage);
  }
  auto handler = processing_.MakeHandler();
  if (!handler.ok()) return Failed(handler.status(), kExitUsage);
  auto store = OpenStore(engine_.store, *engine);
  if (!store.ok()) return Failed(store.status(), ExitCodeFor(store.status()));
  WarnOfDeadAtOpen(engine_.store, (*store)->Traits());
  auto log = processing_.OpenLineLog();
  if (!log.ok()) return Failed(log.status(), kExitUsage);
  server_options->pull_log = log->get();
  server_options->pull_record_first = (*store)->Traits().durable;

  std::optional<WorkerPool> pool;  // created once the server exists (its tee needs it)
  if (workers > 0) server_options->worker_progress = [&pool] { return pool->Progress(); };
  // From the moment the server accepts anything, a SIGTERM drains it: the watcher comes first.
  StopLatch stop;
  SignalWatcher signals([&stop] { stop.Set(); });
  auto server = HttpServer::Start(**store, *server_options);
  if (!server.ok()) return Failed(server.status(), ExitCodeFor(server.status()));
  MetricsTee tee(**server, log->get());
  if (workers > 0) {
    PoolOptions pool_options;
    pool_options.workers = workers;
    processing_.ApplyTo(*app_, (*store)->Traits(), pool_options);
    pool.emplace(**store, **handler, &tee, pool_options);
  }
  std::printf("listening on %s\n", (*server)->address().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "strandq: serving %s on http://%s with %zu workers (%s); SIGTERM drains\n",
               DescribeStore(engine_.store, (*store)->Traits()).c_str(),
               (*server)->address().c_str(), workers,
               workers > 0 ? processing_.work.c_str() : "ingest only");
  if (!(*store)->Traits().durable) {
    std::fprintf(stderr,
                 "strandq: WARNING: --store mem: keeps accepted events in this process only: "
                 "every event answered 202 and not processed yet is LOST when it ends (crash, "
                 "kill, restart); leave out --store for the durable default (%s) or give "
                 "sqlite:PATH or redis://\n",
                 kDefaultServeStore);
  }
  const Status ran = RunUntilStopped(**server, pool, stop);
  return Finish(**store, **server, log->get(), tee, ran);
}

Result<HttpServerOptions> ServeCommand::ServerOptions(const EngineOptions& engine) const {
  auto timeout = PositiveDuration("--timeout", timeout_);
  if (!timeout.ok()) return timeout.status();
  auto head_timeout = PositiveDuration("--head-timeout", head_timeout_);
  if (!head_timeout.ok()) return head_timeout.status();
  HttpServerOptions options;
  options.bind = bind_;
  options.token = token_;
  options.max_body_bytes = max_body_;
  options.max_payload_bytes = engine.max_payload_bytes;
  options.max_connections = max_connections_;
  options.timeout = *timeout;
  options.head_timeout = *head_timeout;
  options.threads = http_threads_;
  options.lease_secret = lease_secret_;
  options.max_long_polls = max_long_polls_;
  return options;
}

int ServeCommand::Finish(Store& store, HttpServer& server, LogSink* log, LogSink& tee,
                         const Status& ran) const {
  const bool embedded = !store.Traits().durable;  // its events end with this process
  if (embedded && log != nullptr) LogDropped(store, *log);
  Status flushed = tee.Flush();
  const HttpServerCounters counters = server.Counters();
  auto stats = store.Stats();
  std::fputs(
      FormatServeReport(server.address(), DescribeStore(engine_.store, store.Traits()), counters,
                        server.PullProgress(), stats, embedded, processing_.log_path)
          .c_str(),
      stdout);
  std::fflush(stdout);
  if (!ran.ok()) return Failed(ran.Prefixed("workers"), kExitFailed);
  if (!flushed.ok()) return Failed(flushed.Prefixed("flushing the log"), kExitFailed);
  if (embedded && stats.ok() && stats->pending > 0) {
    return Failed(Status::Unavailable(fmt::format(
                      "{} accepted events were lost: the mem: store ends with this process "
                      "(keep them in a durable store: leave out --store for {}, or give "
                      "--store sqlite:PATH or redis://HOST:PORT)",
                      stats->pending, kDefaultServeStore)),
                  kExitFailed);
  }
  return kExitOk;
}

}  // namespace strandq::cli
