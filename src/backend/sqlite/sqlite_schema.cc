// Copyright 2026 The strandq Authors.
#include "backend/sqlite/sqlite_schema.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace strandq {

// DESIGN
// The tables hold what a restart needs (ModelChanges, core/model_changes.h):
//   store     one row: the layout's version, the jitter seed, the totals and the id counter
//   accounts  slot (the account's number, dense), name, next_seq, grants, and the attempts of
//             the head head_id (a head with another id has 0), parked, paused (by an operator)
//   events    pending events: id, slot, seq, enqueued_ns, replays, and pos, their order within
//             the account (pos = id until a replay reorders the account)
//   payloads  id -> body, for pending and dead events: apart, so that reading the events at
//             start does not read the bodies
//   dead      dead letters in order of death (n), with their attempts, error and time
//   idempotency_keys  EnqueueOnce's keys: the batch's fingerprint, its receipts (id and seq of
//             each event, 16 bytes little-endian) and when the key is forgotten
//   acked     ids of acked events whose rows in events and payloads are not deleted yet, in
//             order of ack (n): an ack appends to it instead of deleting two rows from pages
//             all over the file; SqliteWriter deletes them in bulk (a sweep) once they are as
//             many as the other rows of events, so a sweep rewrites each page of events at most
//             once per half of its rows acked. A reload skips the events it holds.
// Every table but idempotency_keys is keyed by an integer (rowid): inserts append.
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS store (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  jitter_seed INTEGER NOT NULL,
  enqueued INTEGER NOT NULL, acked INTEGER NOT NULL, nacked INTEGER NOT NULL,
  expired INTEGER NOT NULL, dead_lettered INTEGER NOT NULL, last_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
  slot INTEGER PRIMARY KEY, name TEXT NOT NULL, next_seq INTEGER NOT NULL,
  grants INTEGER NOT NULL, head_id INTEGER NOT NULL, attempt INTEGER NOT NULL,
  parked INTEGER NOT NULL, paused INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY, slot INTEGER NOT NULL, seq INTEGER NOT NULL,
  enqueued_ns INTEGER NOT NULL, pos INTEGER NOT NULL, replays INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS payloads (id INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, receipts BLOB NOT NULL,
  expires_wall_ns INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS acked (n INTEGER PRIMARY KEY, id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS dead (
  n INTEGER PRIMARY KEY, id INTEGER NOT NULL UNIQUE, slot INTEGER NOT NULL,
  seq INTEGER NOT NULL, enqueued_ns INTEGER NOT NULL, replays INTEGER NOT NULL,
  attempt INTEGER NOT NULL, error TEXT NOT NULL, dead_ns INTEGER NOT NULL);
)sql";

uint32_t BigEndian32(const unsigned char* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) |
         uint32_t{bytes[3]};
}

// Whether a database that says `application_id` and `version` is one this strandq may open;
// `empty`: it holds no table (a new database whose schema was never committed).
Status CheckIdentity(const std::string& named, int32_t application_id, int32_t version,
                     bool empty) {
  if (application_id == 0 && version == 0 && empty) return Status();
  if (application_id != kSqliteApplicationId) {
    return Status::InvalidArgument(
        named +
        "not a strandq database (an SQLite database of another application); give "
        "another path, or move the file away");
  }
  if (version > kSqliteFormatVersion) {
    return Status::InvalidArgument(named + "written by a newer strandq (format " +
                                   std::to_string(version) + "; this one reads format " +
                                   std::to_string(kSqliteFormatVersion) +
                                   "): run the strandq that wrote it, or a newer one; the file "
                                   "was left as it is");
  }
  return Status();
}

// CheckIdentity of a database whose write-ahead log holds commits the file does not have yet
// (its process ended before they were copied in, so the file's header may be stale): asks
// SQLite on a read-only connection, which reads the log.
Status CheckIdentityThroughLog(const std::string& path, const std::string& named) {
  auto db = SqliteDb::Open(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status().Prefixed("sqlite:" + path);
  int64_t values[3] = {};
  const char* queries[3] = {"PRAGMA application_id", "PRAGMA user_version",
                            "SELECT count(*) FROM sqlite_schema"};
  for (int i = 0; i < 3; ++i) {
    auto value = db->QueryInt(queries[i]);
    if (!value.ok()) return value.status().Prefixed("sqlite:" + path);
    values[i] = value->value_or(0);
  }
  return CheckIdentity(named, static_cast<int32_t>(values[0]), static_cast<int32_t>(values[1]),
                       values[2] == 0);
}

}  // namespace

Status CheckDatabaseFile(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error || size == 0) return Status();  // new (or unreadable: opening it will say why)
  const std::string named = "sqlite:" + path + ": ";
  unsigned char header[100] = {};
  std::ifstream file(path, std::ios::binary);
  file.read(reinterpret_cast<char*>(header), sizeof(header));
  if (file.gcount() < 16 || std::string_view(reinterpret_cast<char*>(header), 16) !=
                                std::string_view("SQLite format 3\0", 16)) {
    return Status::InvalidArgument(named +
                                   "not a strandq database (not an SQLite file); give another "
                                   "path, or move the file away");
  }
  if (file.gcount() < 100) {
    return Status::Internal(named + "damaged: the file is truncated (" + std::to_string(size) +
                            " bytes)");
  }
  const auto wal_size = std::filesystem::file_size(path + "-wal", error);
  if (!error && wal_size > 0) return CheckIdentityThroughLog(path, named);
  const uint32_t page_size = header[16] == 0 && header[17] == 1
                                 ? 65536
                                 : (uint32_t{header[16]} << 8) | uint32_t{header[17]};
  const uint64_t pages = BigEndian32(header + 28);
  const auto application_id = static_cast<int32_t>(BigEndian32(header + 68));
  const auto version = static_cast<int32_t>(BigEndian32(header + 60));
  if (Status identity = CheckIdentity(named, application_id, version, pages <= 1); !identity.ok()) {
    return identity;
  }
  // The header's page count holds when its version-valid-for number is the change counter.
  const bool count_valid = BigEndian32(header + 92) == BigEndian32(header + 24);
  if (count_valid && pages > 0 && page_size >= 512 && size < pages * page_size) {
    return Status::Internal(named + "damaged: the file is truncated (" + std::to_string(size) +
                            " of " + std::to_string(pages * page_size) + " bytes)");
  }
  return Status();
}

