// Copyright 2026 The strandq Authors.
#pragma once

#include <fstream>
#include <string>

#include "strandq/result.h"

namespace strandq {

// Opens `path` for binary reading. A file that cannot be opened (with errno's reason) or is a
// directory is a NotFound error naming the path, so every reader reports it the same way.
Result<std::ifstream> OpenInputFile(const std::string& path);

}  // namespace strandq
