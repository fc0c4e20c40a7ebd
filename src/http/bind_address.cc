// Copyright 2026 The strandq Authors.
#include "http/bind_address.h"

#include <charconv>

namespace strandq::http {

Result<boost::asio::ip::tcp::endpoint> ParseBindAddress(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("address " + quoted + " must be HOST:PORT or [IPV6]:PORT");
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port_text.empty() ||
      port > 65535) {
    return Status::InvalidArgument("address " + quoted + ": port must be 0-65535");
  }
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return Status::InvalidArgument("address " + quoted + ": write an IPv6 host as [::1]:PORT");
  }
  if (host == "localhost") host = "127.0.0.1";
  boost::system::error_code error;
  const auto address = boost::asio::ip::make_address(std::string(host), error);
  if (error || (bracketed != address.is_v6())) {
    return Status::InvalidArgument("address " + quoted + ": '" + std::string(host) +
                                   "' is not an IP address");
  }
  return boost::asio::ip::tcp::endpoint(address, static_cast<uint16_t>(port));
}

std::string FormatEndpoint(const boost::asio::ip::tcp::endpoint& endpoint) {
  const std::string host = endpoint.address().to_string();
  const std::string port = std::to_string(endpoint.port());
  return endpoint.address().is_v6() ? "[" + host + "]:" + port : host + ":" + port;
}

}  // namespace strandq::http
