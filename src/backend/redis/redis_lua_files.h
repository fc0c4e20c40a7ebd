// Copyright 2026 The strandq Authors.
#pragma once

#include <span>
#include <string_view>

namespace strandq {

// A file of src/backend/redis/lua/, embedded into the binary at build time
// (cmake/EmbedFiles.cmake writes redis_lua_files.cc in the build tree).
struct EmbeddedFile {
  std::string_view name;  // "claim.lua"
  std::string_view text;
};

// Every file of lua/, sorted by name. Any thread.
std::span<const EmbeddedFile> RedisLuaFiles();

}  // namespace strandq
