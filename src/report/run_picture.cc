// Copyright 2026 The strandq Authors.
#include "report/run_picture.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace strandq::report {
namespace {

using Outcome = AttemptRecord::Outcome;
using Wide = __int128;

// a - b, saturated to [0, INT64_MAX].
int64_t Elapsed(int64_t a, int64_t b) {
  return static_cast<int64_t>(
      std::clamp<Wide>(Wide{a} - b, 0, std::numeric_limits<int64_t>::max()));
}

bool Drawn(const AttemptRecord& r) { return r.outcome != Outcome::kDropped; }

// A strip while it is built: busy nanoseconds and failure marks per bin.
struct StripBuilder {
  std::vector<int64_t> busy_ns;
  std::vector<FailureMark> marks;
};

// The time axis: `bins` bins of `bin_ns` from `origin`.
struct Axis {
  int64_t origin = 0;
  int64_t bin_ns = 1;
  size_t bins = 0;

  size_t BinOf(int64_t t) const {
    if (t <= origin) return 0;
    return static_cast<size_t>(std::min<Wide>(bins - 1, (Wide{t} - origin) / bin_ns));
  }

  // Adds the record's time in each bin it covers, and a mark if it failed.
  void Add(const AttemptRecord& r, StripBuilder& strip) const {
    if (strip.busy_ns.empty()) strip.busy_ns.assign(bins, 0);
    // In 128 bits: a hostile log's times may be anywhere in int64_t.
    const Wide start = std::max(r.start_ns, origin), end = std::max<Wide>(r.end_ns, start);
    for (size_t b = BinOf(r.start_ns); b < bins; ++b) {
      const Wide lo = origin + static_cast<Wide>(b) * bin_ns, hi = lo + bin_ns;
      if (lo >= end) break;
      strip.busy_ns[b] += static_cast<int64_t>(std::min(end, hi) - std::max(start, lo));
    }
    if (r.outcome == Outcome::kAck) return;
    FailureMark mark{static_cast<uint32_t>(BinOf(r.end_ns)), 0, 0};
    (r.outcome == Outcome::kDead ? mark.dead : mark.failed) = 1;
    strip.marks.push_back(mark);
  }

