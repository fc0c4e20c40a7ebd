// Copyright 2026 The strandq Authors.
#include "core/client_name.h"

#include <unistd.h>

#include "util/hostname.h"

namespace strandq {

std::string ClientName(const EngineOptions& options) {
  if (!options.client_name.empty()) return options.client_name;
  return HostName() + ":" + std::to_string(getpid());
}

}  // namespace strandq
