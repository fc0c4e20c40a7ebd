// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "strandq/event_log.h"
#include "strandq/result.h"
#include "strandq/store.h"

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
  std::string store_;  // a shared store whose dead letters count as settled
};

// Every dead letter in the shared store at `url` (opened with the policy it records).
// InvalidArgument for mem:; the store's error when it cannot be read.
Result<std::vector<DeadLetter>> StoreDeadLetters(const std::string& url);

// Appends a `dead` line (worker "store", at the time it died) for each dead letter that no
// line of `records` settles as dead: the store dead-letters an event whose lease expired on
// its last attempt, and the worker that held it (killed, or stalled) logged nothing.
void AddUnloggedDeadLetters(const std::vector<DeadLetter>& letters,
                            std::vector<AttemptRecord>& records);

}  // namespace strandq::cli
