// Copyright 2026 The strandq Authors.
#include "testutil/store_steps.h"

#include <chrono>
#include <iterator>

namespace strandq::testing {

Outcome OutcomeOf(uint32_t code) {
  switch (code) {
    case 2:
      return Outcome::Nack("boom");
    case 3:
      return Outcome::Permanent("no such card");
    case 4:
      return Outcome::NackRetryAfter("busy", std::chrono::milliseconds(0));
    case 5:
      return Outcome::NackRetryAfter("busy", std::chrono::milliseconds(12));
    default:
      return Outcome::Ack();
  }
}

std::string OutcomeName(uint32_t code) {
  static constexpr const char* kNames[] = {"ack",       "ack",           "nack",
                                           "permanent", "retry-after 0", "retry-after 12ms"};
  return kNames[code % kOutcomeCodes];
}

std::vector<NewEvent> OnceBatch(uint32_t key, uint32_t variant) {
  // The batches of the last key differ in their payloads only.
  const uint32_t mix = key * 7 + (key + 1 == kOnceKeys ? 0 : variant * 5) + 3;
  std::vector<NewEvent> batch;
  for (uint32_t i = 0; i < 1 + mix % 3; ++i) {
    batch.push_back(
        {"a" + std::to_string((mix + i) % kStepAccounts),
         "k" + std::to_string(key) + "v" + std::to_string(variant) + "e" + std::to_string(i)});
  }
  return batch;
}

std::string Describe(const Op& op) {
  std::ostringstream out;
  switch (op.kind) {
    case OpKind::kEnqueue:
      out << "enqueue [";
      for (uint32_t i = 0; i < op.a; ++i)
        out << (i ? " " : "") << "a" << (op.b >> (3 * i)) % kStepAccounts;
      out << "]";
      break;
    case OpKind::kClaim:
      out << "claim " << op.a;
      break;
    case OpKind::kComplete:
      out << "complete held#" << op.a << " " << OutcomeName(op.b) << (op.c ? " claim_next" : "");
      break;
    case OpKind::kExtend:
      out << "extend held#" << op.a;
      break;
    case OpKind::kStale:
      out << "stale retired#" << op.a << (op.b == 0 ? " ack" : op.b == 1 ? " nack" : " extend");
      break;
    case OpKind::kAdvance:
      out << "advance " << kAdvanceMs[op.a] << " ms";
      break;
    case OpKind::kRestart:
      out << "restart";
      break;
    case OpKind::kPause:
      out << (op.b ? "pause" : "resume") << " a" << op.a % kStepAccounts << ", its events from "
          << op.c % 3;
      break;
    case OpKind::kReplay:
      out << "replay dead mask " << op.a << (op.b ? " at tail" : " at head");
      break;
    case OpKind::kCompleteMany:
      out << "complete " << op.b << " held from #" << op.a << ":";
      for (uint32_t i = 0, codes = op.c / 2; i < op.b; ++i, codes /= kOutcomeCodes) {
        out << " " << OutcomeName(codes % kOutcomeCodes);
      }
      out << (op.c % 2 ? " claim_next" : "");
      break;
    case OpKind::kPurge:
      out << "purge " << (op.a == 0 ? std::string("all") : "dead mask " + std::to_string(op.a));
      break;
    case OpKind::kEnqueueOnce:
      out << "enqueue-once key-" << op.a << " batch " << op.b << " [";
      for (const NewEvent& e : OnceBatch(op.a, op.b)) out << " " << e.account;
      out << " ]";
      break;
  }
  return out.str();
}

// Swarm testing: each sequence weighs the kinds of step differently (some leave kinds out), so
// some dwell on expiries and replays, others on grants and completions.
std::vector<Op> Generate(Random& random, size_t length, bool restarts, bool accounts) {
  const size_t kKinds = accounts ? 12 : restarts ? 11 : 10;
  uint64_t weights[12];
  uint64_t total = 0;
  for (size_t k = 0; k < kKinds; ++k) {
    const bool restart = k == static_cast<size_t>(OpKind::kRestart);
    weights[k] = restart && !restarts ? 0 : random.Uniform(restart ? 3 : 8);
    if (k <= static_cast<size_t>(OpKind::kComplete)) weights[k] += 2;  // enqueue, claim, complete
    total += weights[k];
  }
  const auto r32 = [&](uint64_t bound) { return static_cast<uint32_t>(random.Uniform(bound)); };
  std::vector<Op> ops;
  for (size_t i = 0; i < length; ++i) {
    uint64_t roll = random.Uniform(total);
    size_t kind = 0;
    while (roll >= weights[kind]) roll -= weights[kind++];
    switch (static_cast<OpKind>(kind)) {
      case OpKind::kEnqueue:
        ops.push_back({OpKind::kEnqueue, 1 + r32(4), r32(1 << 12)});
        break;
      case OpKind::kClaim:
        ops.push_back({OpKind::kClaim, 1 + r32(3)});
        break;
      case OpKind::kComplete:
        ops.push_back({OpKind::kComplete, r32(4), r32(kOutcomeCodes), r32(2)});
        break;
      case OpKind::kExtend:
        ops.push_back({OpKind::kExtend, r32(4)});
        break;
      case OpKind::kStale:
        ops.push_back({OpKind::kStale, r32(4), r32(3)});
        break;
      case OpKind::kAdvance:
        ops.push_back({OpKind::kAdvance, r32(std::size(kAdvanceMs))});
        break;
      case OpKind::kReplay:
        ops.push_back({OpKind::kReplay, 1 + r32(15), r32(2)});
        break;
      case OpKind::kPurge:
        ops.push_back({OpKind::kPurge, r32(4)});
        break;
      case OpKind::kCompleteMany:
        ops.push_back({OpKind::kCompleteMany, r32(4), 2 + r32(2),
                       r32(2 * kOutcomeCodes * kOutcomeCodes * kOutcomeCodes)});
        break;
      case OpKind::kRestart:
        ops.push_back({OpKind::kRestart});
        break;
      case OpKind::kEnqueueOnce:
        ops.push_back({OpKind::kEnqueueOnce, r32(kOnceKeys), r32(kOnceBatches)});
        break;
      case OpKind::kPause:
        ops.push_back({OpKind::kPause, r32(kStepAccounts), r32(2), r32(3)});
        break;
    }
  }
  return ops;
}

}  // namespace strandq::testing
