// Copyright 2026 The strandq Authors.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>

#include "strandq/result.h"

namespace strandq::http {

// Parses "HOST:PORT" where HOST is an IPv4 address, "localhost" (127.0.0.1) or "[IPV6]"
// ("[::1]:8080", "[::]:0"). Port 0 lets the system pick. InvalidArgument naming the problem.
// No name resolution. Pure.
Result<boost::asio::ip::tcp::endpoint> ParseBindAddress(std::string_view text);

// "127.0.0.1:8080" or "[::1]:8080".
std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace strandq::http
