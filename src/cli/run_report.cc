// Copyright 2026 The strandq Authors.
#include "cli/run_report.h"

#include <fmt/format.h>

#include "strandq/duration.h"

namespace strandq::cli {

std::string FormatRunReport(const RunFacts& facts, const VerifyReport& report) {
  std::string out;
  auto line = [&](std::string_view name, const std::string& value) {
    out += fmt::format("{:<14}{}\n", fmt::format("{}:", name), value);
  };
  out += "strandq run\n";
  line("store", facts.store_url);
  line("policy", facts.policy);
  line("handler", facts.handler);
  line("enqueued",
       fmt::format("{} events in {}", facts.events, FormatDuration(facts.enqueue_time)));
  line("dead letters", std::to_string(facts.stats.dead));
  line("expired", fmt::format("{} leases", facts.stats.expired));
  if (facts.interrupted) {
    line("interrupted", fmt::format("yes: {} events were not processed", facts.stats.pending));
  }
  line("log", facts.log_path.empty() ? "(in memory; --log FILE.jsonl keeps it)" : facts.log_path);
  out += "\n";
  out += FormatVerifyReport(report);
  if (facts.stats.dead > 0) {
    out += fmt::format(
        "result: FAILED: {} event{} dead-lettered (the log's \"dead\" lines carry each last "
        "error)\n",
        facts.stats.dead, facts.stats.dead == 1 ? " was" : "s were");
  }
  return out;
}

}  // namespace strandq::cli
