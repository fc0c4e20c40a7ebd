// Copyright 2026 The strandq Authors.
#pragma once

#include <string>
#include <string_view>

#include "strandq/result.h"

namespace strandq {

// A parsed sqlite:PATH[?sync=full|normal] URL.
struct SqliteUrl {
  enum class Sync {
    kFull,    // fsync at every commit: an acknowledgement survives a power cut
    kNormal,  // no fsync at commit: survives a crash of the process, not of the machine
  };
  std::string path;  // as given: relative to the working directory unless absolute
  Sync sync = Sync::kFull;
};

// InvalidArgument naming the problem (no path, an unknown parameter or sync value).
Result<SqliteUrl> ParseSqliteUrl(std::string_view url);

}  // namespace strandq
