// Copyright 2026 The strandq Authors.
#pragma once

#include <string>

namespace strandq {

// This machine's host name, or "localhost" if it cannot be read.
std::string HostName();

}  // namespace strandq
