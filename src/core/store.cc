// Copyright 2026 The strandq Authors.
#include "strandq/store.h"

namespace strandq {

std::vector<Result<CompleteResult>> Store::CompleteMany(std::span<const Settlement> settlements,
                                                        ClaimNext claim_next) {
  std::vector<Result<CompleteResult>> results;
  results.reserve(settlements.size());
  for (const Settlement& s : settlements)
    results.push_back(Complete(s.lease, s.outcome, claim_next));
  return results;
}

Result<uint64_t> Store::Drop() {
  return Status::InvalidArgument(
      "this store lives only inside its process: there is nothing to drop (drop is for a "
      "shared store, redis://...)");
}

}  // namespace strandq