Status CheckDatabasePages(const std::string& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error || size == 0) return Status();
  auto damaged = [&path](std::string what) {
    std::replace(what.begin(), what.end(), '\n', ' ');
    return Status::Internal("sqlite:" + path + ": damaged (" + what.substr(0, 200) +
                            "); nothing was written to it: move it away or restore a copy");
  };
  auto db = SqliteDb::Open(path, SQLITE_OPEN_READONLY);
  if (!db.ok()) return db.status().Prefixed("sqlite:" + path);
  Result<bool> row = false;
  auto check = db->Prepare("PRAGMA quick_check(1)");
  if (check.ok()) row = check->Step();
  const Status& failed = !check.ok() ? check.status() : row.status();
  if (failed.code() == Status::Code::kInternal) return damaged(sqlite3_errmsg(db->get()));
  if (!failed.ok()) return failed.Prefixed("sqlite:" + path);
  const std::string verdict = *row ? check->Text(0) : "no answer";
  return verdict == "ok" ? Status() : damaged(verdict);
}

std::string EncodeReceipts(std::span<const EnqueueReceipt> receipts) {
  std::string bytes;
  bytes.reserve(receipts.size() * 16);
  auto put = [&bytes](uint64_t value) {
    for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<char>(value >> (8 * i)));
  };
  for (const EnqueueReceipt& receipt : receipts) {
    put(receipt.id);
    put(receipt.seq);
  }
  return bytes;
}

Result<std::vector<EnqueueReceipt>> DecodeReceipts(std::string_view bytes) {
  if (bytes.size() % 16 != 0) {
    return Status::Internal("sqlite: the database file is damaged: receipts of " +
                            std::to_string(bytes.size()) + " bytes");
  }
  auto get = [&bytes](size_t at) {
    uint64_t value = 0;
    for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
  };
  std::vector<EnqueueReceipt> receipts(bytes.size() / 16);
  for (size_t i = 0; i < receipts.size(); ++i) receipts[i] = {get(16 * i), get(16 * i + 8)};
  return receipts;
}

Status MarkAsStrandq(SqliteDb& db) {
  return db.Exec("PRAGMA application_id = " + std::to_string(kSqliteApplicationId) +
                 "; PRAGMA user_version = " + std::to_string(kSqliteFormatVersion));
}

Result<bool> HasSchema(SqliteDb& db) {
  auto tables = db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'store'");
  if (!tables.ok()) return tables.status();
  return tables->value_or(0) > 0;
}

Status CreateSchema(SqliteDb& db, uint64_t jitter_seed) {
  if (Status begun = db.Exec("BEGIN IMMEDIATE"); !begun.ok()) return begun;
  Status created = db.Exec(kSchema);
  if (created.ok()) {
    created = db.Exec("PRAGMA application_id = " + std::to_string(kSqliteApplicationId) +
                      "; PRAGMA user_version = " + std::to_string(kSqliteFormatVersion));
  }
  if (created.ok()) {
    auto insert = db.Prepare("INSERT OR IGNORE INTO store VALUES (1, ?, 0, 0, 0, 0, 0, 0)");
    created =
        insert.ok() ? insert->Bind(1, static_cast<int64_t>(jitter_seed)).Run() : insert.status();
  }
  if (!created.ok()) {
    (void)db.Exec("ROLLBACK");
    return created;
  }
  return db.Exec("COMMIT");
}

Status UpgradeSchema(SqliteDb& db, int64_t format) {
  if (Status begun = db.Exec("BEGIN IMMEDIATE"); !begun.ok()) return begun;
  Status upgraded = db.Exec(kSchema);  // creates the tables that are missing
  if (upgraded.ok() && format < 3) {
    upgraded = db.Exec("ALTER TABLE accounts ADD COLUMN paused INTEGER NOT NULL DEFAULT 0");
  }
  if (upgraded.ok()) upgraded = MarkAsStrandq(db);
  if (!upgraded.ok()) {
    (void)db.Exec("ROLLBACK");
    return upgraded;
  }
  return db.Exec("COMMIT");
}

}  // namespace strandq
