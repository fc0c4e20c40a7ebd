// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/cli_common.h"

namespace strandq::cli {

// `strandq drop --store URL --yes`: deletes a shared store's namespace (pending and dead
// events, counters, its recorded policy), so that it can be used afresh. Without --yes it
// deletes nothing, says what it would delete, and exits 2; it refuses while events are leased
// (workers still running). Not for mem:, which holds nothing once its process is gone.
class DropCommand {
 public:
  explicit DropCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  CLI::App* app_;
  std::string store_;
  bool yes_ = false;
};

}  // namespace strandq::cli
