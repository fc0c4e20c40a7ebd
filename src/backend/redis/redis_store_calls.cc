// Copyright 2026 The strandq Authors.
// RedisStore's calls to the server: its connection pool, running a step (loading the code the
// server forgot, repeating what is safe to repeat), blocking for work, and the test clock.
#include <algorithm>
#include <string>
#include <thread>
#include <utility>

#include "backend/redis/redis_store.h"

namespace strandq {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using SteadyClock = std::chrono::steady_clock;

// Server errors worth waiting out: a restarted server loading its data, a busy script.
bool TransientError(std::string_view error) {
  return error.starts_with("LOADING") || error.starts_with("BUSY") ||
         error.starts_with("TRYAGAIN") || error.starts_with("MASTERDOWN");
}

}  // namespace

void RedisStore::Unblock(int64_t client_id) {
  auto conn = Acquire();
  if (!conn.ok()) return;  // the blocked call ends at its own (bounded) wait
  auto reply = (*conn)->Command({"CLIENT", "UNBLOCK", std::to_string(client_id)});
  if (reply.ok()) Release(std::move(*conn));
}

Result<RedisStore::Connection> RedisStore::Acquire(bool* fresh) {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      Connection conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
  }
  if (fresh != nullptr) *fresh = true;
  return RedisConnection::Open(url_, redis_options_.io_timeout);
}

void RedisStore::Release(Connection conn) {
  if (conn->broken()) return;
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(conn));
}

Result<RedisReply> RedisStore::Run(RedisScript script, std::vector<std::string_view> args,
                                   Retry retry, int repeat_flag, std::stop_token stop) {
  const auto give_up = SteadyClock::now() + redis_options_.reconnect_for;
  milliseconds delay(50);
  for (;;) {
    Status failure;
    bool fresh = false;
    auto conn = Acquire(&fresh);
    if (conn.ok() && !fresh && (*conn)->ClosedWhileIdle()) {
      // A pooled connection that died while idle (a restarted server) is dropped before a call
      // is sent on it: no round trip, and no doubt about a call that cannot be repeated.
      continue;
    }
    if (conn.ok()) {
      auto reply = Call(**conn, script, args);
      const bool broken = (*conn)->broken();
      Release(std::move(*conn));
      if (reply.ok()) {
        std::string_view error = ReplyError(**reply);
        if (error.empty()) return reply;
        failure = Status::Internal("Redis at " + url_.Address() + " failed the " +
                                   std::string(RedisScriptName(script)) +
                                   " script: " + RedisExplainError(script, functions_, error));
        if (!TransientError(error)) return failure;
      } else {
        failure = reply.status();
        if (broken && retry == Retry::kOnlyToConnect) {
          return Status::Unavailable(failure.message() +
                                     " (the call may or may not have taken effect)");
        }
        // The call may have been applied and only its reply lost: say so when repeating it.
        if (broken && repeat_flag >= 0) args[static_cast<size_t>(repeat_flag)] = "1";
      }
    } else {
      failure = conn.status();
    }
    if (SteadyClock::now() + delay > give_up) return failure;
    if (stop.stop_requested()) return Status::Cancelled("stopped while Redis was unreachable");
    std::this_thread::sleep_for(delay);
    delay = std::min(delay * 2, milliseconds(1000));
  }
}

Result<RedisReply> RedisStore::Call(RedisConnection& conn, RedisScript script,
                                    const std::vector<std::string_view>& args) {
  const size_t index = static_cast<size_t>(script);
  std::string sha;
  if (!functions_) {
    std::lock_guard lock(mu_);
    sha = shas_[index];
  }
  Status clock = WriteTestClock(conn);
  if (!clock.ok()) return clock;
  const bool test_clock = redis_options_.clock != nullptr;
  std::vector<std::string_view> argv;
  argv.reserve(5 + header_.size() + args.size());
  argv.push_back(functions_ ? "FCALL" : "EVALSHA");
  argv.push_back(functions_ ? RedisFunctionName(script) : std::string_view(sha));
  argv.push_back(test_clock ? "2" : "1");
  argv.push_back(tag_);
  if (test_clock) argv.push_back(clock_key_);
  argv.insert(argv.end(), header_.begin(), header_.end());
  argv.insert(argv.end(), args.begin(), args.end());
  auto reply = conn.Command(argv);
  if (!reply.ok()) return reply;
  const std::string_view error = ReplyError(**reply);
  if (!error.starts_with(functions_ ? "ERR Function not found" : "NOSCRIPT")) return reply;
  // The server forgot the code (it restarted without persistence, or it was flushed).
  Status loaded = Load(conn, script);
  if (!loaded.ok()) return loaded;
  if (!functions_) {
    std::lock_guard lock(mu_);
    sha = shas_[index];
    argv[1] = sha;
  }
  return conn.Command(argv);
}

Status RedisStore::Load(RedisConnection& conn, RedisScript script) {
  auto loaded = functions_ ? conn.Command({"FUNCTION", "LOAD", "REPLACE", RedisLibrarySource()})
                           : conn.Command({"SCRIPT", "LOAD", RedisScriptSource(script)});
  if (!loaded.ok()) return loaded.status();
  if (std::string_view e = ReplyError(**loaded); !e.empty()) {
    return Status::Internal("Redis at " + url_.Address() + " refused the " +
                            (functions_ ? std::string("function library")
                                        : std::string(RedisScriptName(script)) + " script") +
                            ": " + RedisExplainError(script, functions_, e));
  }
  if (!functions_) {
    std::lock_guard lock(mu_);
    shas_[static_cast<size_t>(script)] = std::string(ReplyText(**loaded));
  }
  return Status();
}

Status RedisStore::WaitForWork(nanoseconds wait, std::stop_token stop) {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  const int64_t id = (*conn)->client_id();
  // A stop requested between this check and the BLMOVE reaching the server is not seen by
  // the BLMOVE: it then blocks for at most `wait`, which Claim bounds.
  if (stop.stop_requested()) {
    Release(std::move(*conn));
    return Status();
  }
  std::stop_callback wake(stop, [this, id] { Unblock(id); });
  // BLMOVE takes seconds with decimals; 0 would mean forever, so at least 1 ms.
  const int64_t ms = std::max<int64_t>(1, (wait.count() + 999'999) / 1'000'000);
  char timeout[32];
  std::snprintf(timeout, sizeof(timeout), "%lld.%03lld", static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  (*conn)->SetReplyTimeout(milliseconds(ms) + redis_options_.io_timeout);
  auto reply = (*conn)->Command({"BLMOVE", wake_key_, wake_key_, "RIGHT", "LEFT", timeout});
  (*conn)->SetReplyTimeout(redis_options_.io_timeout);
  Release(std::move(*conn));
  if (!reply.ok()) return Status();  // the next claim reconnects (with backoff)
  if (std::string_view e = ReplyError(**reply); !e.empty()) {
    return Status::Internal("Redis at " + url_.Address() + " refused BLMOVE: " + std::string(e));
  }
  return Status();
}

Status RedisStore::WriteTestClock(RedisConnection& conn) {
  if (redis_options_.clock == nullptr) return Status();
  const int64_t now_us = clock_->MonotonicNs() / 1000;
  {
    std::lock_guard lock(mu_);
    if (clock_written_us_ == now_us) return Status();
  }
  auto reply = conn.Command({"SET", clock_key_, std::to_string(now_us)});
  if (!reply.ok()) return reply.status();
  std::lock_guard lock(mu_);
  clock_written_us_ = now_us;
  return Status();
}

}  // namespace strandq
