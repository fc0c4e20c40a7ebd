// Copyright 2026 The strandq Authors.
#include "http/console_page.h"

namespace strandq::http {
namespace {

std::string_view ContentTypeOf(std::string_view name) {
  auto ends_with = [name](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

std::optional<ConsoleAsset> FindConsoleAsset(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::string_view name = path.substr(1);
  if (name.empty()) name = "index.html";
  if (name == "index.html" && path != "/") return std::nullopt;  // one address for the page
  for (const EmbeddedFile& file : ConsoleFiles()) {
    if (file.name == name) return ConsoleAsset{ContentTypeOf(file.name), file.text};
  }
  return std::nullopt;
}

}  // namespace strandq::http
