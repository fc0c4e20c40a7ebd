// Copyright 2026 The strandq Authors.
#pragma once

#include <string>

#include "strandq/options.h"

namespace strandq {

// The name a store client goes by (AccountInfo::lease_holder): options.client_name, or
// "HOSTNAME:PID" when it is empty.
std::string ClientName(const EngineOptions& options);

}  // namespace strandq
