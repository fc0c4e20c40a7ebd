// Copyright 2026 The strandq Authors.
#include <algorithm>
#include <string>

#include "strandq/event.h"
#include "strandq/store.h"
#include "strandq/workload.h"

namespace strandq {

Status EnqueueWorkload(Store& store, const std::vector<WorkloadEvent>& events, size_t batch_size,
                       size_t max_payload_bytes) {
  for (size_t i = 0; i < events.size(); ++i) {
    Status s = ValidateNewEvent(events[i].account, events[i].payload, max_payload_bytes);
    if (!s.ok()) return s.Prefixed("event " + std::to_string(i + 1) + " of the workload");
  }
  batch_size = std::max<size_t>(batch_size, 1);
  std::vector<NewEvent> batch;
  batch.reserve(std::min(batch_size, events.size()));
  for (size_t i = 0; i < events.size(); i += batch_size) {
    batch.clear();
    for (size_t j = i; j < std::min(events.size(), i + batch_size); ++j) {
      batch.push_back({events[j].account, events[j].payload});
    }
    auto receipts = store.Enqueue(batch);
    if (!receipts.ok()) return receipts.status();
  }
  return Status();
}

}  // namespace strandq
