// Copyright 2026 The strandq Authors.
#include "verify/unconfirmed.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <tuple>

namespace strandq {
namespace {

using Outcome = AttemptRecord::Outcome;

// Orders lines by delivery: (id, replay, attempt, worker, start_ns), confirmed lines first.
struct DeliveryOrder {
  std::span<const AttemptRecord> records;
  static auto Key(const AttemptRecord& r) {
    return std::tuple<uint64_t, uint32_t, uint32_t, std::string_view, int64_t, bool>(
        r.id, r.replay, r.attempt, r.worker, r.start_ns, r.unconfirmed);
  }
  bool operator()(uint32_t a, uint32_t b) const { return Key(records[a]) < Key(records[b]); }
};

bool SameDelivery(const AttemptRecord& a, const AttemptRecord& b) {
  return a.id == b.id && a.replay == b.replay && a.attempt == b.attempt && a.worker == b.worker &&
         a.start_ns == b.start_ns;
}

}  // namespace

ResolvedLog ResolveUnconfirmed(std::span<const AttemptRecord> records) {
  ResolvedLog out;
  std::vector<uint32_t> order(records.size());
  for (uint32_t i = 0; i < records.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), DeliveryOrder{records});
  out.records.reserve(records.size());
  for (size_t k = 0; k < order.size(); ++k) {
    const AttemptRecord& r = records[order[k]];
    if (!r.unconfirmed) {
      out.records.push_back(r);
      continue;
    }
    // Confirmed lines sort first: one of the same delivery was just before this one.
    if (k > 0 && !records[order[k - 1]].unconfirmed && SameDelivery(records[order[k - 1]], r)) {
      continue;
    }
    if (k > 0 && records[order[k - 1]].unconfirmed && SameDelivery(records[order[k - 1]], r)) {
      continue;  // the same line twice: one is enough
    }
    ++out.unconfirmed;
    // The last line of the series (id, replay) tells whether a later attempt followed.
    size_t last = k;
    while (last + 1 < order.size() && records[order[last + 1]].id == r.id &&
           records[order[last + 1]].replay == r.replay) {
      ++last;
    }
    AttemptRecord& resolved = out.records.emplace_back(r);
    resolved.unconfirmed = false;
    if (records[order[last]].attempt > r.attempt) {
      resolved.outcome = Outcome::kLost;
    } else {
      ++out.unconfirmed_settled;
      if (resolved.outcome == Outcome::kNack) resolved.outcome = Outcome::kDead;
    }
  }
  return out;
}

}  // namespace strandq
