// Copyright 2026 The strandq Authors.
#pragma once

#include <string>
#include <string_view>

#include "strandq/result.h"

namespace strandq {

// The parts of a store URL `redis://[user:pass@]host:port[/db][?prefix=NAME]`.
struct RedisUrl {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;      // empty: the default user
  std::string password;  // empty: no AUTH
  int db = 0;
  std::string prefix = "strandq";  // the namespace; every key is "{prefix}:..."

  // host:port, for messages (never the password).
  std::string Address() const;
};

// Parses a redis:// URL. InvalidArgument naming the part that is wrong. The host may be a name,
// an IPv4 address or a bracketed IPv6 address; the port defaults to 6379, the db to 0 and the
// prefix to "strandq". Percent-escapes in user and password are decoded.
Result<RedisUrl> ParseRedisUrl(std::string_view url);

}  // namespace strandq
