// Copyright 2026 The strandq Authors.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "strandq/event_log.h"
#include "strandq/result.h"
#include "strandq/store.h"
#include "strandq/verifier.h"
#include "strandq/workload.h"

namespace strandq::cli {

// The logs and options `verify` reads, shared with `report` (which shows the same figures).
struct VerifyFlags {
  std::vector<std::string> logs;
  std::string input;
  size_t workers = 0;
  std::string unit;
  std::string store;  // a shared store whose dead letters count as settled

  // What Load read. `options.input` points at `input`: not to be copied or moved.
  struct Loaded {
    std::vector<AttemptRecord> records;
    std::vector<WorkloadEvent> input;
    VerifyOptions options;
  };

  void Register(CLI::App& app);
  // Reads the logs (a note on stderr for each torn last line it skipped), --input and the
  // --store's dead letters into `out`. kExitOk, or the exit code after the error was printed.
  // `command` names the subcommand in the message for missing logs.
  int Load(const std::string& command, Loaded& out) const;
};

// `strandq verify LOG...`: checks one or many event logs together (and against --input).
class VerifyCommand {
 public:
  explicit VerifyCommand(CLI::App& parent);
  bool selected() const { return app_->parsed(); }
  int Execute();

 private:
  CLI::App* app_;
  VerifyFlags flags_;
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
