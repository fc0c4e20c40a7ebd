// Copyright 2026 The strandq Authors.
#include "backend/sqlite/sqlite_url.h"

#include <string>

namespace strandq {

Result<SqliteUrl> ParseSqliteUrl(std::string_view url) {
  constexpr std::string_view kScheme = "sqlite:";
  const std::string shown(url.substr(0, 200));
  if (!url.starts_with(kScheme)) {
    return Status::InvalidArgument("'" + shown + "' is not a sqlite: URL");
  }
  std::string_view rest = url.substr(kScheme.size());
  SqliteUrl parsed;
  const size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? "" : rest.substr(question + 1);
  parsed.path = std::string(rest.substr(0, question));
  if (parsed.path.empty()) {
    return Status::InvalidArgument("'" + shown +
                                   "' names no file: write sqlite:PATH, e.g. sqlite:strandq.db");
  }
  if (parsed.path.find('\0') != std::string::npos) {
    return Status::InvalidArgument("the path of '" + shown + "' holds a NUL byte");
  }
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (param == "sync=full") {
      parsed.sync = SqliteUrl::Sync::kFull;
    } else if (param == "sync=normal") {
      parsed.sync = SqliteUrl::Sync::kNormal;
    } else {
      return Status::InvalidArgument("unknown parameter '" + std::string(param.substr(0, 100)) +
                                     "' in '" + shown + "': expected sync=full or sync=normal");
    }
  }
  return parsed;
}

}  // namespace strandq
