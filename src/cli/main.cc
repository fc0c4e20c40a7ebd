// Copyright 2026 The strandq Authors.
// The strandq command: dispatches to one subcommand. Exit codes: 0 OK, 1 failed (verification
// or processing), 2 bad usage or input (nothing processed), 130 interrupted.

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>

#include "cli/cli_common.h"
#include "cli/dlq_command.h"
#include "cli/generate_command.h"
#include "cli/run_command.h"
#include "cli/serve_command.h"
#include "cli/stats_command.h"
#include "cli/verify_command.h"
#include "cli/worker_command.h"

namespace {

bool IsSubcommand(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == name) return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an error value, not a death

  CLI::App app{
      "strandq: processes events of many accounts in parallel, each account's events strictly "
      "in order"};
  app.require_subcommand(1);
  strandq::cli::RunCommand run(app);
  strandq::cli::VerifyCommand verify(app);
  strandq::cli::GenerateCommand generate(app);
  strandq::cli::WorkerCommand worker(app);
  strandq::cli::StatsCommand stats(app);
  strandq::cli::DlqCommand dlq(app);
  strandq::cli::ServeCommand serve(app);

  if (argc > 1 && argv[1][0] != '-' && !IsSubcommand(app, argv[1])) {
    std::fprintf(stderr, "strandq: error: unknown command '%s' (see strandq --help)\n", argv[1]);
    return strandq::cli::kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "strandq: error: %s (see strandq --help)\n", e.what());
    return strandq::cli::kExitUsage;
  }

  if (run.selected()) return run.Execute();
  if (verify.selected()) return verify.Execute();
  if (generate.selected()) return generate.Execute();
  if (worker.selected()) return worker.Execute();
  if (stats.selected()) return stats.Execute();
  if (dlq.selected()) return dlq.Execute();
  if (serve.selected()) return serve.Execute();
  return strandq::cli::kExitUsage;
}
