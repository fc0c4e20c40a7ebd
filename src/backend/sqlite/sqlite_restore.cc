// Copyright 2026 The strandq Authors.
#include "backend/sqlite/sqlite_restore.h"

#include <algorithm>
#include <string>
#include <vector>

#include "backend/sqlite/sqlite_schema.h"

namespace strandq {

namespace {

Status Damaged(const std::string& what) {
  return Status::Internal("sqlite: the database file is damaged: " + what);
}

// Accounts in slot order; returns how many.
Result<uint32_t> RestoreAccounts(SqliteDb& db, StoreModel& model) {
  auto select = db.Prepare(
      "SELECT slot, name, next_seq, grants, head_id, attempt, parked, paused FROM accounts "
      "ORDER BY slot");
  if (!select.ok()) return select.status();
  uint32_t count = 0;
  for (;;) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    if (select->Int(0) != count) {
      return Damaged("account numbers are not dense (" + std::to_string(select->Int(0)) +
                     " after " + std::to_string(count) + ")");
    }
    const std::string name = select->Text(1);
    if (!ValidateAccount(name).ok()) return Damaged("account " + std::to_string(count));
    ModelChanges::Account account;
    account.slot = count;
    account.next_seq = static_cast<uint64_t>(select->Int(2));
    account.grants = static_cast<uint32_t>(select->Int(3));
    account.head_id = static_cast<uint64_t>(select->Int(4));
    account.attempt = static_cast<uint32_t>(select->Int(5));
    account.parked = select->Int(6) != 0;
    account.paused = select->Int(7) != 0;
    if (!model.RestoreAccount(name, account)) return Damaged("account '" + name + "' twice");
    ++count;
  }
  return count;
}

Status RestorePending(SqliteDb& db, StoreModel& model, uint32_t accounts) {
  auto select = db.Prepare(
      "SELECT id, slot, seq, enqueued_ns, replays, pos FROM events "
      "WHERE id NOT IN (SELECT id FROM acked) ORDER BY id");
  if (!select.ok()) return select.status();
  struct Row {
    StoreModel::RestoredEvent event;
    int64_t pos;
  };
  std::vector<Row> rows;
  bool reordered = false;
  for (;;) {
    Result<bool> step = select->Step();
    if (!step.ok()) return step.status();
    if (!*step) break;
    Row& row = rows.emplace_back();
    row.event.id = static_cast<uint64_t>(select->Int(0));
    const int64_t slot = select->Int(1);
    if (slot < 0 || slot >= accounts) {
      return Damaged("event " + std::to_string(row.event.id) + " of an unknown account");
    }
    row.event.slot = static_cast<uint32_t>(slot);
    row.event.seq = static_cast<uint64_t>(select->Int(2));
    row.event.enqueued_ns = select->Int(3);
    row.event.replays = static_cast<uint32_t>(select->Int(4));
    row.pos = select->Int(5);
    reordered = reordered || row.pos != select->Int(0);
  }
  // An account's order is its events' pos order (pos = id unless a replay reordered it).
  if (reordered) {
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return a.pos < b.pos; });
  }
  for (const Row& row : rows) model.RestorePending(row.event);
  return Status();
}

Status RestoreDead(SqliteDb& db, StoreModel& model, uint32_t accounts) {
  auto select = db.Prepare(
      "SELECT id, slot, seq, enqueued_ns, replays, attempt, error, dead_ns FROM dead ORDER BY n");
  if (!select.ok()) return select.status();
  for (;;) {
    Result<bool> step = select->Step();
    if (!step.ok()) return step.status();
    if (!*step) return Status();
    StoreModel::RestoredEvent event;
    event.id = static_cast<uint64_t>(select->Int(0));
    const int64_t slot = select->Int(1);
    if (slot < 0 || slot >= accounts) {
      return Damaged("dead letter " + std::to_string(event.id) + " of an unknown account");
    }
    event.slot = static_cast<uint32_t>(slot);
    event.seq = static_cast<uint64_t>(select->Int(2));
    event.enqueued_ns = select->Int(3);
    event.replays = static_cast<uint32_t>(select->Int(4));
    model.RestoreDead(event, static_cast<uint32_t>(select->Int(5)), select->Text(6),
                      select->Int(7));
  }
}

Status RestoreTotals(SqliteDb& db, StoreModel& model) {
  auto select = db.Prepare(
      "SELECT enqueued, acked, nacked, expired, dead_lettered, last_id FROM store WHERE one = 1");
  if (!select.ok()) return select.status();
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Damaged("the store row is missing");
  ModelChanges::Totals totals;
  totals.enqueued = static_cast<uint64_t>(select->Int(0));
  totals.acked = static_cast<uint64_t>(select->Int(1));
  totals.nacked = static_cast<uint64_t>(select->Int(2));
  totals.expired = static_cast<uint64_t>(select->Int(3));
  totals.dead_lettered = static_cast<uint64_t>(select->Int(4));
  totals.last_id = static_cast<uint64_t>(select->Int(5));
  model.RestoreTotals(totals);
  return Status();
}

Status RestoreKeys(SqliteDb& db, StoreModel& model) {
  auto select =
      db.Prepare("SELECT key, fingerprint, receipts, expires_wall_ns FROM idempotency_keys");
  if (!select.ok()) return select.status();
  for (;;) {
    Result<bool> step = select->Step();
    if (!step.ok()) return step.status();
    if (!*step) return Status();
    auto receipts = DecodeReceipts(select->Text(2));
    if (!receipts.ok()) return receipts.status();
    model.RestoreIdempotencyEntry(
        {select->Text(0), select->Text(1), std::move(*receipts), select->Int(3)});
  }
}

}  // namespace

Result<uint64_t> ReadJitterSeed(SqliteDb& db) {
  auto seed = db.QueryInt("SELECT jitter_seed FROM store WHERE one = 1");
  if (!seed.ok()) return seed.status();
  if (!*seed) return Damaged("the store row is missing");
  return static_cast<uint64_t>(**seed);
}

Status RestoreModel(SqliteDb& db, StoreModel& model) {
  if (Status begun = db.Exec("BEGIN"); !begun.ok()) return begun;
  Status restored;
  Result<uint32_t> accounts = RestoreAccounts(db, model);
  if (!accounts.ok()) restored = accounts.status();
  if (restored.ok()) restored = RestorePending(db, model, *accounts);
  if (restored.ok()) restored = RestoreDead(db, model, *accounts);
  if (restored.ok()) restored = RestoreTotals(db, model);
  if (restored.ok()) restored = RestoreKeys(db, model);
  (void)db.Exec("COMMIT");
  return restored;
}

}  // namespace strandq
