// Copyright 2026 The strandq Authors.
#pragma once

#include <sqlite3.h>

#include <string>

namespace strandq::testing {

// Runs `sql` (one or more statements) on the SQLite database at `path`, creating the file if
// it is missing, as a test does to age or damage a database behind the store's back. Returns ""
// on success, else SQLite's message. Closes the database either way.
inline std::string ExecSqlite(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  std::string error;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    error = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  } else if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    error = sqlite3_errmsg(db);
  }
  sqlite3_close(db);
  return error;
}

}  // namespace strandq::testing
