// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backend/sqlite/sqlite_db.h"
#include "strandq/event.h"
#include "strandq/result.h"
#include "strandq/status.h"

namespace strandq {

// The layout of a strandq database (the tables are drawn in sqlite_schema.cc). A database
// says it is strandq's with PRAGMA application_id and its layout's version with
// PRAGMA user_version.
inline constexpr int32_t kSqliteApplicationId = 0x73747271;  // "strq"
// Format 2 added the table acked, format 3 the column accounts.paused; older databases are
// upgraded when opened (UpgradeSchema).
inline constexpr int32_t kSqliteFormatVersion = 3;

// Reads the file's header without opening it as a database, so that nothing is written to a
// file that is not ours: OK for a missing or empty file (a new database) and for a strandq
// database of this version; else InvalidArgument (not SQLite, another application's database,
// a newer version) or Internal (truncated), each one line naming the file.
Status CheckDatabaseFile(const std::string& path);

// Reads every page of an existing database (PRAGMA quick_check) on a read-only connection, so
// that damage anywhere, in pages a restart does not read (payloads) too, is found before
// anything is written: OK for a missing or empty file and a sound one; else Internal, one line
// naming the file.
Status CheckDatabasePages(const std::string& path);

// Writes strandq's application id and format version into the header of a new database. Done
// before it enters WAL mode, so that they are in the file itself even if the process ends
// before the first checkpoint.
Status MarkAsStrandq(SqliteDb& db);

// Whether the database has its tables (a process may have ended while creating them).
Result<bool> HasSchema(SqliteDb& db);

// The receipts of an idempotency key as the database holds them: the id and seq of each event,
// as 8-byte little-endian numbers. Decoding fails (Internal, "damaged") on a length that is not
// a multiple of 16.
std::string EncodeReceipts(std::span<const EnqueueReceipt> receipts);
Result<std::vector<EnqueueReceipt>> DecodeReceipts(std::string_view bytes);

// Creates the tables (in one transaction), with `jitter_seed` recorded.
Status CreateSchema(SqliteDb& db, uint64_t jitter_seed);

// Brings a database of an older `format` (its tables in place) to this one, in one
// transaction.
Status UpgradeSchema(SqliteDb& db, int64_t format);

}  // namespace strandq
