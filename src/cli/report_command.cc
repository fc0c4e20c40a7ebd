// Copyright 2026 The strandq Authors.
#include "cli/report_command.h"

#include <cstdio>

#include "cli/cli_common.h"
#include "strandq/report.h"
#include "strandq/verifier.h"
#include "strandq/version.h"

namespace strandq::cli {

ReportCommand::ReportCommand(CLI::App& parent) {
  app_ = parent.add_subcommand(
      "report", "Verify event logs and draw the run as one self-contained HTML page");
  flags_.Register(*app_);
  app_->add_option("-o,--output", output_, "The HTML file to write (required)");
}

int ReportCommand::Execute() {
  if (output_.empty()) {
    return Failed(Status::InvalidArgument("strandq report needs the page to write: strandq "
                                          "report LOG.jsonl [LOG.jsonl...] -o run.html"),
                  kExitUsage);
  }
  if (Status s = CheckReportPath("-o", output_); !s.ok()) return Failed(s, kExitUsage);
  VerifyFlags::Loaded loaded;
  if (int code = flags_.Load("report", loaded); code != kExitOk) return code;
  const VerifyReport report = Verify(loaded.records, loaded.options);
  ReportInfo info;
  for (const std::string& log : flags_.logs) info.source += (info.source.empty() ? "" : " ") + log;
  info.version = STRANDQ_VERSION;
  if (Status s = WriteRunReport(output_, loaded.records, report, info); !s.ok()) {
    return Failed(s, kExitFailed);
  }
  std::printf("report: %s (%zu attempts; verification: %s)\n", output_.c_str(), report.attempts,
              report.ok() ? "OK" : "FAILED, see the page");
  return report.ok() ? kExitOk : kExitFailed;
}

}  // namespace strandq::cli