  // Busy shares in thousandths of members x bin; marks merged by bin.
  Strip Finish(StripBuilder& builder, std::string label, size_t members) const {
    Strip strip{std::move(label), members, 0, std::vector<uint16_t>(bins, 0), {}};
    const double capacity = static_cast<double>(bin_ns) * static_cast<double>(members);
    for (size_t b = 0; b < builder.busy_ns.size(); ++b) {
      const double share = static_cast<double>(builder.busy_ns[b]) * 1000.0 / capacity;
      strip.busy[b] = static_cast<uint16_t>(std::clamp(std::lround(share), 0L, 1000L));
    }
    std::sort(builder.marks.begin(), builder.marks.end(),
              [](const FailureMark& a, const FailureMark& b) { return a.bin < b.bin; });
    for (const FailureMark& m : builder.marks) {
      if (strip.marks.empty() || strip.marks.back().bin != m.bin) strip.marks.push_back({m.bin});
      strip.marks.back().failed += m.failed;
      strip.marks.back().dead += m.dead;
    }
    return strip;
  }
};

Axis MakeAxis(std::span<const AttemptRecord> records, size_t max_bins, RunPicture& picture) {
  int64_t first = std::numeric_limits<int64_t>::max(), last = std::numeric_limits<int64_t>::min();
  for (const AttemptRecord& r : records) {
    if (!Drawn(r)) continue;
    first = std::min(first, r.start_ns);
    last = std::max(last, r.end_ns);
  }
  Axis axis;
  if (first > last) return axis;  // nothing drawn
  picture.origin_ns = axis.origin = first;
  picture.span_ns = Elapsed(last, first);
  const int64_t bins = std::clamp<int64_t>(picture.span_ns, 1, static_cast<int64_t>(max_bins));
  const Wide span = picture.span_ns;  // rounding up in 128 bits: the span may be INT64_MAX
  axis.bin_ns = static_cast<int64_t>(std::max<Wide>(1, (span + bins - 1) / bins));
  axis.bins = static_cast<size_t>((span + axis.bin_ns - 1) / axis.bin_ns);
  axis.bins = std::max<size_t>(axis.bins, 1);
  picture.bin_ns = axis.bin_ns;
  picture.bins = axis.bins;
  return axis;
}

// Slots in natural order, `per_row` consecutive ones to a row; the concurrency from all.
void SlotRows(std::span<const AttemptRecord> records, const Axis& axis, const PictureLimits& limits,
              RunPicture& picture) {
  std::unordered_map<std::string_view, size_t> slot_of;
  for (const AttemptRecord& r : records) {
    if (Drawn(r)) slot_of.try_emplace(r.worker, 0);
  }
  std::vector<std::string_view> names;
  for (const auto& [name, index] : slot_of) names.push_back(name);
  std::sort(names.begin(), names.end(), SlotNameLess);
  for (size_t i = 0; i < names.size(); ++i) slot_of[names[i]] = i;
  picture.slots = names.size();
  const size_t rows = std::min(std::max<size_t>(limits.slot_rows, 1), names.size());
  const size_t per_row = rows == 0 ? 1 : (names.size() + rows - 1) / rows;
  picture.slots_per_row = per_row;
  std::vector<StripBuilder> builders((names.size() + per_row - 1) / per_row);
  for (const AttemptRecord& r : records) {
    if (Drawn(r)) axis.Add(r, builders[slot_of[r.worker] / per_row]);
  }
  picture.concurrency.assign(axis.bins, 0.0);
  for (size_t row = 0; row < builders.size(); ++row) {
    const size_t first = row * per_row, last = std::min(names.size(), first + per_row) - 1;
    std::string label(names[first]);
    if (last > first) label += " .. " + std::string(names[last]);
    for (size_t b = 0; b < builders[row].busy_ns.size(); ++b) {
      picture.concurrency[b] += static_cast<double>(builders[row].busy_ns[b]);
    }
    picture.slot_rows.push_back(axis.Finish(builders[row], std::move(label), last - first + 1));
  }
  for (double& c : picture.concurrency) c /= static_cast<double>(axis.bin_ns);
}

// The `limits.lanes` accounts with the most distinct events (ties by name).
void Lanes(std::span<const AttemptRecord> records, const Axis& axis, const PictureLimits& limits,
           RunPicture& picture) {
  std::unordered_map<std::string_view, uint32_t> account_of;
  std::vector<std::string_view> names;
  std::vector<std::pair<uint32_t, uint64_t>> events;
  events.reserve(records.size());
  for (const AttemptRecord& r : records) {
    auto [it, added] = account_of.try_emplace(r.account, static_cast<uint32_t>(names.size()));
    if (added) names.push_back(r.account);
    events.emplace_back(it->second, r.seq);
  }
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());
  std::vector<size_t> counts(names.size(), 0);
  for (const auto& [account, seq] : events) ++counts[account];
  picture.accounts = names.size();
  std::vector<uint32_t> order(names.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  const size_t lanes = std::min(limits.lanes, order.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(lanes), order.end(),
                    [&](uint32_t a, uint32_t b) {
                      return counts[a] != counts[b] ? counts[a] > counts[b] : names[a] < names[b];
                    });
  std::vector<int> lane_of(names.size(), -1);
  for (size_t k = 0; k < lanes; ++k) lane_of[order[k]] = static_cast<int>(k);
  std::vector<StripBuilder> builders(lanes);
  for (const AttemptRecord& r : records) {
    const int lane = lane_of[account_of[r.account]];
    if (lane >= 0 && Drawn(r)) axis.Add(r, builders[static_cast<size_t>(lane)]);
  }
  for (size_t k = 0; k < lanes; ++k) {
    picture.lanes.push_back(axis.Finish(builders[k], std::string(names[order[k]]), 1));
    picture.lanes.back().events = counts[order[k]];
  }
}

// Enqueue-to-ack latencies of acked attempts.
void Latency(std::span<const AttemptRecord> records, const PictureLimits& limits,
             RunPicture& picture) {
  std::vector<int64_t> values;
  for (const AttemptRecord& r : records) {
    if (r.outcome == Outcome::kAck) values.push_back(Elapsed(r.end_ns, r.enqueued_ns));
  }
  if (values.empty()) return;
  const auto [min_it, max_it] = std::minmax_element(values.begin(), values.end());
  const double lo = static_cast<double>(*min_it), hi = static_cast<double>(*max_it);
  const size_t bins = hi > lo ? std::max<size_t>(limits.latency_bins, 1) : 1;
  picture.latency_log = lo > 0 && hi / lo >= 50;
  const double top = hi > lo ? hi : lo + 1;
  const double ratio = picture.latency_log ? std::log(top / lo) : top - lo;
  for (size_t i = 0; i <= bins; ++i) {
    const double f = static_cast<double>(i) / static_cast<double>(bins);
    picture.latency_edges.push_back(picture.latency_log ? lo * std::exp(ratio * f)
                                                        : lo + ratio * f);
  }
  picture.latency_counts.assign(bins, 0);
  for (int64_t v : values) {
    const double x = static_cast<double>(v);
    const double f = picture.latency_log ? std::log(x / lo) / ratio : (x - lo) / ratio;
    const auto bin = static_cast<size_t>(std::max(0.0, f * static_cast<double>(bins)));
    ++picture.latency_counts[std::min(bin, bins - 1)];
  }
}

// The most frequent error messages and the earliest dead letters.
void Failures(std::span<const AttemptRecord> records, const PictureLimits& limits,
              RunPicture& picture) {
  std::unordered_map<std::string_view, ErrorCount> by_error;
  std::vector<const AttemptRecord*> dead;
  for (const AttemptRecord& r : records) {
    if (r.outcome == Outcome::kDead) dead.push_back(&r);
    if (r.error.empty()) continue;
    ++picture.failed_attempts;
    const std::string_view cut = std::string_view(r.error).substr(0, limits.error_chars);
    auto [it, added] = by_error.try_emplace(cut);
    if (added) it->second = {std::string(cut), 0, r.account + "#" + std::to_string(r.seq)};
    ++it->second.count;
  }
  picture.distinct_errors = by_error.size();
  for (auto& [text, count] : by_error) picture.errors.push_back(std::move(count));
  std::sort(picture.errors.begin(), picture.errors.end(),
            [](const ErrorCount& a, const ErrorCount& b) {
              return a.count != b.count ? a.count > b.count : a.error < b.error;
            });
  if (picture.errors.size() > limits.errors) picture.errors.resize(limits.errors);
  picture.dead_total = dead.size();
  const size_t listed = std::min(limits.dead, dead.size());
  std::partial_sort(dead.begin(), dead.begin() + static_cast<std::ptrdiff_t>(listed), dead.end(),
                    [](const AttemptRecord* a, const AttemptRecord* b) {
                      return std::tie(a->end_ns, a->id) < std::tie(b->end_ns, b->id);
                    });
  for (size_t k = 0; k < listed; ++k) {
    const AttemptRecord& r = *dead[k];
    picture.dead.push_back({r.account, r.seq, r.id, r.attempt, Elapsed(r.end_ns, picture.origin_ns),
                            r.error.substr(0, limits.error_chars)});
  }
}

}  // namespace

