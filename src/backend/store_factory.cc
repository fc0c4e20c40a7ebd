// Copyright 2026 The strandq Authors.
#include <string>

#include "backend/redis/redis_store.h"
#include "backend/redis/redis_url.h"
#include "backend/sqlite/sqlite_store.h"
#include "backend/sqlite/sqlite_url.h"
#include "strandq/store.h"

namespace strandq {

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const EngineOptions& options,
                                         Clock* clock) {
  Status valid = ValidateEngineOptions(options);
  if (!valid.ok()) return valid;
  if (url == "mem:" || url == "mem") return NewMemoryStore(options, clock);
  if (url.starts_with("sqlite:")) {
    auto parsed = ParseSqliteUrl(url);
    if (!parsed.ok()) return parsed.status();
    return SqliteStore::Open(*parsed, options, clock);
  }
  if (url.starts_with("redis://")) {
    auto parsed = ParseRedisUrl(url);
    if (!parsed.ok()) return parsed.status();
    auto store = RedisStore::Open(*parsed, options);
    if (!store.ok()) return store.status();
    return std::unique_ptr<Store>(std::move(*store));
  }
  return Status::InvalidArgument(
      "unknown store URL '" + std::string(url) +
      "': expected mem:, sqlite:PATH or redis://[user:pass@]host:port[/db][?prefix=NAME]");
}

std::string RedactedStoreUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t at = url.rfind('@');
  if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) {
    return std::string(url);
  }
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

}  // namespace strandq
