// Copyright 2026 The strandq Authors.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "strandq/result.h"
#include "strandq/status.h"

namespace strandq {

// A prepared statement of a SqliteDb: bind, step, read columns, reset. Parameters are 1-based,
// columns 0-based (SQLite's numbering). Text and blobs bound are not copied: they must stay
// valid until the statement is reset. Used by one thread at a time.
class SqliteStatement {
 public:
  SqliteStatement() = default;
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  SqliteStatement& Bind(int index, int64_t value);
  SqliteStatement& Bind(int index, std::string_view text);  // as TEXT
  SqliteStatement& BindBlob(int index, std::string_view bytes);
  // Runs to the next row: true for a row, false when done; an error names the statement.
  Result<bool> Step();
  // Step() for a statement that returns no rows, then Reset().
  Status Run();
  void Reset();

  int64_t Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }
  std::string Text(int column) const;  // TEXT or BLOB column as bytes
  bool IsNull(int column) const { return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL; }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

// One SQLite connection (RAII). Errors come back as Unavailable("sqlite: <what>: <SQLite's
// message>"), except the ones that mean the file is not a sound database (SQLITE_CORRUPT,
// SQLITE_NOTADB), which are Internal and say the file is damaged. A connection is used by one
// thread at a time.
class SqliteDb {
 public:
  // Opens `path` with `flags` (SQLITE_OPEN_*); SQLITE_OPEN_NOMUTEX is added.
  static Result<SqliteDb> Open(const std::string& path, int flags);

  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // The first column of the first row of `sql` as an integer; nullopt when it has no row.
  Result<std::optional<int64_t>> QueryInt(std::string_view sql);
  // The status for SQLite result code `rc` while doing `what` on this connection.
  Status Error(int rc, std::string_view what) const;
  sqlite3* get() const { return db_.get(); }

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

}  // namespace strandq
