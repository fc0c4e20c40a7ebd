// Copyright 2026 The strandq Authors.
//
// DESIGN
// The verifier sees only attempt lines, possibly from many processes, in any order. It sorts
// compact keys three ways instead of comparing attempts pairwise, so 1M lines take about a
// second:
// - by id: an id must always name the same (account, seq) ("duplicate") with the same
//   enqueued_ns ("inconsistent");
// - by (account, seq, attempt): one group per event. An event is settled by an ack or dead line
//   or by being in dead_letter_ids; settled more than once is "duplicate", never settled is
//   "loss", and so is a seq missing between an account's first and last logged ones. Attempt
//   k > 1 counts as redelivered unless attempt k-1 is logged as a nack.
// - by (account, start): a sweep over the attempts that were not `lost` (a worker that lost its
//   lease may still be running; the store already gave the event to someone else). An attempt
//   whose seq is below one already started is "order"; one that starts before the latest end
//   so far is "overlap". Together with the loss check this covers "the next seq starts only
//   after the previous one's settling attempt ended": if it started earlier, either the two
//   overlap or the settling attempt started after it (order), or the previous seq never
//   settled (loss).
// With an input workload, the k-th input event of an account is matched with the account's
// k-th smallest logged seq: input events beyond the logged ones are "loss", logged events beyond
// the input (or of accounts not in it) are "unknown".

#include "strandq/verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "strandq/duration.h"

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
                       FormatDuration(nanoseconds(r.start_ns - origin_)),
                       FormatDuration(nanoseconds(r.end_ns - origin_)), OutcomeName(r.outcome));
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

// One event: the attempts of one (account, seq).
struct EventGroup {
  uint32_t account;
  uint64_t seq;
  size_t begin, end;  // range in the by-event order
};

// True when the event group ending at `end` is the last logged event of `account`.
bool LastOfAccount(
    const std::vector<std::tuple<uint32_t, uint64_t, uint32_t, int64_t, uint32_t>>& by_event,
    size_t end, uint32_t account) {
  return end == by_event.size() || std::get<0>(by_event[end]) != account;
}

}  // namespace

nanoseconds LowerBound(size_t events, size_t workers, size_t longest, nanoseconds unit) {
  // No worker count means no limit on parallelism: only the longest account bounds the time.
  const size_t rounds = workers == 0 ? 0 : (events + workers - 1) / workers;
  return static_cast<int64_t>(std::max(rounds, longest)) * unit;
}

