// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/cli_common.h"

namespace strandq::cli {

// `strandq stats --store URL [--json]`: the store's gauges and totals, as aligned text or as
// one JSON object.
class StatsCommand {
 public:
  explicit StatsCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  CLI::App* app_;
  EngineFlags engine_;
  bool json_ = false;
};

}  // namespace strandq::cli
