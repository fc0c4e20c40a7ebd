// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace strandq::cli {

// `strandq verify LOG...`: checks one or many event logs together (and against --input).
class VerifyCommand {
 public:
  explicit VerifyCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  CLI::App* app_;
  std::vector<std::string> logs_;
  std::string input_;
  size_t workers_ = 0;
  std::string unit_;
};

}  // namespace strandq::cli
