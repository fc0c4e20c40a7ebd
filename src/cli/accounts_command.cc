// Copyright 2026 The strandq Authors.
#include "cli/accounts_command.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "http/operator_json.h"
#include "strandq/clock.h"
#include "strandq/store.h"

namespace strandq::cli {
namespace {

constexpr size_t kMaxListed = 1000;  // as GET /v1/accounts

// "850ms", "5.1s", "3m12s", "2h05m", "3d04h".
std::string HumanDuration(int64_t ns) {
  const int64_t ms = std::max<int64_t>(0, ns) / 1'000'000;
  char out[32];
  if (ms < 1000) {
    std::snprintf(out, sizeof out, "%lldms", static_cast<long long>(ms));
  } else if (ms < 60'000) {
    std::snprintf(out, sizeof out, "%.1fs", static_cast<double>(ms) / 1000);
  } else if (ms < 3'600'000) {
    std::snprintf(out, sizeof out, "%lldm%02llds", static_cast<long long>(ms / 60'000),
                  static_cast<long long>(ms / 1000 % 60));
  } else if (ms < 86'400'000) {
    std::snprintf(out, sizeof out, "%lldh%02lldm", static_cast<long long>(ms / 3'600'000),
                  static_cast<long long>(ms / 60'000 % 60));
  } else {
    std::snprintf(out, sizeof out, "%lldd%02lldh", static_cast<long long>(ms / 86'400'000),
                  static_cast<long long>(ms / 3'600'000 % 24));
  }
  return out;
}

// `text` on one line of at most `max` bytes: control bytes as '?', clipped with "...".
std::string OneLine(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
  if (text.size() > max) out += "...";
  return out;
}

// The state with the flags a table cell should show: "ready", "leased (paused)".
std::string StateCell(const AccountInfo& a) {
  std::string out(AccountStateName(a.state));
  if (a.paused && a.state != AccountState::kPaused) out += " (paused)";
  if (a.parked && a.state != AccountState::kParked) out += " (parked)";
  return out;
}

// The failure to open the store; when serve owns a sqlite: database, how to ask it instead.
int OpenFailed(const Status& status, const std::string& url, const std::string& curl) {
  PrintError(status);
  if (status.code() == Status::Code::kUnavailable && url.starts_with("sqlite:") &&
      status.message().find(" is in use by ") != std::string::npos) {
    std::fprintf(stderr,
                 "strandq: while strandq serve runs on this database, ask it over HTTP instead "
                 "(its --bind address, 127.0.0.1:8080 by default; the Authorization header only "
                 "if it runs with --token):\n  %s\n",
                 curl.c_str());
  }
  return ExitCodeFor(status);
}

std::string Curl(std::string_view method_flag, std::string_view path) {
  return "curl -sS " + std::string(method_flag) +
         "-H \"Authorization: Bearer $TOKEN\" 'http://127.0.0.1:8080" + std::string(path) + "'";
}

// The store's answer for `account` failed: NotFound gets a line for the on-call engineer.
int AccountFailed(const Status& status, const std::string& account, const std::string& url) {
  if (status.code() != Status::Code::kNotFound) return Failed(status, ExitCodeFor(status));
  std::fprintf(stderr,
               "strandq: error: no account '%s' in %s: the store never accepted an event of it "
               "(check the name; strandq accounts --store %s lists those with events)\n",
               account.c_str(), RedactedStoreUrl(url).c_str(), RedactedStoreUrl(url).c_str());
  return kExitFailed;
}

void PrintAccountTable(const std::vector<AccountInfo>& accounts, int64_t now_ns) {
  size_t width = 7;
  for (const AccountInfo& a : accounts) width = std::max(width, a.account.size());
  std::printf("%-*s  %-18s %9s %9s %7s %8s  %s\n", static_cast<int>(width), "ACCOUNT", "STATE",
              "PENDING", "HEAD AGE", "ATTEMPT", "DUE IN", "LAST ERROR");
  for (const AccountInfo& a : accounts) {
    const std::string age = a.head ? HumanDuration(now_ns - a.head->enqueued_ns) : "-";
    const std::string due = a.due_in.count() > 0 ? HumanDuration(a.due_in.count()) : "-";
    std::printf("%-*s  %-18s %9llu %9s %7u %8s  %s\n", static_cast<int>(width), a.account.c_str(),
                StateCell(a).c_str(), static_cast<unsigned long long>(a.pending), age.c_str(),
                a.head ? a.head->attempt : 0u, due.c_str(), OneLine(a.last_error, 80).c_str());
  }
}

void PrintAccountDetail(const AccountDetail& d, size_t offset, int64_t now_ns) {
  const AccountInfo& a = d.info;
  std::printf("account     %s\n", a.account.c_str());
  std::printf("state       %s\n", StateCell(a).c_str());
  std::printf("pending     %llu\n", static_cast<unsigned long long>(a.pending));
  if (a.head) {
    std::printf("head        id %llu, seq %llu, attempt %u, replay %u, waiting %s\n",
                static_cast<unsigned long long>(a.head->id),
                static_cast<unsigned long long>(a.head->seq), a.head->attempt, a.head->replay,
                HumanDuration(now_ns - a.head->enqueued_ns).c_str());
  }
  if (!a.last_error.empty()) std::printf("last error  %s\n", OneLine(a.last_error, 400).c_str());
  if (a.due_in.count() > 0)
    std::printf("due in      %s\n", HumanDuration(a.due_in.count()).c_str());
  if (a.state == AccountState::kLeased) {
    std::printf("lease       fencing token %llu, held by %s\n",
                static_cast<unsigned long long>(a.lease_token),
                a.lease_holder.empty() ? "(unknown)" : a.lease_holder.c_str());
  }
  std::printf("events      %zu shown from offset %zu\n", d.events.size(), offset);
  if (d.events.empty()) return;
  std::printf("  %10s %8s %7s %9s  %s\n", "ID", "SEQ", "ATTEMPT", "AGE", "PAYLOAD");
  for (const Event& e : d.events) {
    std::printf("  %10llu %8llu %7u %9s  %s\n", static_cast<unsigned long long>(e.id),
                static_cast<unsigned long long>(e.seq), e.attempt,
                HumanDuration(now_ns - e.enqueued_ns).c_str(), OneLine(e.payload, 60).c_str());
  }
}

}  // namespace

AccountsCommand::AccountsCommand(CLI::App& parent) {
  app_ = parent.add_subcommand(
      "accounts", "List accounts with pending events (busiest first), or show one (accounts show)");
  engine_.Register(*app_, /*inspect=*/true);
  app_->add_option("--state", state_,
                   "Only accounts in this state: ready|leased|delayed|paused|parked");
  app_->add_option("--sort", sort_, "backlog (most pending first) or age (oldest head first)")
      ->capture_default_str();
  app_->add_option("--limit", limit_, "Show at most this many")
      ->check(WholeNumber(1, kMaxListed))
      ->capture_default_str();
  app_->add_flag("--json", json_, "Print the JSON of GET /v1/accounts");
  show_ = app_->add_subcommand("show", "One account with its pending events, head first");
  show_->fallthrough();  // --store may follow the verb
  show_->add_option("ACCOUNT", account_, "The account")->required();
  show_->add_option("--offset", offset_, "Skip this many pending events")
      ->check(WholeNumber())
      ->capture_default_str();
  show_->add_option("--limit", show_limit_, "Show at most this many events")
      ->check(WholeNumber(1, kMaxListed))
      ->capture_default_str();
  show_->add_flag("--json", json_, "Print the JSON of GET /v1/accounts/{account}");
}

int AccountsCommand::Execute() {
  if (show_->parsed()) {
    if (Status valid = ValidateAccount(account_); !valid.ok()) {
      return Failed(valid.Prefixed("ACCOUNT"), kExitUsage);
    }
  } else {
    if (!state_.empty()) {
      auto state = ParseAccountState(state_);
      if (!state || *state == AccountState::kIdle) {
        return Failed(Status::InvalidArgument("--state must be ready, leased, delayed, paused or "
                                              "parked, not '" +
                                              state_ + "'"),
                      kExitUsage);
      }
    }
    if (sort_ != "backlog" && sort_ != "age") {
      return Failed(Status::InvalidArgument("--sort must be backlog or age, not '" + sort_ + "'"),
                    kExitUsage);
    }
  }
  auto store = engine_.Open();
  if (!store.ok()) {
    const std::string path =
        show_->parsed() ? "/v1/accounts/" + account_ + "?offset=" + std::to_string(offset_) +
                              "&limit=" + std::to_string(show_limit_)
                        : "/v1/accounts?sort=" + sort_ + "&limit=" + std::to_string(limit_) +
                              (state_.empty() ? "" : "&state=" + state_);
    return OpenFailed(store.status(), engine_.store, Curl("", path));
  }
  return show_->parsed() ? Show(**store) : List(**store);
}

int AccountsCommand::List(Store& store) {
  AccountQuery query;
  if (!state_.empty()) query.state = ParseAccountState(state_);
  query.sort = sort_ == "age" ? AccountQuery::Sort::kAge : AccountQuery::Sort::kBacklog;
  query.limit = limit_;
  auto accounts = store.ListAccounts(query);
  if (!accounts.ok()) return Failed(accounts.status(), ExitCodeFor(accounts.status()));
  const int64_t now = SystemClock()->WallNs();
  if (json_) {
    std::printf("%s\n", http::AccountListJson(*accounts, query, now, nullptr).c_str());
    return kExitOk;
  }
  PrintAccountTable(*accounts, now);
  std::fprintf(stderr, "strandq: %zu accounts listed (--limit %zu, sorted by %s)\n",
               accounts->size(), limit_, sort_.c_str());
  return kExitOk;
}

int AccountsCommand::Show(Store& store) {
  auto detail = store.GetAccount(account_, offset_, show_limit_);
  if (!detail.ok()) return AccountFailed(detail.status(), account_, engine_.store);
  const int64_t now = SystemClock()->WallNs();
  if (json_) {
    std::printf("%s\n",
                http::AccountDetailJson(*detail, offset_, show_limit_, now, nullptr).c_str());
  } else {
    PrintAccountDetail(*detail, offset_, now);
  }
  return kExitOk;
}

PauseCommand::PauseCommand(CLI::App& parent, bool pause) : pause_(pause) {
  app_ = parent.add_subcommand(
      pause ? "pause" : "resume",
      pause ? "Stop handing an account's events to workers (it keeps accepting events)"
            : "Hand a paused account's events to workers again");
  engine_.Register(*app_, /*inspect=*/true);
  app_->add_option("ACCOUNT", account_, "The account")->required();
  app_->add_flag("--json", json_, "Print the account as JSON (as the HTTP API answers)");
}

int PauseCommand::Execute() {
  if (Status valid = ValidateAccount(account_); !valid.ok()) {
    return Failed(valid.Prefixed("ACCOUNT"), kExitUsage);
  }
  auto store = engine_.Open();
  if (!store.ok()) {
    return OpenFailed(
        store.status(), engine_.store,
        Curl("-X POST ", "/v1/accounts/" + account_ + (pause_ ? "/pause" : "/resume")));
  }
  auto info = (*store)->SetPaused(account_, pause_);
  if (!info.ok()) return AccountFailed(info.status(), account_, engine_.store);
  if (json_) {
    std::printf("{\"account\":%s}\n",
                http::AccountJson(*info, SystemClock()->WallNs(), nullptr).c_str());
    return kExitOk;
  }
  std::printf("%s %s: now %s, %llu pending\n", pause_ ? "paused" : "resumed", account_.c_str(),
              StateCell(*info).c_str(), static_cast<unsigned long long>(info->pending));
  if (pause_ && info->state == AccountState::kLeased) {
    std::printf("its head is still being handled; nothing more goes out until strandq resume\n");
  }
  return kExitOk;
}

}  // namespace strandq::cli
