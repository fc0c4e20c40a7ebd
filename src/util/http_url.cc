// Copyright 2026 The strandq Authors.
#include "util/http_url.h"

#include <charconv>

namespace strandq::http {

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  const std::string quoted = "'" + std::string(url) + "'";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidArgument("URL " + quoted + " must start with http://");
  }
  url.remove_prefix(kScheme.size());
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) {
      return Status::InvalidArgument("URL " + quoted +
                                     " holds a space or control character (percent-encode it)");
    }
  }
  HttpUrl out;
  const size_t slash = url.find_first_of("/?#");
  if (slash != std::string_view::npos) {
    if (url[slash] == '#' || url.find('#', slash) != std::string_view::npos) {
      return Status::InvalidArgument("URL " + quoted + ": a fragment (#...) is not sent");
    }
    out.target = std::string(url.substr(slash));
    if (out.target.front() == '?') out.target.insert(0, "/");
    url = url.substr(0, slash);
  }
  if (url.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("URL " + quoted + ": user information (user@) is not supported");
  }
  out.authority = std::string(url);
  const size_t colon = url.rfind(':');
  if (colon != std::string_view::npos && url.find(']', colon) == std::string_view::npos) {
    const std::string_view port = url.substr(colon + 1);
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
      return Status::InvalidArgument("URL " + quoted + ": bad port");
    }
    out.port = static_cast<uint16_t>(value);
    url = url.substr(0, colon);
  }
  if (url.size() >= 2 && url.front() == '[' && url.back() == ']')
    url = url.substr(1, url.size() - 2);
  if (url.empty()) return Status::InvalidArgument("URL " + quoted + " has no host");
  out.host = std::string(url);
  return out;
}

}  // namespace strandq::http
