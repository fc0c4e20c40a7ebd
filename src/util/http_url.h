// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "strandq/result.h"

namespace strandq::http {

// The parts of an "http://HOST[:PORT][/PATH[?QUERY]]" URL that a client needs.
struct HttpUrl {
  std::string host;          // without the brackets of an IPv6 literal
  uint16_t port = 80;        // 80 when the URL names none
  std::string target = "/";  // the path and query, "/" when the URL has none
  std::string authority;     // HOST[:PORT] as written: the Host header
};

// InvalidArgument (quoting the URL) for another scheme, a missing host, a bad port, user
// information ("user@"), a fragment, or a space or control character anywhere. Pure, thread-safe.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

}  // namespace strandq::http
