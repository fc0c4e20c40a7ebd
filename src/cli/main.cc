// Copyright 2026 The strandq Authors.
// The strandq command: dispatches to one subcommand. Exit codes: 0 OK, 1 failed (verification
// or processing), 2 bad usage or input (nothing processed), 130 interrupted.

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <string>
#include <string_view>

#include "cli/accounts_command.h"
#include "cli/cli_common.h"
#include "cli/dlq_command.h"
#include "cli/drop_command.h"
#include "cli/generate_command.h"
#include "cli/run_command.h"
#include "cli/serve_command.h"
#include "cli/stats_command.h"
#include "cli/verify_command.h"
#include "cli/worker_command.h"
#include "strandq/version.h"

namespace {

bool IsSubcommand(const CLI::App& app, const std::string& name) {
  for (const CLI::App* sub : app.get_subcommands({})) {
    if (sub->get_name() == name) return true;
  }
  return false;
}

// CLI11's message, where its own words would puzzle a user: an option without its value
// ("--workers: 1 required UINT missing"), a flag with one ("Could not convert: --json = x") and a
// missing command.
std::string Explain(const CLI::ParseError& e, const CLI::App& app, bool dlq) {
  const std::string message = e.what();
  if (e.get_name() == "ArgumentMismatch" && message.ends_with(" missing")) {
    return message.substr(0, message.find(':')) + " needs a value";
  }
  constexpr std::string_view kNotConverted = "Could not convert: ";  // "FLAG = VALUE"
  if (e.get_name() == "ConversionError" && message.starts_with(kNotConverted)) {
    // Numeric options have checks that run first, text ones take anything: a flag with a value.
    const std::string flag =
        message.substr(kNotConverted.size(), message.find(" = ") - kNotConverted.size());
    return flag + " is a flag: give it without a value";
  }
  if (e.get_name() == "RequiredError" && message.starts_with("A subcommand is required")) {
    if (dlq) return "strandq dlq needs a command: list, replay or purge";
    std::string names;
    for (const CLI::App* sub : app.get_subcommands({})) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    return "strandq needs a command: " + names;
  }
  return message;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is an error value, not a death

  CLI::App app{
      "strandq: processes events of many accounts in parallel, each account's events strictly "
      "in order"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "strandq " STRANDQ_VERSION, "Print the version and exit");
  strandq::cli::RunCommand run(app);
  strandq::cli::VerifyCommand verify(app);
  strandq::cli::GenerateCommand generate(app);
  strandq::cli::WorkerCommand worker(app);
  strandq::cli::StatsCommand stats(app);
  strandq::cli::DlqCommand dlq(app);
  strandq::cli::ServeCommand serve(app);
  strandq::cli::DropCommand drop(app);
  strandq::cli::AccountsCommand accounts(app);
  strandq::cli::PauseCommand pause(app, /*pause=*/true);
  strandq::cli::PauseCommand resume(app, /*pause=*/false);

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
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "strandq: error: %s (see strandq --help)\n",
                 Explain(e, app, dlq.selected()).c_str());
    return strandq::cli::kExitUsage;
  }

  if (run.selected()) return run.Execute();
  if (verify.selected()) return verify.Execute();
  if (generate.selected()) return generate.Execute();
  if (worker.selected()) return worker.Execute();
  if (stats.selected()) return stats.Execute();
  if (dlq.selected()) return dlq.Execute();
  if (serve.selected()) return serve.Execute();
  if (drop.selected()) return drop.Execute();
  if (accounts.selected()) return accounts.Execute();
  if (pause.selected()) return pause.Execute();
  if (resume.selected()) return resume.Execute();
  return strandq::cli::kExitUsage;
}
