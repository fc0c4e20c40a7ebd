// Copyright 2026 The strandq Authors.
#include "cli/cli_common.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "strandq/duration.h"

namespace strandq::cli {
namespace {

// Bounds that catch typos: a generated workload is held in memory (~100 bytes an event), and
// an event is rarely worth a million attempts.
constexpr uint64_t kMaxGeneratedEvents = 100'000'000;
constexpr uint64_t kMaxAttempts = 1'000'000;

Result<size_t> ParseCount(std::string_view text) {
  size_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a whole number");
  }
  return value;
}

}  // namespace

CLI::Validator WholeNumber(uint64_t min, uint64_t max) {
  std::string rule = "a whole number";
  if (max != UINT64_MAX) {
    rule += " from " + std::to_string(min) + " to " + std::to_string(max);
  } else if (min > 0) {
    rule += " of at least " + std::to_string(min);
  }
  return CLI::Validator(
      [min, max, rule](std::string& text) -> std::string {
        uint64_t value = 0;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || value < min ||
            value > max) {
          return "must be " + rule + ", not '" + text + "'";
        }
        return std::string();
      },
      "");
}

CLI::Validator Probability() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        double value = -1;
        auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() ||
            !(value >= 0 && value <= 1)) {
          return "must be a number from 0 to 1, not '" + text + "'";
        }
        return std::string();
      },
      "");
}

void PrintError(const Status& status) {
  std::fprintf(stderr, "strandq: error: %s\n", status.message().c_str());
}

void WarnOfDeadAtOpen(const std::string& url, const StoreTraits& traits) {
  if (traits.dead_at_open == 0) return;
  std::fprintf(stderr,
               "strandq: WARNING: %llu event%s dead-lettered on opening %s: the process ended "
               "during %s last allowed attempt (--max-attempts), as when a handler crashes its "
               "process; see strandq dlq list --store %s\n",
               static_cast<unsigned long long>(traits.dead_at_open),
               traits.dead_at_open == 1 ? "" : "s", RedactedStoreUrl(url).c_str(),
               traits.dead_at_open == 1 ? "its" : "their", RedactedStoreUrl(url).c_str());
}

int Failed(const Status& status, int code) {
  PrintError(status);
  return code;
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case Status::Code::kInvalidArgument:
    case Status::Code::kTooLarge:
      return kExitUsage;
    case Status::Code::kKeyReused:   // a producer's key clash: the request failed
    case Status::Code::kInProgress:  // its first request is still being written
      return kExitFailed;
    default:
      return kExitFailed;
  }
}

void ProcessingFlags::Register(CLI::App& app, const std::string& default_work,
                               const std::string& workers_help) {
  work = default_work;
  app.add_option("--workers", workers, "Concurrent slots (" + workers_help + ")")
      ->check(WholeNumber());
  app.add_option("--threads", threads, "I/O threads (default: one per core)")
      ->check(WholeNumber(0, 256));
  app.add_option("--store-threads", store_threads,
                 "Store calls (batched completions) waiting at once, each on an I/O thread of "
                 "its own; 0 = one call per attempt, inline (default: 0 for mem:, 4 for sqlite:, "
                 "else 1)")
      ->check(WholeNumber(0, 256));
  app.add_option("--lookahead", lookahead,
                 "Leases claimed ahead, so that a slot starts its next event while the last "
                 "one's completion is on its way (default: 0 for mem:, else workers / 8)")
      ->check(WholeNumber(0, 1'000'000));
  app.add_option("--work", work,
                 "Handler: sleep:DURATION, noop, exec:COMMAND or http://HOST:PORT/PATH")
      ->capture_default_str();
  app.add_option("--fail-rate", fail_rate, "Probability that an attempt is nacked")
      ->check(Probability())
      ->capture_default_str();
  app.add_option("--log", log_path, "Write the event log (JSON Lines) to this file");
  app.add_option("--handler-timeout", handler_timeout,
                 "An attempt running longer is failed and retried; an exec: child gets SIGTERM, "
                 "SIGKILL 5s later; an http: request's connection is closed (0 = never)")
      ->check(CLI::Validator(
          [](const std::string& value) {
            auto parsed = ParseDuration(value);
            return parsed.ok() ? std::string() : parsed.status().message();
          },
          "DURATION"))
      ->capture_default_str();
}

Status ProcessingFlags::CheckWorkers(const CLI::App& app, bool allow_zero) const {
  // Slots are cheap (a struct each) but not free: a bound that catches typos.
  constexpr size_t kMaxWorkers = 1'000'000;
  if (app.count("--workers") > 0 && ((workers == 0 && !allow_zero) || workers > kMaxWorkers)) {
    return Status::InvalidArgument("--workers must be at least " +
                                   std::string(allow_zero ? "0" : "1") + " and at most " +
                                   std::to_string(kMaxWorkers));
  }
  return Status();
}

