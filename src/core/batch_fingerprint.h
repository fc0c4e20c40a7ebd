// Copyright 2026 The strandq Authors.
#pragma once

#include <span>
#include <string>

#include "strandq/event.h"

namespace strandq {

// What names a batch for Store::EnqueueOnce, so that a repeat of a key can be told from a
// different request under the same key: the first 128 bits of SHA-256 over each event's
// account and payload in order, each preceded by its length (8 bytes, little-endian), as 32
// lowercase hex digits. Equal batches (same accounts, payloads and order) give equal
// fingerprints; any difference gives another one. Every store computes it with this function.
// Thread-safe.
std::string BatchFingerprint(std::span<const NewEvent> batch);

}  // namespace strandq
