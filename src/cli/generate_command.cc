// Copyright 2026 The strandq Authors.
#include "cli/generate_command.h"

#include <cstdio>

#include "strandq/workload.h"

namespace strandq::cli {

GenerateCommand::GenerateCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("generate", "Generate the seed workload into a CSV file");
  workload_.Register(*app_, /*with_input=*/false);
  app_->add_option("--to", to_, "Destination: FILE.csv, or - for stdout")->required();
}

int GenerateCommand::Execute() {
  if (to_.rfind("redis://", 0) == 0 || to_.rfind("http://", 0) == 0) {
    PrintError(Status::InvalidArgument(
        "--to " + to_ + ": this build writes CSV files only (stores and HTTP come later)"));
    return kExitUsage;
  }
  auto events = workload_.Load();
  if (!events.ok()) {
    PrintError(events.status());
    return kExitUsage;
  }
  Status written = WriteWorkloadCsv(to_ == "-" ? "/dev/stdout" : to_, *events);
  if (!written.ok()) {
    PrintError(written);
    return kExitFailed;
  }
  if (to_ != "-") {
    std::fprintf(stderr, "strandq: wrote %zu events over %zu accounts (longest %zu) to %s\n",
                 events->size(), CountAccounts(*events), LongestAccount(*events), to_.c_str());
  }
  return kExitOk;
}

}  // namespace strandq::cli
