// Copyright 2026 The strandq Authors.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backend/redis/redis_url.h"
#include "strandq/result.h"

namespace strandq {

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
// A reply owned by the caller.
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// The text of an error reply ("NOSCRIPT ..."), or empty when `reply` is not an error.
std::string_view ReplyError(const redisReply& reply);
// The text of a string or status reply; empty for any other kind.
std::string_view ReplyText(const redisReply& reply);

// Redis "X.Y.Z" as a comparable number X*10000 + Y*100 + Z; 0 if it cannot be read.
int ParseRedisVersion(std::string_view info_text);

// One synchronous connection to a Redis server (a hiredis context), owned and closed by this
// object. Open() authenticates, selects the database and refuses servers older than 6.2, so a
// connection that exists is ready for the store's commands. Once an I/O error or a time-out
// happened, broken() is true and the connection must be thrown away (its reply stream is out of
// step). Not thread-safe: one thread uses a connection at a time.
class RedisConnection {
 public:
  // Unavailable (refused, timed out, too old, wrong password...) with a message naming the
  // server and what to do.
  static Result<std::unique_ptr<RedisConnection>> Open(const RedisUrl& url,
                                                       std::chrono::milliseconds timeout);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command and waits for its reply (any reply, error replies included).
  // Unavailable when the connection failed; then broken() is true.
  Result<RedisReply> Command(const std::vector<std::string_view>& args);

  // How long a reply may take before the connection counts as failed.
  void SetReplyTimeout(std::chrono::milliseconds timeout);

  bool broken() const { return broken_; }
  // For an idle connection (no reply pending): true if the server has closed it or anything
  // else arrived on it, i.e. it cannot be used. A poll(2) of the socket, no round trip.
  bool ClosedWhileIdle();
  // This connection's CLIENT ID on the server (for CLIENT UNBLOCK).
  int64_t client_id() const { return client_id_; }
  // The server's version as ParseRedisVersion gives it (60200 for 6.2.0).
  int server_version() const { return server_version_; }
  const std::string& address() const { return address_; }

 private:
  RedisConnection(redisContext* context, std::string address);

  redisContext* context_;
  std::string address_;
  int64_t client_id_ = 0;
  int server_version_ = 0;
  bool broken_ = false;
  std::chrono::milliseconds reply_timeout_{0};
};

}  // namespace strandq
