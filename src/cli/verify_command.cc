// Copyright 2026 The strandq Authors.
#include "cli/verify_command.h"

#include <cstdint>
#include <cstdio>
#include <set>
#include <utility>

#include "cli/cli_common.h"
#include "strandq/duration.h"
#include "strandq/event_log.h"
#include "strandq/store.h"
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
  app_->add_option("--store", store_,
                   "The shared store the logs' workers used: its dead letters count as settled "
                   "(a lease that expired on its last attempt is dead-lettered by the store, and "
                   "no worker logs it)");
}

Result<std::vector<DeadLetter>> StoreDeadLetters(const std::string& url) {
  EngineOptions options;
  options.policy_from_store = true;
  // Reading must not dead-letter anything: a sqlite: database's restart rule is left to the
  // next process that runs the queue.
  options.max_attempts = UINT32_MAX;
  auto store = OpenSharedStore("verify --store", url, options);
  if (!store.ok()) return store.status();
  return (*store)->ListDead(SIZE_MAX);
}

void AddUnloggedDeadLetters(const std::vector<DeadLetter>& letters,
                            std::vector<AttemptRecord>& records) {
  std::set<std::pair<uint64_t, uint32_t>> logged;  // (id, replay) settled by a dead line
  for (const AttemptRecord& r : records) {
    if (r.outcome == AttemptRecord::Outcome::kDead) logged.emplace(r.id, r.replay);
  }
  for (const DeadLetter& letter : letters) {
    if (logged.count({letter.event.id, letter.event.replay}) > 0) continue;
    AttemptRecord& r = records.emplace_back();
    r.id = letter.event.id;
    r.account = letter.event.account;
    r.seq = letter.event.seq;
    r.attempt = letter.event.attempt;
    r.replay = letter.event.replay;
    r.worker = "store";
    r.enqueued_ns = letter.event.enqueued_ns;
    r.start_ns = r.end_ns = letter.dead_ns;
    r.outcome = AttemptRecord::Outcome::kDead;
    r.error = letter.error;
  }
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
  std::vector<DeadLetter> letters;
  if (!store_.empty()) {
    auto read = StoreDeadLetters(store_);
    if (!read.ok()) {
      PrintError(read.status().Prefixed("--store"));
      return ExitCodeFor(read.status());
    }
    letters = std::move(*read);
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
  AddUnloggedDeadLetters(letters, records);
  const VerifyReport report = Verify(records, options);
  std::fputs(FormatVerifyReport(report).c_str(), stdout);
  return report.ok() ? kExitOk : kExitFailed;
}

}  // namespace strandq::cli
