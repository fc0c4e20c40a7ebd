// Copyright 2026 The strandq Authors.
#include "util/input_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace strandq {

Result<std::ifstream> OpenInputFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open " + path + ": " + std::strerror(errno));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::NotFound("cannot read " + path + ": it is a directory");
  }
  return in;
}

}  // namespace strandq
