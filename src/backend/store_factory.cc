// Copyright 2026 The strandq Authors.
#include <string>

#include "backend/redis/redis_store.h"
#include "backend/redis/redis_url.h"
#include "strandq/store.h"

namespace strandq {

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const EngineOptions& options,
                                         Clock* clock) {
  Status valid = ValidateEngineOptions(options);
  if (!valid.ok()) return valid;
  if (url == "mem:" || url == "mem") return NewMemoryStore(options, clock);
  if (url.starts_with("redis://")) {
    auto parsed = ParseRedisUrl(url);
    if (!parsed.ok()) return parsed.status();
    auto store = RedisStore::Open(*parsed, options);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  return Status::InvalidArgument(
      "unknown store URL '" + std::string(url) +
      "': expected mem: or redis://[user:pass@]host:port[/db][?prefix=NAME]");
}

}  // namespace strandq
