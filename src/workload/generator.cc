// Copyright 2026 The strandq Authors.
//
// The seed workload of DESIGN.md. Two independent PRNG streams: one picks accounts and run
// lengths, the other fills payloads, so the account sequence of a seed does not depend on
// payload_bytes. strandq::Random (not std distributions) keeps it identical on every platform.

#include <string>
#include <vector>

#include "strandq/workload.h"
#include "util/random.h"

namespace strandq {
namespace {

// Printable ASCII, ' ' to '~': includes ',' and '"' (about 1 byte in 47 is one of them), which
// exercises CSV quoting.
void FillPayload(Random& rng, size_t bytes, std::string* payload) {
  payload->resize(bytes);
  for (char& c : *payload) c = static_cast<char>(' ' + rng.Uniform('~' - ' ' + 1));
}

}  // namespace

Result<std::vector<WorkloadEvent>> GenerateSeedWorkload(const SeedOptions& options) {
  if (options.events == 0) return Status::InvalidArgument("events must be at least 1");
  if (options.accounts == 0) return Status::InvalidArgument("accounts must be at least 1");
  if (options.batch_min == 0) return Status::InvalidArgument("batch minimum must be at least 1");
  if (options.batch_min > options.batch_max) {
    return Status::InvalidArgument("batch minimum " + std::to_string(options.batch_min) +
                                   " exceeds batch maximum " + std::to_string(options.batch_max));
  }
  Random rng(options.seed);
  Random payload_rng(options.seed ^ 0x7061796c6f616473ULL);  // "payloads"
  std::vector<uint64_t> next_seq(options.accounts, 1);
  std::vector<WorkloadEvent> events;
  events.reserve(options.events);
  while (events.size() < options.events) {
    const uint64_t account = rng.Uniform(options.accounts);
    const uint64_t run = rng.Range(options.batch_min, options.batch_max);
    const std::string name = std::to_string(account);
    for (uint64_t i = 0; i < run && events.size() < options.events; ++i) {
      WorkloadEvent& event = events.emplace_back();
      event.account = name;
      event.seq = next_seq[account]++;
      FillPayload(payload_rng, options.payload_bytes, &event.payload);
    }
  }
  return events;
}

}  // namespace strandq