VerifyReport Verify(std::span<const AttemptRecord> records, const VerifyOptions& options) {
  VerifyReport report;
  report.attempts = records.size();

  // Intern accounts, count outcomes, find the time span and the workers.
  std::unordered_map<std::string_view, uint32_t> account_ids;
  std::vector<std::string_view> account_names;
  std::vector<uint32_t> account_of(records.size());
  std::unordered_set<std::string_view> worker_names;
  int64_t first_start = std::numeric_limits<int64_t>::max();
  int64_t last_end = std::numeric_limits<int64_t>::min();
  std::vector<int64_t> latencies, durations;
  for (uint32_t i = 0; i < records.size(); ++i) {
    const AttemptRecord& r = records[i];
    auto [it, added] = account_ids.try_emplace(r.account, account_names.size());
    if (added) account_names.push_back(r.account);
    account_of[i] = it->second;
    worker_names.insert(r.worker);
    first_start = std::min(first_start, r.start_ns);
    last_end = std::max(last_end, r.end_ns);
    switch (r.outcome) {
      case Outcome::kAck:
        ++report.acked;
        latencies.push_back(r.end_ns - r.enqueued_ns);
        durations.push_back(r.end_ns - r.start_ns);
        break;
      case Outcome::kNack:
        ++report.nacked;
        break;
      case Outcome::kDead:
        ++report.dead;
        break;
      case Outcome::kLost:
        ++report.lost;
        break;
    }
  }
  report.accounts = account_names.size();
  if (!records.empty()) report.makespan = nanoseconds(last_end - first_start);
  Collector out(records, records.empty() ? 0 : first_start, &report);

  CheckIds(records, out);

  std::vector<uint64_t> dead_letters = options.dead_letter_ids;
  std::sort(dead_letters.begin(), dead_letters.end());
  auto dead_lettered = [&](uint64_t id) {
    return std::binary_search(dead_letters.begin(), dead_letters.end(), id);
  };

  // Events: group the attempts by (account, seq), in attempt order.
  std::vector<std::tuple<uint32_t, uint64_t, uint32_t, int64_t, uint32_t>> by_event;
  by_event.reserve(records.size());
  for (uint32_t i = 0; i < records.size(); ++i) {
    by_event.emplace_back(account_of[i], records[i].seq, records[i].attempt, records[i].start_ns,
                          i);
  }
  std::sort(by_event.begin(), by_event.end());
  auto record_at = [&](size_t k) -> uint32_t { return std::get<4>(by_event[k]); };
  std::vector<EventGroup> events;
  for (size_t begin = 0, end = 0; begin < by_event.size(); begin = end) {
    const uint32_t account = std::get<0>(by_event[begin]);
    const uint64_t seq = std::get<1>(by_event[begin]);
    const uint32_t index0 = record_at(begin);
    end = begin + 1;
    while (end < by_event.size() && std::get<0>(by_event[end]) == account &&
           std::get<1>(by_event[end]) == seq) {
      ++end;
    }
    events.push_back({account, seq, begin, end});

    const AttemptRecord& head = records[index0];
    size_t settles = 0;
    bool acked = false, other_id = false;
    uint32_t first_settle = 0, second_settle = 0;
    for (size_t k = begin; k < end; ++k) {
      const AttemptRecord& r = records[record_at(k)];
      other_id = other_id || r.id != head.id;
      if (Settles(r.outcome)) {
        if (settles == 0) first_settle = record_at(k);
        if (settles == 1) second_settle = record_at(k);
        ++settles;
      }
      acked = acked || r.outcome == Outcome::kAck;
      if (r.attempt > 1) {
        const bool after_nack = k > begin && records[record_at(k - 1)].attempt == r.attempt - 1 &&
                                records[record_at(k - 1)].outcome == Outcome::kNack;
        if (!after_nack) ++report.redelivered;
      }
    }
    if (other_id) {
      uint64_t id2 = head.id;
      for (size_t k = begin; k < end && id2 == head.id; ++k) id2 = records[record_at(k)].id;
      out.Add("duplicate", "{}#{} is logged under two ids: {} and {}", head.account, seq, head.id,
              id2);
    }
    const bool in_dead_letters = dead_lettered(head.id);
    if (settles > 1) {
      out.Add("duplicate", "{} settled {} times: {}, {}", out.Event(index0), settles,
              out.Try(first_settle), out.Try(second_settle));
    } else if (acked && in_dead_letters) {
      out.Add("duplicate", "{} is a dead letter but was acked: {}", out.Event(index0),
              out.Try(first_settle));
    } else if (settles == 0 && !in_dead_letters &&
               !(options.partial && LastOfAccount(by_event, end, account))) {
      out.Add("loss", "{} never settled; last logged: {}", out.Event(index0),
              out.Try(record_at(end - 1)));
    }
  }
  report.events = events.size();

  // Per account: seqs missing between the first and last logged, and the longest account.
  std::vector<size_t> logged_per_account(account_names.size(), 0);
  for (size_t e = 0; e < events.size(); ++e) {
    ++logged_per_account[events[e].account];
    if (e > 0 && events[e - 1].account == events[e].account &&
        events[e].seq > events[e - 1].seq + 1) {
      const uint64_t from = events[e - 1].seq + 1, to = events[e].seq - 1;
      out.Add("loss", "{}: {} never logged (between seq {} and {})",
              account_names[events[e].account],
              from == to ? fmt::format("seq {}", from) : fmt::format("seqs {}..{}", from, to),
              events[e - 1].seq, events[e].seq);
    }
  }
  for (size_t n : logged_per_account) report.longest = std::max(report.longest, n);

  // Order and overlap: sweep each account's attempts (not `lost`) in start order.
  std::vector<std::tuple<uint32_t, int64_t, uint64_t, int64_t, uint32_t>> by_start;
  by_start.reserve(records.size());
  for (uint32_t i = 0; i < records.size(); ++i) {
    const AttemptRecord& r = records[i];
    if (r.outcome == Outcome::kLost) continue;
    by_start.emplace_back(account_of[i], r.start_ns, r.seq, r.end_ns, i);
  }
  std::sort(by_start.begin(), by_start.end());
  {
    uint32_t max_seq = 0, max_end = 0;  // record indices, valid within the current account
    for (size_t k = 0; k < by_start.size(); ++k) {
      const uint32_t i = std::get<4>(by_start[k]);
      const AttemptRecord& r = records[i];
      if (k == 0 || std::get<0>(by_start[k - 1]) != account_of[i]) {
        max_seq = max_end = i;
        continue;
      }
      if (r.seq < records[max_seq].seq) {
        out.Add("order", "{} started after {}", out.Attempt(i), out.Attempt(max_seq));
      }
      if (r.start_ns < records[max_end].end_ns) {
        out.Add("overlap", "{} overlaps {}", out.Attempt(i), out.Attempt(max_end));
      }
      if (r.seq > records[max_seq].seq) max_seq = i;
      if (r.end_ns > records[max_end].end_ns) max_end = i;
    }
  }

  // The input: the k-th input event of an account is the account's k-th smallest logged seq.
  if (options.input != nullptr) {
    std::unordered_map<std::string_view, size_t> input_counts;
    std::vector<std::string_view> input_order;  // accounts in first-appearance order
    for (const WorkloadEvent& event : *options.input) {
      if (input_counts[event.account]++ == 0) input_order.push_back(event.account);
    }
    size_t e = 0;  // events are sorted by account id, then seq
    for (uint32_t account = 0; account < account_names.size(); ++account) {
      while (e < events.size() && events[e].account < account) ++e;
      const size_t logged = logged_per_account[account];
      auto found = input_counts.find(account_names[account]);
      const size_t wanted = found == input_counts.end() ? 0 : found->second;
      if (wanted == 0) {
        out.Add("unknown", "{}: not in the input, but {} logged", account_names[account],
                Count(logged, "event"));
      } else if (logged > wanted) {
        out.Add("unknown", "{}: {} logged but {} in the input; extra from seq {}",
                account_names[account], Count(logged, "event"), wanted, events[e + wanted].seq);
      } else if (logged < wanted) {
        out.Add("loss", "{}: {} of its {} input events never logged (from input event #{})",
                account_names[account], wanted - logged, wanted, logged + 1);
      }
    }
    for (std::string_view account : input_order) {
      if (!account_ids.contains(account)) {
        out.Add("loss", "{}: none of its {} logged", account,
                Count(input_counts[account], "input event"));
      }
    }
  }

  // Figures.
  report.workers = options.workers > 0 ? options.workers : worker_names.size();
  report.unit = options.unit.count() > 0 ? options.unit : nanoseconds(Percentile(durations, 50));
  report.lower_bound = LowerBound(report.events, report.workers, report.longest, report.unit);
  if (report.lower_bound.count() > 0) {
    report.efficiency = static_cast<double>(report.makespan.count()) /
                        static_cast<double>(report.lower_bound.count());
  }
  report.latency_p50 = nanoseconds(Percentile(latencies, 50));
  report.latency_p99 = nanoseconds(Percentile(latencies, 99));
  report.latency_max = nanoseconds(Percentile(latencies, 100));
  return report;
}

