// Copyright 2026 The strandq Authors.
#pragma once

#include <cstdint>

#include "backend/sqlite/sqlite_db.h"
#include "core/store_model.h"
#include "strandq/result.h"

namespace strandq {

// The jitter seed recorded when the database was created.
Result<uint64_t> ReadJitterSeed(SqliteDb& db);

// Fills a new `model` with what the database records (StoreModel::Restore*), in one read
// transaction. Internal ("damaged") when the record contradicts itself (an event of an unknown
// account, accounts not numbered densely); the database is not changed.
Status RestoreModel(SqliteDb& db, StoreModel& model);

}  // namespace strandq
