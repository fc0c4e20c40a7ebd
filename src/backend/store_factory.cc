// Copyright 2026 The strandq Authors.
#include <string>

#include "strandq/store.h"

namespace strandq {

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, const EngineOptions& options,
                                         Clock* clock) {
  if (url == "mem:" || url == "mem") {
    Status s = ValidateEngineOptions(options);
    if (!s.ok()) return s;
    return NewMemoryStore(options, clock);
  }
  return Status::InvalidArgument("unknown store URL '" + std::string(url) +
                                 "': expected mem: (this build has no redis:// store yet)");
}

}  // namespace strandq