void ProcessingFlags::ApplyTo(const CLI::App& app, const StoreTraits& store,
                              PoolOptions& pool) const {
  // With lookahead hiding the round trip, one call at a time makes the largest batches and
  // leaves the most I/O threads to the handlers' timers; more calls make smaller batches, each
  // costing the server a call (figures: docs/BENCHMARKS.md).
  constexpr size_t kDefaultStoreThreads = 1;
  // An embedded durable store (sqlite:) commits the calls waiting at once together (group
  // commit, one fsync each) and costs nothing per call: large calls, and a few at once so that
  // one's commit overlaps the others' work, make large commits.
  constexpr size_t kEmbeddedStoreThreads = 4;
  constexpr size_t kEmbeddedSettleBatch = 1024;
  // mem: answers at once; a durable store waits for a disk or a server on every change.
  const bool instant = !store.durable;
  const bool embedded = store.kind == StoreTraits::Kind::kEmbedded;
  pool.threads = threads;
  pool.store_threads =
      instant ? 0 : std::min(pool.workers, embedded ? kEmbeddedStoreThreads : kDefaultStoreThreads);
  if (embedded && !instant) pool.settle_batch = kEmbeddedSettleBatch;
  pool.lookahead = instant ? 0 : std::max<size_t>(1, pool.workers / 8);
  if (app.count("--store-threads") > 0) pool.store_threads = store_threads;
  if (app.count("--lookahead") > 0) pool.lookahead = lookahead;
  pool.handler_timeout = *ParseDuration(handler_timeout);  // checked when parsed
  // A durable store outlives this process: a crash must not take the lines of attempts it
  // settled. mem: dies with the process.
  pool.record_first = store.durable;
  pool.lease_ttl = store.lease_ttl;
}

Result<std::unique_ptr<Handler>> ProcessingFlags::MakeHandler() const {
  HandlerOptions options;
  options.fail_rate = fail_rate;
  // An http: attempt waits out Retry-After delays for at most half the handler timeout, so
  // that it settles as a nack that keeps the delay rather than being timed out.
  const auto timeout = *ParseDuration(handler_timeout);  // checked when parsed
  if (timeout.count() > 0) {
    options.push_retry_after_budget = std::min(options.push_retry_after_budget, timeout / 2);
  }
  return strandq::MakeHandler(work, options);
}

Result<std::unique_ptr<LogSink>> ProcessingFlags::OpenLineLog() const {
  if (log_path.empty()) return std::unique_ptr<LogSink>();
  return OpenJsonlLog(log_path, /*write_each_line=*/true);
}

Result<std::unique_ptr<Store>> OpenSharedStore(const std::string& command, const std::string& url,
                                               const EngineOptions& options) {
  if (!url.empty()) {
    auto store = OpenStore(url, options);
    if (!store.ok() || (*store)->Traits().durable) return store;
  }
  return Status::InvalidArgument(
      "strandq " + command +
      " needs --store redis://HOST:PORT[/DB][?prefix=NAME] or --store sqlite:PATH: mem: lives "
      "only as long as the process that runs it, so another command finds nothing in it");
}

void EngineFlags::Register(CLI::App& app, bool inspect) {
  app_ = &app;
  inspect_ = inspect;
  if (inspect) {
    store.clear();
    app.add_option("--store", store,
                   "The store: sqlite:PATH (a database no process owns at the moment) or "
                   "redis://[user:pass@]host:port[/db][?prefix=NAME] (required)");
    app.add_option("--policy", policy,
                   "Dispatch policy: longest|oldest (default: the one the namespace records)");
    app.add_option("--max-attempts", max_attempts,
                   "sqlite: dead-letter at open the heads whose process ended during their "
                   "attempt N or later (default: none; the next serve or worker applies its "
                   "own --max-attempts)")
        ->check(WholeNumber(1, kMaxAttempts));
  } else {
    app.add_option("--store", store,
                   "Store URL: sqlite:PATH[?sync=full|normal] (durable, one process owns it), "
                   "mem: (embedded: its events end with the process) or "
                   "redis://[user:pass@]host:port[/db][?prefix=NAME] (shared)")
        ->capture_default_str();
    app.add_option("--policy", policy, "Dispatch policy: longest|oldest")->capture_default_str();
    app.add_option("--max-attempts", max_attempts, "Attempts before an event is dead-lettered")
        ->check(WholeNumber(1, kMaxAttempts))
        ->capture_default_str();
  }
  app.add_option("--lease-ttl", lease_ttl, "Lease time-to-live; extended every third of it")
      ->capture_default_str();
  app.add_option("--retry-backoff", retry_backoff,
                 "Base retry delay (doubles per attempt, capped at 30s, with jitter)")
      ->capture_default_str();
  app.add_option("--on-dead", on_dead, "After a dead letter: skip (go on) or park the account")
      ->capture_default_str();
}

