// Copyright 2026 The strandq Authors.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace strandq::http {

// A file of src/http/console/, embedded into the binary at build time
// (cmake/EmbedFiles.cmake writes console_files.cc in the build tree).
struct EmbeddedFile {
  std::string_view name;  // "console.js"
  std::string_view text;
};

// Every file of console/, sorted by name. Any thread.
std::span<const EmbeddedFile> ConsoleFiles();

// A static file of the browser console, as GET serves it.
struct ConsoleAsset {
  std::string_view content_type;
  std::string_view body;
};

// The console file a request path names ("/" is index.html, "/console.js" is console.js; the
// query is the caller's to strip), or nullopt. Pure.
std::optional<ConsoleAsset> FindConsoleAsset(std::string_view path);

// The Content-Security-Policy of every console file: scripts, styles and requests only from
// the server itself, no inline script or eval, no frames, no plugins.
inline constexpr std::string_view kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

}  // namespace strandq::http
