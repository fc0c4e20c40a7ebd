// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/cli_common.h"

namespace strandq::cli {

// `strandq accounts --store URL [--state S] [--sort backlog|age] [--limit N] [--json]`: the
// accounts with pending events (or paused, or parked), as a table or as the JSON of
// GET /v1/accounts. `strandq accounts show ACCOUNT [--offset N] [--limit N] [--json]`: one
// account with its pending events (GET /v1/accounts/{account}). Exit 1 for an account the store
// never saw, 2 for bad flags or a bad account name.
class AccountsCommand {
 public:
  explicit AccountsCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  int List(Store& store);
  int Show(Store& store);

  CLI::App* app_;
  CLI::App* show_;
  EngineFlags engine_;
  std::string state_;
  std::string sort_ = "backlog";
  size_t limit_ = 50;
  bool json_ = false;
  std::string account_;
  size_t offset_ = 0;
  size_t show_limit_ = 100;
};

// `strandq pause ACCOUNT --store URL` and `strandq resume ACCOUNT --store URL` (one instance
// each): a paused account keeps accepting events and is never handed to a worker until resumed.
class PauseCommand {
 public:
  PauseCommand(CLI::App& parent, bool pause);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  CLI::App* app_;
  const bool pause_;
  EngineFlags engine_;
  std::string account_;
  bool json_ = false;
};

}  // namespace strandq::cli
