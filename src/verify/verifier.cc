// Copyright 2026 The strandq Authors.
//
// DESIGN
// The verifier sees only attempt lines, possibly from many processes, in any order. Unconfirmed
// lines (written before their store call) are first resolved (verify/unconfirmed.h). Then it
// sorts compact keys three ways instead of comparing attempts pairwise, so 1M lines take about
// a second, one function per check:
// - CheckIds, by id: an id must always name the same (account, seq) ("duplicate") with the
//   same enqueued_ns ("inconsistent");
// - CheckEvents, by (account, seq, replay, attempt): one group per event, made of delivery
//   series, one per replay. A series settles at most once (ack or dead line); a series after
//   an acked one is "duplicate" (only dead letters are replayed); the event is settled by its
//   last series or by being in dead_letter_ids, else "loss". Attempt k > 1 counts as
//   redelivered unless attempt k-1 of its series is logged as a nack.
// - CheckGaps: a seq missing between an account's first and last logged ones is "loss".
// - CheckOrder, by (account, start): a sweep over the attempts that were not `lost` (a worker
//   that lost its lease may still be running; the store already gave the event to someone
//   else). An attempt whose seq is below one already started is "order", unless it belongs to
//   a replay series (the strand went on while the event was a dead letter: counted as
//   replayed_late); one that starts before the latest end so far is "overlap". Together with
//   the loss check this covers "the next seq starts only after the previous one's settling
//   attempt ended": if it started earlier, either the two overlap or the settling attempt
//   started after it (order), or the previous seq never settled (loss).
// - CheckInput: the k-th input event of an account is the account's k-th seq from its first
//   logged one: input events beyond them are "loss", logged events beyond the input (or of
//   accounts not in it) "unknown". Seqs CheckGaps reported are not reported again.

#include "strandq/verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "strandq/duration.h"
#include "verify/unconfirmed.h"

namespace strandq {
namespace {

using Outcome = AttemptRecord::Outcome;
using std::chrono::nanoseconds;

constexpr size_t kMaxViolations = 100;

// "1 event", "2 events".
std::string Count(size_t n, std::string_view noun) {
  return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s");
}

bool Settles(Outcome outcome) { return outcome == Outcome::kAck || outcome == Outcome::kDead; }

// a - b, saturated to int64_t: a hostile log's times may be anywhere in it.
int64_t Diff(int64_t a, int64_t b) {
  int64_t out = 0;
  if (!__builtin_sub_overflow(a, b, &out)) return out;
  return a > b ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
}

// Nearest-rank percentile (0 < p <= 100) of `values`, which it reorders; 0 if empty.
int64_t Percentile(std::vector<int64_t>& values, int p) {
  if (values.empty()) return 0;
  size_t rank = (values.size() * static_cast<size_t>(p) + 99) / 100;  // ceil(p/100 * n)
  rank = std::max<size_t>(rank, 1);
  auto nth = values.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(values.begin(), nth, values.end());
  return *nth;
}

// Collects violations into a report, keeping the first kMaxViolations but counting all. Details
// are formatted only for the ones kept.
class Collector {
 public:
  Collector(std::span<const AttemptRecord> records, int64_t origin, VerifyReport* report)
      : records_(records), origin_(origin), report_(report) {}

  template <typename... Args>
  void Add(const char* kind, fmt::format_string<Args...> format, Args&&... args) {
    ++report_->violations_total;
    if (report_->violations.size() >= kMaxViolations) return;
    report_->violations.push_back({kind, fmt::format(format, std::forward<Args>(args)...)});
  }

  // "a42#3 (id 17)".
  std::string Event(uint32_t index) const {
    const AttemptRecord& r = records_[index];
    return fmt::format("{}#{} (id {})", r.account, r.seq, r.id);
  }

  // "attempt 2 by host:1:0 [+1s..+2s] nack", times relative to the first start.
  std::string Try(uint32_t index) const {
    const AttemptRecord& r = records_[index];
    return fmt::format("attempt {} by {} [+{}..+{}] {}", r.attempt, r.worker,
                       FormatDuration(nanoseconds(Diff(r.start_ns, origin_))),
                       FormatDuration(nanoseconds(Diff(r.end_ns, origin_))),
                       OutcomeName(r.outcome));
  }

