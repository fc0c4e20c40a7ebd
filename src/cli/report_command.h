// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/verify_command.h"

namespace strandq::cli {

// `strandq report LOG... -o FILE.html`: verifies the logs as `strandq verify` does (same flags)
// and writes the run's picture (include/strandq/report.h). Exit codes as verify's: 0 written
// and verified, 1 written but the verification failed (the page shows why), 2 bad flags or an
// unreadable log (nothing written); 1 too when the file cannot be written.
class ReportCommand {
 public:
  explicit ReportCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  CLI::App* app_;
  VerifyFlags flags_;
  std::string output_;
};

}  // namespace strandq::cli
