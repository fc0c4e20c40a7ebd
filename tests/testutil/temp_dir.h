// Copyright 2026 The strandq Authors.
#pragma once

#include <string>

namespace strandq::testing {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Reads a whole file; empty if it cannot be read.
std::string ReadFile(const std::string& path);
// Writes (truncates) a file; aborts the test process on failure.
void WriteFile(const std::string& path, const std::string& contents);

}  // namespace strandq::testing
