// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_url.h"

#include <charconv>
#include <string>

namespace strandq {
namespace {

// Written by hand: a redis:// URL has five parts and no library we use parses URLs.

Status Bad(std::string_view url, std::string_view why) {
  return Status::InvalidArgument("bad Redis URL '" + std::string(url) + "': " + std::string(why) +
                                 " (expected redis://[user:pass@]host:port[/db][?prefix=NAME])");
}

bool ParseInt(std::string_view text, int lo, int hi, int& out) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < lo || value > hi) {
    return false;
  }
  out = value;
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool PercentDecode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    const int hi = HexDigit(in[i + 1]);
    const int lo = HexDigit(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return true;
}

bool ValidPrefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > 64) return false;
  for (char c : prefix) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string RedisUrl::Address() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<RedisUrl> ParseRedisUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) return Bad(url, "it must start with redis://");
  std::string_view rest = url.substr(kScheme.size());
  RedisUrl out;

  // ?prefix=NAME
  if (size_t q = rest.find('?'); q != std::string_view::npos) {
    std::string_view query = rest.substr(q + 1);
    rest = rest.substr(0, q);
    constexpr std::string_view kPrefix = "prefix=";
    if (query.substr(0, kPrefix.size()) != kPrefix || query.find('&') != std::string_view::npos) {
      return Bad(url, "the only query parameter is prefix=NAME");
    }
    out.prefix = std::string(query.substr(kPrefix.size()));
    if (!ValidPrefix(out.prefix)) {
      return Bad(url, "the prefix must be 1-64 characters of [A-Za-z0-9_.:-]");
    }
  }
  // /db
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty() && !ParseInt(db, 0, 1 << 20, out.db)) {
      return Bad(url, "the database must be a number");
    }
  }
  // user:pass@
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view auth = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::string_view user = auth, pass;
    if (size_t colon = auth.find(':'); colon != std::string_view::npos) {
      user = auth.substr(0, colon);
      pass = auth.substr(colon + 1);
    }
    if (!PercentDecode(user, out.user) || !PercentDecode(pass, out.password)) {
      return Bad(url, "bad percent-escape in the user or password");
    }
    if (out.password.empty() && !out.user.empty() && auth.find(':') == std::string_view::npos) {
      // redis://secret@host: a lone word is the password, as redis-cli reads it.
      out.password = out.user;
      out.user.clear();
    }
  }
  // host:port
  std::string_view host = rest, port;
  if (!rest.empty() && rest.front() == '[') {
    size_t close = rest.find(']');
    if (close == std::string_view::npos) return Bad(url, "unclosed '[' in the host");
    host = rest.substr(1, close - 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Bad(url, "expected ':port' after the IPv6 host");
      port = after.substr(1);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return Bad(url, "the host is missing");
  out.host = std::string(host);
  if (!port.empty() && !ParseInt(port, 1, 65535, out.port)) {
    return Bad(url, "the port must be a number from 1 to 65535");
  }
  return out;
}

}  // namespace strandq