std::string FormatVerifyReport(const VerifyReport& report) {
  std::string out;
  auto line = [&](std::string_view name, const std::string& value) {
    fmt::format_to(std::back_inserter(out), "{:<14}{}\n", fmt::format("{}:", name), value);
  };
  auto count = [](size_t n) { return std::to_string(n); };
  line("events", count(report.events));
  line("accounts", count(report.accounts));
  line("attempts", count(report.attempts));
  line("acked", count(report.acked));
  line("retries", count(report.nacked));
  line("dead", count(report.dead));
  line("lost leases", count(report.lost));
  line("redelivered", count(report.redelivered));
  line("workers", count(report.workers));
  line("unit", FormatDuration(report.unit));
  line("makespan", FormatDuration(report.makespan));
  if (report.workers > 0) {
    line("lower bound",
         fmt::format("{} = max(ceil({} / {}), {}) x {}", FormatDuration(report.lower_bound),
                     report.events, report.workers, report.longest, FormatDuration(report.unit)));
  } else {
    line("lower bound", fmt::format("{} = {} x {}", FormatDuration(report.lower_bound),
                                    report.longest, FormatDuration(report.unit)));
  }
  line("efficiency",
       report.lower_bound.count() > 0 ? fmt::format("{:.3f}", report.efficiency) : "n/a");
  line("latency p50", FormatDuration(report.latency_p50));
  line("latency p99", FormatDuration(report.latency_p99));
  line("latency max", FormatDuration(report.latency_max));
  if (!report.ok()) line("violations", count(report.violations_total));
  for (const Violation& v : report.violations) {
    fmt::format_to(std::back_inserter(out), "  {}: {}\n", v.kind, v.detail);
  }
  if (report.violations_total > report.violations.size()) {
    fmt::format_to(std::back_inserter(out), "  ... and {} more\n",
                   report.violations_total - report.violations.size());
  }
  if (report.ok()) {
    out += "verification: OK\n";
  } else {
    fmt::format_to(std::back_inserter(out), "verification: FAILED ({})\n",
                   Count(report.violations_total, "violation"));
  }
  return out;
}

}  // namespace strandq
