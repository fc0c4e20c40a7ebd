// Copyright 2026 The strandq Authors.
#include "cli/verify_command.h"

#include <cstdio>

#include "cli/cli_common.h"
#include "strandq/duration.h"
#include "strandq/event_log.h"
#include "strandq/verifier.h"
#include "strandq/workload.h"

namespace strandq::cli {

VerifyCommand::VerifyCommand(CLI::App& parent) {
  app_ = parent.add_subcommand(
      "verify", "Check event logs for order, overlap, loss and duplicates; print efficiency");
  app_->add_option("logs", logs_, "Event logs (JSON Lines), of one or many processes");
  app_->add_option("--input", input_, "The workload CSV: every event must be settled");
  app_->add_option("--workers", workers_,
                   "Worker slots for the lower bound (default: distinct workers in the logs)")
      ->check(WholeNumber());
  app_->add_option("--unit", unit_,
                   "Time one event takes, for the lower bound (default: median ack duration)");
}

int VerifyCommand::Execute() {
  if (logs_.empty()) {
    PrintError(Status::InvalidArgument(
        "strandq verify needs the event logs to check: strandq verify LOG.jsonl [LOG.jsonl...]"));
    return kExitUsage;
  }
  VerifyOptions options;
  options.workers = workers_;
  if (!unit_.empty()) {
    auto unit = ParseDuration(unit_);
    if (!unit.ok()) {
      PrintError(unit.status().Prefixed("--unit"));
      return kExitUsage;
    }
    options.unit = *unit;
  }
  std::vector<WorkloadEvent> input;
  if (!input_.empty()) {
    auto read = ReadWorkloadCsv(input_);
    if (!read.ok()) {
      PrintError(read.status());
      return kExitUsage;
    }
    input = std::move(*read);
    options.input = &input;
  }
  std::vector<AttemptRecord> records;
  for (const std::string& path : logs_) {
    bool torn = false;
    auto read = ReadEventLog(path, &torn);
    if (!read.ok()) {
      PrintError(read.status());
      return kExitUsage;
    }
    if (torn) {
      std::fprintf(stderr,
                   "strandq: note: %s: skipped its truncated last line (its writer was killed "
                   "in mid-write; no settled attempt is lost with it)\n",
                   path.c_str());
    }
    records.insert(records.end(), std::make_move_iterator(read->begin()),
                   std::make_move_iterator(read->end()));
  }
  const VerifyReport report = Verify(records, options);
  std::fputs(FormatVerifyReport(report).c_str(), stdout);
  return report.ok() ? kExitOk : kExitFailed;
}

}  // namespace strandq::cli
