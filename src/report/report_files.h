// Copyright 2026 The strandq Authors.
#pragma once

#include <span>

#include "backend/redis/redis_lua_files.h"  // EmbeddedFile, shared with the Lua steps' embedding

namespace strandq {

// Every file of src/report/page/ (report.html, report.js), sorted by name, embedded at build
// time by cmake/EmbedFiles.cmake. Any thread.
std::span<const EmbeddedFile> ReportFiles();

}  // namespace strandq
