// Copyright 2026 The strandq Authors.
#pragma once

#include <memory>
#include <string>

#include "backend/redis/redis_store.h"
#include "backend/redis/redis_url.h"
#include "strandq/store.h"
#include "testutil/redis_server.h"

namespace strandq::testing {

// One redis-server for the whole test process (started on first use, stopped at exit), which
// the store tests share: each store gets a namespace of its own on it.
inline RedisServer& SharedRedis() {
  static RedisServer server;
  return server;
}

// Opens a Redis store in namespace `prefix` of SharedRedis(): with `redis_options.functions`
// as a Redis 7 server runs it, without as the EVALSHA scripts of a Redis 6.2 server.
// Unavailable when the server did not come up.
inline Result<std::unique_ptr<Store>> OpenSharedRedisStore(const std::string& prefix,
                                                           const EngineOptions& options,
                                                           const RedisStoreOptions& redis_options) {
  RedisServer& redis = SharedRedis();
  if (!redis.ok()) return Status::Unavailable(redis.Error());
  auto url = ParseRedisUrl(redis.Url(prefix));
  if (!url.ok()) return url.status();
  auto store = RedisStore::Open(*url, options, redis_options);
  if (!store.ok()) return store.status();
  return std::unique_ptr<Store>(std::move(*store));
}

}  // namespace strandq::testing
