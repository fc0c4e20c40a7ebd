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

void VerifyFlags::Register(CLI::App& app) {
  app.add_option("logs", logs, "Event logs (JSON Lines), of one or many processes");
  app.add_option("--input", input, "The workload CSV: every event must be settled");
  app.add_option("--workers", workers,
                 "Worker slots for the lower bound (default: distinct workers in the logs)")
      ->check(WholeNumber());
  app.add_option("--unit", unit,
                 "Time one event takes, for the lower bound (default: median ack duration)");
  app.add_option("--store", store,
                 "The shared store the logs' workers used: its dead letters count as settled "
                 "(a lease that expired on its last attempt is dead-lettered by the store, and "
                 "no worker logs it)");
}

VerifyCommand::VerifyCommand(CLI::App& parent) {
  app_ = parent.add_subcommand(
      "verify", "Check event logs for order, overlap, loss and duplicates; print efficiency");
  flags_.Register(*app_);
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

int VerifyFlags::Load(const std::string& command, Loaded& out) const {
  if (logs.empty()) {
    PrintError(Status::InvalidArgument("strandq " + command +
                                       " needs the event logs to read: strandq " + command +
                                       " LOG.jsonl [LOG.jsonl...]"));
    return kExitUsage;
  }
  out.options.workers = workers;
  if (!unit.empty()) {
    auto parsed = ParseDuration(unit);
    if (!parsed.ok()) return Failed(parsed.status().Prefixed("--unit"), kExitUsage);
    out.options.unit = *parsed;
  }
  if (!input.empty()) {
    auto read = ReadWorkloadCsv(input);
    if (!read.ok()) return Failed(read.status(), kExitUsage);
    out.input = std::move(*read);
    out.options.input = &out.input;
  }
  std::vector<DeadLetter> letters;
  if (!store.empty()) {
    auto read = StoreDeadLetters(store);
    if (!read.ok()) return Failed(read.status().Prefixed("--store"), ExitCodeFor(read.status()));
    letters = std::move(*read);
  }
  for (const std::string& path : logs) {
    bool torn = false;
    auto read = ReadEventLog(path, &torn);
    if (!read.ok()) return Failed(read.status(), kExitUsage);
    if (torn) {
      std::fprintf(stderr,
                   "strandq: note: %s: skipped its truncated last line (its writer was killed "
                   "in mid-write; no settled attempt is lost with it)\n",
                   path.c_str());
    }
    out.records.insert(out.records.end(), std::make_move_iterator(read->begin()),
                       std::make_move_iterator(read->end()));
  }
  AddUnloggedDeadLetters(letters, out.records);
  return kExitOk;
}

int VerifyCommand::Execute() {
  VerifyFlags::Loaded loaded;
  if (int code = flags_.Load("verify", loaded); code != kExitOk) return code;
  const VerifyReport report = Verify(loaded.records, loaded.options);
  std::fputs(FormatVerifyReport(report).c_str(), stdout);
  return report.ok() ? kExitOk : kExitFailed;
}

}  // namespace strandq::cli