  // "a42#3 (id 17) attempt 2 by host:1:0 [+1s..+2s] nack".
  std::string Attempt(uint32_t index) const { return Event(index) + " " + Try(index); }

 private:
  std::span<const AttemptRecord> records_;
  int64_t origin_;
  VerifyReport* report_;
};

// Per-id checks: an id names one (account, seq) with one enqueued_ns.
void CheckIds(std::span<const AttemptRecord> records, Collector& out) {
  std::vector<std::pair<uint64_t, uint32_t>> by_id(records.size());
  for (uint32_t i = 0; i < records.size(); ++i) by_id[i] = {records[i].id, i};
  std::sort(by_id.begin(), by_id.end());
  for (size_t begin = 0, end = 0; begin < by_id.size(); begin = end) {
    end = begin + 1;
    while (end < by_id.size() && by_id[end].first == by_id[begin].first) ++end;
    const AttemptRecord& first = records[by_id[begin].second];
    bool names_reported = false, enqueued_reported = false;
    for (size_t k = begin + 1; k < end; ++k) {
      const AttemptRecord& r = records[by_id[k].second];
      if (!names_reported && (r.account != first.account || r.seq != first.seq)) {
        names_reported = true;
        out.Add("duplicate", "id {} names two events: {}#{} and {}#{}", first.id, first.account,
                first.seq, r.account, r.seq);
      } else if (!names_reported && !enqueued_reported && r.enqueued_ns != first.enqueued_ns) {
        enqueued_reported = true;
        out.Add("inconsistent", "id {} ({}#{}) has two enqueued_ns: {} and {}", first.id,
                first.account, first.seq, first.enqueued_ns, r.enqueued_ns);
      }
    }
  }
  for (uint32_t i = 0; i < records.size(); ++i) {
    if (records[i].end_ns < records[i].start_ns) {
      out.Add("inconsistent", "{} ends before it starts", out.Attempt(i));
    }
  }
}

// An event's attempt, for grouping by event: (account, seq), then delivery series (replay),
// then attempt order.
struct EventKey {
  uint32_t account;
  uint64_t seq;
  uint32_t replay;
  uint32_t attempt;
  int64_t start_ns;
  uint32_t index;  // in the records
  auto operator<=>(const EventKey&) const = default;
};

// An attempt that was not `lost`, for the sweep of an account in start order.
struct StartKey {
  uint32_t account;
  int64_t start_ns;
  uint64_t seq;
  int64_t end_ns;
  uint32_t index;
  auto operator<=>(const StartKey&) const = default;
};

// One event: the attempts of one (account, seq), a range of the by-event order.
struct EventGroup {
  uint32_t account;
  uint64_t seq;
  size_t begin, end;
};

// What the checks share: the records, the interned accounts and the violations.
struct Context {
  std::span<const AttemptRecord> records;
  const VerifyOptions& options;
  VerifyReport& report;
  std::vector<std::string_view> account_names;
  std::unordered_map<std::string_view, uint32_t> account_ids;
  std::vector<uint32_t> account_of;  // by record
  std::vector<int64_t> latencies, durations;
  size_t worker_count = 0;
  std::optional<Collector> out;
};

// Interns accounts, counts outcomes and workers, finds the time span.
void Tally(Context& c) {
  std::unordered_set<std::string_view> worker_names;
  int64_t first_start = std::numeric_limits<int64_t>::max();
  int64_t last_end = std::numeric_limits<int64_t>::min();
  c.account_of.resize(c.records.size());
  for (uint32_t i = 0; i < c.records.size(); ++i) {
    const AttemptRecord& r = c.records[i];
    auto [it, added] = c.account_ids.try_emplace(r.account, c.account_names.size());
    if (added) c.account_names.push_back(r.account);
    c.account_of[i] = it->second;
    if (r.outcome == Outcome::kDropped) {  // no attempt: no worker, not part of the time span
      ++c.report.dropped;
      continue;
    }
    worker_names.insert(r.worker);
    first_start = std::min(first_start, r.start_ns);
    last_end = std::max(last_end, r.end_ns);
    switch (r.outcome) {
      case Outcome::kAck:
        ++c.report.acked;
        c.latencies.push_back(Diff(r.end_ns, r.enqueued_ns));
        c.durations.push_back(Diff(r.end_ns, r.start_ns));
        break;
      case Outcome::kNack:
        ++c.report.nacked;
        break;
      case Outcome::kDead:
        ++c.report.dead;
        break;
      case Outcome::kLost:
        ++c.report.lost;
        break;
      case Outcome::kDropped:
        break;
    }
  }
  c.worker_count = worker_names.size();
  c.report.accounts = c.account_names.size();
  // No attempt but dropped lines: no time span.
  if (first_start <= last_end) c.report.makespan = nanoseconds(Diff(last_end, first_start));
  c.out.emplace(c.records, c.records.empty() ? 0 : first_start, &c.report);
}

// The attempts sorted by event, series and attempt, and the events they form.
std::vector<EventGroup> GroupEvents(const Context& c, std::vector<EventKey>& by_event) {
  by_event.reserve(c.records.size());
  for (uint32_t i = 0; i < c.records.size(); ++i) {
    const AttemptRecord& r = c.records[i];
    by_event.push_back({c.account_of[i], r.seq, r.replay, r.attempt, r.start_ns, i});
  }
  std::sort(by_event.begin(), by_event.end());
  std::vector<EventGroup> events;
  for (size_t begin = 0, end = 0; begin < by_event.size(); begin = end) {
    end = begin + 1;
    while (end < by_event.size() && by_event[end].account == by_event[begin].account &&
           by_event[end].seq == by_event[begin].seq) {
      ++end;
    }
    events.push_back({by_event[begin].account, by_event[begin].seq, begin, end});
  }
  return events;
}

// One event's delivery series (its attempts between two replays): a series may settle once
// (ack or dead); only an unacked series may be followed by a replay; attempt k > 1 not after a
// nack of attempt k - 1 is a redelivery. Returns whether the last series settled in the log
// and sets `acked` if it acked.
bool CheckSeries(Context& c, const std::vector<EventKey>& by_event, const EventGroup& e,
                 bool& acked) {
  Collector& out = *c.out;
  bool settled = false;
  for (size_t begin = e.begin, end = e.begin; begin < e.end; begin = end) {
    end = begin + 1;
    while (end < e.end && by_event[end].replay == by_event[begin].replay) ++end;
    if (acked) {  // an earlier series acked the event: it cannot have been a dead letter
      out.Add("duplicate", "{} was replayed (replay {}) after it was acked",
              out.Event(by_event[begin].index), by_event[begin].replay);
    }
    size_t settles = 0;
    uint32_t first_settle = 0, second_settle = 0;
    acked = false;
    for (size_t k = begin; k < end; ++k) {
      const uint32_t i = by_event[k].index;
      const AttemptRecord& r = c.records[i];
      if (Settles(r.outcome)) {
        if (settles == 0) first_settle = i;
        if (settles == 1) second_settle = i;
        ++settles;
      }
      acked = acked || r.outcome == Outcome::kAck;
      if (r.attempt > 1 && r.outcome != Outcome::kDropped) {
        const bool after_nack = k > begin && by_event[k - 1].attempt == r.attempt - 1 &&
                                c.records[by_event[k - 1].index].outcome == Outcome::kNack;
        if (!after_nack) ++c.report.redelivered;
      }
    }
    if (settles > 1) {
      out.Add("duplicate", "{} settled {} times: {}, {}", out.Event(first_settle), settles,
              out.Try(first_settle), out.Try(second_settle));
    }
    settled = settles > 0;
  }
  if (by_event[e.end - 1].replay > 0) ++c.report.replayed;
  return settled;
}

// Per event: one id, its series (CheckSeries), settled unless still pending after a partial
// run. Returns the events.
std::vector<EventGroup> CheckEvents(Context& c) {
  Collector& out = *c.out;
  std::vector<uint64_t> dead_letters = c.options.dead_letter_ids;
  std::sort(dead_letters.begin(), dead_letters.end());
  std::vector<EventKey> by_event;
  std::vector<EventGroup> events = GroupEvents(c, by_event);
  for (size_t g = 0; g < events.size(); ++g) {
    const EventGroup& e = events[g];
    const uint32_t index0 = by_event[e.begin].index;
    const AttemptRecord& head = c.records[index0];
    for (size_t k = e.begin; k < e.end; ++k) {
      const uint64_t id2 = c.records[by_event[k].index].id;
      if (id2 == head.id) continue;
      out.Add("duplicate", "{}#{} is logged under two ids: {} and {}", head.account, e.seq, head.id,
              id2);
      break;
    }
    bool acked = false;
    const bool settled = CheckSeries(c, by_event, e, acked);
    const bool in_dead_letters =
        std::binary_search(dead_letters.begin(), dead_letters.end(), head.id);
    const bool last_of_account = g + 1 == events.size() || events[g + 1].account != e.account;
    if (acked && in_dead_letters) {
      out.Add("duplicate", "{} is a dead letter but was acked", out.Event(index0));
    } else if (!settled && !in_dead_letters && !(c.options.partial && last_of_account)) {
      const uint32_t last = by_event[e.end - 1].index;
      if (c.records[last].outcome == Outcome::kDropped) {
        out.Add("loss", "{} was accepted but dropped unprocessed: {}", out.Event(index0),
                c.records[last].error);
      } else {
        out.Add("loss", "{} never settled; last logged: {}", out.Event(index0), out.Try(last));
      }
    }
  }
  c.report.events = events.size();
  return events;
}

// Seqs missing between an account's first and last logged ones ("loss", once per gap).
// Returns, by account, how many seqs from its first to its last logged one (gaps included).
std::vector<size_t> CheckGaps(Context& c, const std::vector<EventGroup>& events) {
  std::vector<size_t> span(c.account_names.size(), 0), logged(c.account_names.size(), 0);
  for (size_t e = 0; e < events.size(); ++e) {
    ++logged[events[e].account];
    const bool first = e == 0 || events[e - 1].account != events[e].account;
    span[events[e].account] += first ? 1 : events[e].seq - events[e - 1].seq;
    if (!first && events[e].seq > events[e - 1].seq + 1) {
      const uint64_t from = events[e - 1].seq + 1, to = events[e].seq - 1;
      c.out->Add("loss", "{}: {} never logged (between seq {} and {})",
                 c.account_names[events[e].account],
                 from == to ? fmt::format("seq {}", from) : fmt::format("seqs {}..{}", from, to),
                 events[e - 1].seq, events[e].seq);
    }
  }
  for (size_t n : logged) c.report.longest = std::max(c.report.longest, n);
  return span;
}

// Order and overlap: sweeps each account's attempts (not `lost`) in start order. An attempt of
// a replayed series (replay > 0) may start after later seqs of its account (the strand went
// on while it was a dead letter): counted in replayed_late, not "order".
void CheckOrder(Context& c) {
  Collector& out = *c.out;
  std::vector<StartKey> by_start;
  by_start.reserve(c.records.size());
  for (uint32_t i = 0; i < c.records.size(); ++i) {
    const AttemptRecord& r = c.records[i];
    if (r.outcome == Outcome::kLost || r.outcome == Outcome::kDropped) continue;
    by_start.push_back({c.account_of[i], r.start_ns, r.seq, r.end_ns, i});
  }
  std::sort(by_start.begin(), by_start.end());
  std::unordered_set<uint64_t> late;  // ids of replayed events that ran after later seqs
  uint32_t max_seq = 0, max_end = 0;  // record indices, valid within the current account
  for (size_t k = 0; k < by_start.size(); ++k) {
    const uint32_t i = by_start[k].index;
    const AttemptRecord& r = c.records[i];
    if (k == 0 || by_start[k - 1].account != by_start[k].account) {
      max_seq = max_end = i;
      continue;
    }
    if (r.seq < c.records[max_seq].seq && r.replay > 0) {
      late.insert(r.id);
    } else if (r.seq < c.records[max_seq].seq) {
      out.Add("order", "{} started after {}", out.Attempt(i), out.Attempt(max_seq));
    }
    if (r.start_ns < c.records[max_end].end_ns) {
      out.Add("overlap", "{} overlaps {}", out.Attempt(i), out.Attempt(max_end));
    }
    if (r.seq > c.records[max_seq].seq) max_seq = i;
    if (r.end_ns > c.records[max_end].end_ns) max_end = i;
  }
  c.report.replayed_late = late.size();
}

// The input: the account's k-th input event is its k-th seq from the first logged one. A seq
// missing inside that span was reported by CheckGaps; only the rest is reported here.
void CheckInput(Context& c, const std::vector<EventGroup>& events,
                const std::vector<size_t>& span) {
  Collector& out = *c.out;
  std::unordered_map<std::string_view, size_t> input_counts;
  std::vector<std::string_view> input_order;  // accounts in first-appearance order
  for (const WorkloadEvent& event : *c.options.input) {
    if (input_counts[event.account]++ == 0) input_order.push_back(event.account);
  }
  size_t e = 0;  // events are sorted by account id, then seq
  for (uint32_t account = 0; account < c.account_names.size(); ++account) {
    while (e < events.size() && events[e].account < account) ++e;
    const size_t logged = span[account];
    auto found = input_counts.find(c.account_names[account]);
    const size_t wanted = found == input_counts.end() ? 0 : found->second;
    if (wanted == 0) {
      out.Add("unknown", "{}: not in the input, but {} logged", c.account_names[account],
              Count(logged, "event"));
    } else if (logged > wanted) {
      out.Add("unknown", "{}: {} logged but {} in the input; extra from seq {}",
              c.account_names[account], Count(logged, "event"), wanted, events[e].seq + wanted);
    } else if (logged < wanted) {
      out.Add("loss", "{}: {} of its {} input events never logged (from input event #{})",
              c.account_names[account], wanted - logged, wanted, logged + 1);
    }
  }
  for (std::string_view account : input_order) {
    if (!c.account_ids.contains(account)) {
      out.Add("loss", "{}: none of its {} logged", account,
              Count(input_counts[account], "input event"));
    }
  }
}

// The lower bound, efficiency and latencies.
void Figures(Context& c) {
  VerifyReport& report = c.report;
  report.workers = c.options.workers > 0 ? c.options.workers : c.worker_count;
  report.unit =
      c.options.unit.count() > 0 ? c.options.unit : nanoseconds(Percentile(c.durations, 50));
  report.lower_bound = LowerBound(report.events, report.workers, report.longest, report.unit);
  if (report.lower_bound.count() > 0) {
    report.efficiency = static_cast<double>(report.makespan.count()) /
                        static_cast<double>(report.lower_bound.count());
  }
  report.latency_p50 = nanoseconds(Percentile(c.latencies, 50));
  report.latency_p99 = nanoseconds(Percentile(c.latencies, 99));
  report.latency_max = nanoseconds(Percentile(c.latencies, 100));
}

VerifyReport VerifyResolved(std::span<const AttemptRecord> records, const VerifyOptions& options,
                            VerifyReport report) {
  Context c{records, options, report, {}, {}, {}, {}, {}, 0, std::nullopt};
  Tally(c);
  CheckIds(records, *c.out);
  const std::vector<EventGroup> events = CheckEvents(c);
  const std::vector<size_t> span = CheckGaps(c, events);
  CheckOrder(c);
  if (options.input != nullptr) CheckInput(c, events, span);
  Figures(c);
  return report;
}

}  // namespace

nanoseconds LowerBound(size_t events, size_t workers, size_t longest, nanoseconds unit) {
  // No worker count means no limit on parallelism: only the longest account bounds the time.
  const size_t rounds = workers == 0 ? 0 : (events + workers - 1) / workers;
  const auto rounds_or_longest = static_cast<int64_t>(std::max(rounds, longest));
  int64_t bound = 0;
  if (__builtin_mul_overflow(rounds_or_longest, unit.count(), &bound)) {
    return nanoseconds(std::numeric_limits<int64_t>::max());  // saturated
  }
  return nanoseconds(bound);
}

VerifyReport Verify(std::span<const AttemptRecord> records, const VerifyOptions& options) {
  VerifyReport report;
  report.attempts = records.size();
  const bool any_unconfirmed = std::any_of(records.begin(), records.end(),
                                           [](const AttemptRecord& r) { return r.unconfirmed; });
  if (!any_unconfirmed) return VerifyResolved(records, options, std::move(report));
  ResolvedLog resolved = ResolveUnconfirmed(records);
  report.attempts = resolved.records.size();
  report.unconfirmed = resolved.unconfirmed;
  report.unconfirmed_settled = resolved.unconfirmed_settled;
  return VerifyResolved(resolved.records, options, std::move(report));
}

}  // namespace strandq
