// Copyright 2026 The strandq Authors.
// The human-readable form of a VerifyReport.

#include <fmt/format.h>

#include <iterator>
#include <string>
#include <string_view>

#include "strandq/duration.h"
#include "strandq/verifier.h"

namespace strandq {

std::string FormatVerifyReport(const VerifyReport& report) {
  std::string out;
  auto line = [&](std::string_view name, const std::string& value) {
    fmt::format_to(std::back_inserter(out), "{:<14}{}\n", fmt::format("{}:", name), value);
  };
  auto count = [](size_t n) { return std::to_string(n); };
  line("events", count(report.events));
  line("accounts", count(report.accounts));
  line("attempts", count(report.attempts));
  line("acked", count(report.acked));
  line("retries", count(report.nacked));
  line("dead", count(report.dead));
  line("lost leases", count(report.lost));
  if (report.dropped > 0) line("dropped", count(report.dropped));
  line("redelivered", count(report.redelivered));
  if (report.replayed > 0) {
    line("replayed", fmt::format("{} ({} after later events of their account)", report.replayed,
                                 report.replayed_late));
  }
  if (report.unconfirmed > 0) {
    line("unconfirmed", fmt::format("{} (left by a crash before the final line; {} taken as "
                                    "settled, the rest as lost leases)",
                                    report.unconfirmed, report.unconfirmed_settled));
  }
  line("workers", count(report.workers));
  line("unit", FormatDuration(report.unit));
  line("makespan", FormatDuration(report.makespan));
  if (report.workers > 0) {
    line("lower bound",
         fmt::format("{} = max(ceil({} / {}), {}) x {}", FormatDuration(report.lower_bound),
                     report.events, report.workers, report.longest, FormatDuration(report.unit)));
  } else {
    line("lower bound", fmt::format("{} = {} x {}", FormatDuration(report.lower_bound),
                                    report.longest, FormatDuration(report.unit)));
  }
  line("efficiency",
       report.lower_bound.count() > 0 ? fmt::format("{:.3f}", report.efficiency) : "n/a");
  line("latency p50", FormatDuration(report.latency_p50));
  line("latency p99", FormatDuration(report.latency_p99));
  line("latency max", FormatDuration(report.latency_max));
  if (!report.ok()) line("violations", count(report.violations_total));
  for (const Violation& v : report.violations) {
    fmt::format_to(std::back_inserter(out), "  {}: {}\n", v.kind, v.detail);
  }
  if (report.violations_total > report.violations.size()) {
    fmt::format_to(std::back_inserter(out), "  ... and {} more\n",
                   report.violations_total - report.violations.size());
  }
  if (report.ok()) {
    out += "verification: OK\n";
  } else {
    fmt::format_to(std::back_inserter(out), "verification: FAILED ({})\n",
                   fmt::format("{} violation{}", report.violations_total,
                               report.violations_total == 1 ? "" : "s"));
  }
  return out;
}

}  // namespace strandq
