// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <vector>

#include "cli/cli_common.h"

namespace strandq::cli {

// `strandq dlq list|replay|purge --store URL`: the dead-letter list. `list` shows dead events
// oldest first (--limit, --json); `replay` puts them back at the head of their accounts (at the
// tail with --tail) with their attempts reset; `purge` deletes them. replay and purge take
// --id ID (repeatable) or --all, and unpark the accounts they touch.
class DlqCommand {
 public:
  explicit DlqCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  int List(Store& store);
  int Move(Store& store, bool replay);

  CLI::App* app_;
  CLI::App* list_;
  CLI::App* replay_;
  CLI::App* purge_;
  EngineFlags engine_;
  size_t limit_ = 100;
  bool json_ = false;
  std::vector<uint64_t> ids_;
  bool all_ = false;
  bool tail_ = false;
};

}  // namespace strandq::cli
