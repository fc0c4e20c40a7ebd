// Copyright 2026 The strandq Authors.
#include "backend/sqlite/sqlite_store.h"

#include <filesystem>
#include <string>
#include <system_error>
#include <utility>

#include "backend/sqlite/sqlite_restore.h"
#include "backend/sqlite/sqlite_schema.h"

namespace strandq {

namespace {

// A connection to `path` in WAL mode with the URL's synchronous level, the schema in place.
Result<SqliteDb> OpenWriterConnection(const SqliteUrl& url, uint64_t new_seed) {
  auto db = SqliteDb::Open(url.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db.ok()) return db.status();
  auto version = db->QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  const int64_t format = version->value_or(0);
  if (format == 0) {  // a new file (CheckDatabaseFile let nothing else through)
    if (Status marked = MarkAsStrandq(*db); !marked.ok()) return marked;
  }
  auto mode = db->Prepare("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.status();
  Result<bool> row = mode->Step();
  if (!row.ok()) return row.status();
  if (mode->Text(0) != "wal") {
    return Status::Unavailable("sqlite:" + url.path + ": cannot use WAL mode (journal mode '" +
                               mode->Text(0) + "'): put the file on a local file system");
  }
  mode->Reset();
  const bool full = url.sync == SqliteUrl::Sync::kFull;
  if (Status set = db->Exec(full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
      !set.ok()) {
    return set;
  }
  Result<bool> has_schema = HasSchema(*db);
  if (!has_schema.ok()) return has_schema.status();
  if (!*has_schema) {
    if (Status schema = CreateSchema(*db, new_seed); !schema.ok()) return schema;
  } else if (format < kSqliteFormatVersion) {
    if (Status schema = UpgradeSchema(*db, format); !schema.ok()) return schema;
  }
  return db;
}

Status Named(const Status& status, const std::string& path) {
  if (status.ok() || status.message().starts_with("sqlite:" + path)) return status;
  return status.Prefixed("sqlite:" + path);
}

}  // namespace

Result<std::unique_ptr<Store>> SqliteStore::Open(const SqliteUrl& url, const EngineOptions& options,
                                                 Clock* clock,
                                                 std::optional<uint64_t> jitter_seed) {
  if (clock == nullptr) clock = SystemClock();
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->path_ = url.path;
  std::error_code error;
  store->location_ = std::filesystem::absolute(url.path, error).lexically_normal().string();
  if (error) store->location_ = url.path;
  // An inspecting command (stats, dlq, drop) creates nothing: a path that names no file is a
  // typo or a database not made yet.
  if (options.policy_from_store && !std::filesystem::exists(url.path, error)) {
    return Status::InvalidArgument("sqlite:" + url.path + ": no such database (" +
                                   store->location_ +
                                   " does not exist); strandq serve, worker, run or generate "
                                   "--to creates it");
  }
  store->options_ = options;
  auto lock = OwnerLock::Acquire(url.path);
  if (!lock.ok()) return lock.status();
  store->lock_.emplace(std::move(*lock));
  if (Status file = CheckDatabaseFile(url.path); !file.ok()) return file;
  if (Status pages = CheckDatabasePages(url.path); !pages.ok()) return pages;

  auto db = OpenWriterConnection(url, jitter_seed.value_or(static_cast<uint64_t>(clock->WallNs())));
  if (!db.ok()) return Named(db.status(), url.path);
  auto seed = ReadJitterSeed(*db);
  if (!seed.ok()) return Named(seed.status(), url.path);
  auto reader = SqliteDb::Open(url.path, SQLITE_OPEN_READONLY);
  if (!reader.ok()) return Named(reader.status(), url.path);
  auto writer = SqliteWriter::Start(std::move(*db), url.path);
  if (!writer.ok()) return Named(writer.status(), url.path);
  store->writer_ = std::move(*writer);
  store->memory_ = std::make_unique<MemoryStore>(
      options, clock, *seed, store->writer_.get(),
      [&reader](StoreModel& model) { return RestoreModel(*reader, model); });
  if (!store->memory_->restore_status().ok()) {
    return Named(store->memory_->restore_status(), url.path);
  }
  return std::unique_ptr<Store>(std::move(store));
}

SqliteStore::~SqliteStore() = default;

StoreTraits SqliteStore::Traits() const {
  StoreTraits traits = memory_->Traits();
  traits.durable = true;
  traits.location = location_;
  return traits;
}

Result<uint64_t> SqliteStore::Drop() {
  memory_.reset();
  writer_.reset();  // commits what was queued
  auto db = SqliteDb::Open(path_, SQLITE_OPEN_READWRITE);
  if (!db.ok()) return Named(db.status(), path_);
  if (Status begun = db->Exec("BEGIN IMMEDIATE"); !begun.ok()) return begun;
  // The acked events' rows go uncounted: they are gone as far as anyone knows.
  const std::pair<const char*, bool> deletes[] = {
      {"DELETE FROM events WHERE id IN (SELECT id FROM acked)", false},
      {"DELETE FROM payloads WHERE id IN (SELECT id FROM acked)", false},
      {"DELETE FROM acked", false},
      {"DELETE FROM events", true},
      {"DELETE FROM payloads", true},
      {"DELETE FROM dead", true},
      {"DELETE FROM accounts", true},
      {"DELETE FROM idempotency_keys", true}};
  uint64_t deleted = 0;
  for (const auto& [sql, counted] : deletes) {
    if (Status gone = db->Exec(sql); !gone.ok()) {
      (void)db->Exec("ROLLBACK");
      return Named(gone, path_);
    }
    if (counted) deleted += static_cast<uint64_t>(sqlite3_changes64(db->get()));
  }
  Status reset = db->Exec(
      "UPDATE store SET enqueued = 0, acked = 0, nacked = 0, expired = 0, dead_lettered = 0, "
      "last_id = 0");
  if (reset.ok()) reset = db->Exec("COMMIT");
  if (!reset.ok()) return Named(reset, path_);
  return deleted;
}

}  // namespace strandq
