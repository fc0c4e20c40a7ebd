// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "strandq/event.h"
#include "strandq/result.h"
#include "strandq/status.h"

namespace strandq {

class Store;  // strandq/store.h

// One event of a workload, in acceptance order. `seq` is its 1-based position in its account.
struct WorkloadEvent {
  std::string account;
  uint64_t seq = 0;
  std::string payload;
  bool operator==(const WorkloadEvent&) const = default;
};

// The seed workload of DESIGN.md: repeatedly pick an account uniformly among `accounts`
// (named "0".."accounts-1"), append a run of batch_min..batch_max consecutive events for it
// (the last run is cut to reach `events` exactly). The same options and seed always give the
// same list, on every platform.
struct SeedOptions {
  size_t events = 10'000;
  size_t accounts = 1'000;
  size_t batch_min = 1;
  size_t batch_max = 10;
  uint64_t seed = 1;
  size_t payload_bytes = 0;  // each event gets this many printable random bytes
};

// InvalidArgument for zero events or accounts, or batch_min > batch_max or batch_min == 0.
Result<std::vector<WorkloadEvent>> GenerateSeedWorkload(const SeedOptions& options);

// Workload CSV (RFC 4180): header `account,seq,payload` (payload optional), one event a line,
// after an optional UTF-8 byte order mark. Every event is checked as a store would (account,
// payload of at most kDefaultMaxPayloadBytes), and `seq` must be 1, 2, 3... within each account
// in file order, so a file that reads is one that enqueues. InvalidArgument
// "<path>:<line>: <problem>" at the first bad line; NotFound if unreadable.
Result<std::vector<WorkloadEvent>> ReadWorkloadCsv(const std::string& path);

// Writes the header and the events, quoting fields that need it. Unavailable on I/O errors.
Status WriteWorkloadCsv(const std::string& path, const std::vector<WorkloadEvent>& events);

// The longest account's event count.
size_t LongestAccount(const std::vector<WorkloadEvent>& events);

// How many distinct accounts the events use.
size_t CountAccounts(const std::vector<WorkloadEvent>& events);

// Enqueues the events in order, in batches of `batch_size` (each batch atomic, the whole not).
// Every event is validated first (its account, a payload of at most `max_payload_bytes`): an
// invalid one is reported (InvalidArgument or TooLarge, "event N" counting from 1) before
// anything is sent. Otherwise stops at the first error and returns it; the batches before it
// stay accepted.
Status EnqueueWorkload(Store& store, const std::vector<WorkloadEvent>& events,
                       size_t batch_size = 1000,
                       size_t max_payload_bytes = kDefaultMaxPayloadBytes);

}  // namespace strandq
