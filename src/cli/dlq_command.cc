// Copyright 2026 The strandq Authors.
#include "cli/dlq_command.h"

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

#include "strandq/store.h"

namespace strandq::cli {

DlqCommand::DlqCommand(CLI::App& parent) {
  app_ = parent.add_subcommand("dlq", "List, replay or purge dead-lettered events");
  app_->require_subcommand(1);
  engine_.Register(*app_, /*inspect=*/true);
  list_ = app_->add_subcommand("list", "Show dead events, oldest first");
  list_->add_option("--limit", limit_, "Show at most this many")
      ->check(WholeNumber(1))
      ->capture_default_str();
  list_->add_flag("--json", json_, "One JSON object per line");
  replay_ = app_->add_subcommand("replay", "Put dead events back into their accounts");
  replay_->add_flag("--tail", tail_, "At the tail of the account instead of its head");
  purge_ = app_->add_subcommand("purge", "Delete dead events");
  // --store and the engine flags may follow the verb: `dlq list --store URL`.
  for (CLI::App* sub : {list_, replay_, purge_}) sub->fallthrough();
  for (CLI::App* sub : {replay_, purge_}) {
    auto* id =
        sub->add_option("--id", ids_, "A dead event's id (repeatable)")->check(WholeNumber(1));
    auto* all = sub->add_flag("--all", all_, "Every dead event");
    id->excludes(all);
    all->excludes(id);
  }
}

int DlqCommand::Execute() {
  if ((replay_->parsed() || purge_->parsed()) && ids_.empty() && !all_) {
    PrintError(Status::InvalidArgument("name the dead events: --id ID (repeatable) or --all"));
    return kExitUsage;
  }
  auto store = engine_.Open();
  if (!store.ok()) {
    PrintError(store.status());
    return ExitCodeFor(store.status());
  }
  if (list_->parsed()) return List(**store);
  return Move(**store, replay_->parsed());
}

int DlqCommand::List(Store& store) {
  auto dead = store.ListDead(limit_);
  if (!dead.ok()) {
    PrintError(dead.status());
    return kExitFailed;
  }
  for (const DeadLetter& d : *dead) {
    if (json_) {
      nlohmann::ordered_json line = {
          {"id", d.event.id},           {"account", d.event.account},
          {"seq", d.event.seq},         {"attempt", d.event.attempt},
          {"replay", d.event.replay},   {"error", d.error},
          {"dead_ns", d.dead_ns},       {"enqueued_ns", d.event.enqueued_ns},
          {"payload", d.event.payload},
      };
      std::printf("%s\n",
                  line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::printf("%llu %s#%llu attempts=%u error=%s\n",
                  static_cast<unsigned long long>(d.event.id), d.event.account.c_str(),
                  static_cast<unsigned long long>(d.event.seq), d.event.attempt, d.error.c_str());
    }
  }
  if (!json_) std::fprintf(stderr, "strandq: %zu dead events listed\n", dead->size());
  return kExitOk;
}

int DlqCommand::Move(Store& store, bool replay) {
  std::vector<uint64_t> ids = ids_;
  if (all_) {
    auto dead = store.ListDead(SIZE_MAX);
    if (!dead.ok()) {
      PrintError(dead.status());
      return kExitFailed;
    }
    ids.clear();
    for (const DeadLetter& d : *dead) ids.push_back(d.event.id);
    if (!replay) ids.clear();  // PurgeDead with no ids purges them all, atomically
  }
  auto moved = replay ? store.ReplayDead(ids, tail_ ? ReplayAt::kTail : ReplayAt::kHead)
                      : store.PurgeDead(ids);
  if (!moved.ok()) {
    PrintError(moved.status());
    return kExitFailed;
  }
  if (replay) {
    std::printf("replayed %zu dead events (at the %s of their accounts)\n", *moved,
                tail_ ? "tail" : "head");
  } else {
    std::printf("purged %zu dead events\n", *moved);
  }
  if (!all_ && *moved < ids.size()) {
    std::fprintf(stderr, "strandq: %zu of the ids named were not dead letters\n",
                 ids.size() - *moved);
  }
  return kExitOk;
}

}  // namespace strandq::cli