bool SlotNameLess(std::string_view a, std::string_view b) {
  const size_t ca = a.rfind(':'), cb = b.rfind(':');
  const std::string_view pa = a.substr(0, ca == a.npos ? 0 : ca);
  const std::string_view pb = b.substr(0, cb == b.npos ? 0 : cb);
  if (pa != pb) return a < b;
  const std::string_view sa = a.substr(pa.size()), sb = b.substr(pb.size());
  uint64_t na = 0, nb = 0;
  const auto ra = std::from_chars(sa.data() + (ca == a.npos ? 0 : 1), sa.data() + sa.size(), na);
  const auto rb = std::from_chars(sb.data() + (cb == b.npos ? 0 : 1), sb.data() + sb.size(), nb);
  const bool numa = ra.ec == std::errc() && ra.ptr == sa.data() + sa.size();
  const bool numb = rb.ec == std::errc() && rb.ptr == sb.data() + sb.size();
  if (numa && numb && na != nb) return na < nb;
  return a < b;
}

RunPicture BuildRunPicture(std::span<const AttemptRecord> records, const PictureLimits& limits) {
  RunPicture picture;
  const Axis axis = MakeAxis(records, std::max<size_t>(limits.bins, 1), picture);
  if (axis.bins > 0) SlotRows(records, axis, limits, picture);
  Lanes(records, axis, limits, picture);
  Latency(records, limits, picture);
  Failures(records, limits, picture);
  return picture;
}

}  // namespace strandq::report