void EngineFlags::RegisterIdempotencyWindow(CLI::App& app) {
  app.add_option("--idempotency-window", idempotency_window,
                 "How long a POST's Idempotency-Key is remembered: a repeat within it gets the "
                 "first answer (from 1ms to 365 days)")
      ->capture_default_str();
}

Result<EngineOptions> EngineFlags::Resolve() const {
  EngineOptions options;
  auto parsed_policy = ParsePolicy(policy);
  if (!parsed_policy) {
    return Status::InvalidArgument("--policy must be longest or oldest, not '" + policy + "'");
  }
  options.policy = *parsed_policy;
  auto parsed_on_dead = ParseOnDead(on_dead);
  if (!parsed_on_dead) {
    return Status::InvalidArgument("--on-dead must be skip or park, not '" + on_dead + "'");
  }
  options.on_dead = *parsed_on_dead;
  auto ttl = ParseDuration(lease_ttl);
  if (!ttl.ok()) return ttl.status().Prefixed("--lease-ttl");
  options.lease_ttl = *ttl;
  auto backoff = ParseDuration(retry_backoff);
  if (!backoff.ok()) return backoff.status().Prefixed("--retry-backoff");
  options.retry_backoff = *backoff;
  if (options.retry_backoff > options.retry_backoff_max) {
    options.retry_backoff_max = options.retry_backoff;
  }
  if (options.lease_ttl < std::chrono::milliseconds(1)) {
    return Status::InvalidArgument("--lease-ttl must be at least 1ms, not '" + lease_ttl + "'");
  }
  auto window = ParseDuration(idempotency_window);
  if (!window.ok()) return window.status().Prefixed("--idempotency-window");
  options.idempotency_window = *window;
  if (*window < std::chrono::milliseconds(1) || *window > std::chrono::hours(24 * 365)) {
    return Status::InvalidArgument(
        "--idempotency-window must be from 1ms to 365 days (8760h), "
        "not '" +
        idempotency_window + "'");
  }
  options.max_attempts = max_attempts;
  options.policy_from_store = inspect_ && app_ != nullptr && app_->count("--policy") == 0;
  // Inspecting a sqlite: database applies the restart rule: without --max-attempts it leaves
  // every head to the next process that runs the queue, with its own bound.
  if (inspect_ && app_ != nullptr && app_->count("--max-attempts") == 0) {
    options.max_attempts = kMaxAttempts;
  }
  Status valid = ValidateEngineOptions(options);
  if (!valid.ok()) return valid;
  return options;
}

Result<std::unique_ptr<Store>> EngineFlags::Open() const {
  auto options = Resolve();
  if (!options.ok()) return options.status();
  if (inspect_) return OpenSharedStore(app_->get_name(), store, *options);
  return OpenStore(store, *options);
}

void WorkloadFlags::Register(CLI::App& app, bool with_input) {
  app_ = &app;
  app.add_option("--events", events, "Events to generate")
      ->check(WholeNumber(1, kMaxGeneratedEvents))
      ->capture_default_str();
  app.add_option("--accounts", accounts, "Accounts to draw from")
      ->check(WholeNumber(1, kMaxGeneratedEvents))
      ->capture_default_str();
  app.add_option("--batch", batch, "Run length per account pick, MIN-MAX")->capture_default_str();
  app.add_option("--seed", seed, "Generator seed")->check(WholeNumber())->capture_default_str();
  app.add_option("--payload-bytes", payload_bytes, "Random payload bytes per event")
      ->check(WholeNumber(0, kDefaultMaxPayloadBytes))
      ->capture_default_str();
  if (with_input) {
    app.add_option("--input", input, "Read the workload from a CSV (account,seq[,payload])");
  }
}

Result<std::vector<WorkloadEvent>> WorkloadFlags::Load() const {
  if (!input.empty()) {
    for (const char* flag : {"--events", "--accounts", "--batch", "--seed", "--payload-bytes"}) {
      if (app_->count(flag) == 0) continue;
      return Status::InvalidArgument(
          "--input reads the workload from " + input + ", and " + flag +
          " describes a generated one: give either --input or the generator's flags "
          "(--events, --accounts, --batch, --seed, --payload-bytes)");
    }
    return ReadWorkloadCsv(input);
  }
  SeedOptions options;
  options.events = events;
  options.accounts = accounts;
  options.seed = seed;
  options.payload_bytes = payload_bytes;
  const size_t dash = batch.find('-');
  auto lo = ParseCount(batch.substr(0, dash));
  auto hi = dash == std::string::npos ? lo : ParseCount(batch.substr(dash + 1));
  if (!lo.ok() || !hi.ok() || *lo == 0 || *lo > *hi) {
    return Status::InvalidArgument("--batch must be MIN-MAX with 1 <= MIN <= MAX, not '" + batch +
                                   "'");
  }
  options.batch_min = *lo;
  options.batch_max = *hi;
  return GenerateSeedWorkload(options);
}

}  // namespace strandq::cli
