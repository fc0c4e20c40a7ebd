// Copyright 2026 The strandq Authors.
#include "backend/sqlite/sqlite_db.h"

#include <mutex>
#include <string>
#include <utility>

namespace strandq {

namespace {

Status StatusFor(int rc, std::string_view what, const char* message) {
  std::string text = "sqlite: " + std::string(what) + ": " + (message ? message : "") + " (" +
                     sqlite3_errstr(rc) + ")";
  const int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) {
    return Status::Internal(text + ": the database file is damaged");
  }
  return Status::Unavailable(text);
}

}  // namespace

SqliteStatement& SqliteStatement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob with a null pointer would bind NULL.
  static const char kEmpty = 0;
  sqlite3_bind_blob64(stmt_.get(), index, bytes.empty() ? &kEmpty : bytes.data(), bytes.size(),
                      SQLITE_STATIC);
  return *this;
}

Result<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_.get());
  const char* sql = sqlite3_sql(stmt_.get());
  Status error = StatusFor(rc, std::string(sql ? sql : "?").substr(0, 60), sqlite3_errmsg(db));
  sqlite3_reset(stmt_.get());
  return error;
}

Status SqliteStatement::Run() {
  Result<bool> stepped = Step();
  Reset();
  if (!stepped.ok()) return stepped.status();
  return Status();
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string SqliteStatement::Text(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_.get(), column);
  const int size = sqlite3_column_bytes(stmt_.get(), column);
  if (bytes == nullptr || size <= 0) return std::string();
  return std::string(static_cast<const char*>(bytes), static_cast<size_t>(size));
}

Result<SqliteDb> SqliteDb::Open(const std::string& path, int flags) {
  // No memory statistics: they take a global mutex around every allocation of every
  // connection. Possible only before SQLite's first use in the process (else a no-op).
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  SqliteDb db;
  db.db_.reset(raw);  // closed on every path, even when the open failed
  if (rc != SQLITE_OK) {
    return StatusFor(rc, "opening " + path, raw ? sqlite3_errmsg(raw) : nullptr);
  }
  sqlite3_extended_result_codes(raw, 1);
  // Locks are held for microseconds (one writer, WAL readers); a reader can still meet one
  // while the log is reset or recovered, and must wait rather than fail.
  sqlite3_busy_timeout(raw, 5000);
  return db;
}

Status SqliteDb::Exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return Status();
  Status error = StatusFor(rc, text.substr(0, 60), message);
  sqlite3_free(message);
  return error;
}

Result<SqliteStatement> SqliteDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "preparing " + std::string(sql.substr(0, 60)));
  return SqliteStatement(stmt);
}

Result<std::optional<int64_t>> SqliteDb::QueryInt(std::string_view sql) {
  auto query = Prepare(sql);
  if (!query.ok()) return query.status();
  Result<bool> row = query->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>(query->Int(0));
}

Status SqliteDb::Error(int rc, std::string_view what) const {
  return StatusFor(rc, what, sqlite3_errmsg(db_.get()));
}

}  // namespace strandq
