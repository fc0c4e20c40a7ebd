// Copyright 2026 The strandq Authors.
//
// Workload CSV files (DESIGN.md "File formats"): a header `account,seq` or
// `account,seq,payload`, then one event a record in acceptance order. Reading checks every
// record and stops at the first bad one, naming its line; it never throws.

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "strandq/event.h"
#include "strandq/workload.h"
#include "util/csv.h"
#include "util/input_file.h"

namespace strandq {
namespace {

// Consumes a UTF-8 byte order mark at the start of `in` (editors on Windows write one). False
// if the file starts with a byte of one but not with the whole mark: it cannot be a workload.
bool SkipByteOrderMark(std::istream& in) {
  constexpr std::string_view kMark = "\xEF\xBB\xBF";
  if (in.peek() != static_cast<unsigned char>(kMark[0])) return true;
  char start[3] = {};
  in.read(start, sizeof start);
  return in.gcount() == 3 && std::string_view(start, 3) == kMark;
}

bool ParseSeq(std::string_view text, uint64_t* seq) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *seq);
  return ec == std::errc() && ptr == text.data() + text.size();
}

}  // namespace

Result<std::vector<WorkloadEvent>> ReadWorkloadCsv(const std::string& path) {
  auto opened = OpenInputFile(path);
  if (!opened.ok()) return opened.status();
  std::ifstream& in = *opened;
  CsvReader reader(in);
  auto error = [&](const std::string& problem) {
    return Status::InvalidArgument(path + ":" + std::to_string(reader.line()) + ": " + problem);
  };
  if (!SkipByteOrderMark(in)) {
    return Status::InvalidArgument(path +
                                   ":1: bad header: expected account,seq or account,seq,payload");
  }
  std::vector<std::string> fields;
  Result<bool> more = reader.Next(&fields);
  if (!more.ok()) return error(more.status().message());
  if (!*more) return error("empty file: expected the header account,seq[,payload]");
  const bool has_payload = fields.size() == 3;
  if (fields.size() < 2 || fields.size() > 3 || fields[0] != "account" || fields[1] != "seq" ||
      (has_payload && fields[2] != "payload")) {
    return error("bad header: expected account,seq or account,seq,payload");
  }
  const size_t columns = fields.size();

  std::vector<WorkloadEvent> events;
  std::unordered_map<std::string, uint64_t> last_seq;
  while (true) {
    more = reader.Next(&fields);
    if (!more.ok()) return error(more.status().message());
    if (!*more) break;
    if (fields.empty()) continue;  // a blank line
    if (fields.size() != columns) {
      return error("expected " + std::to_string(columns) + " fields, found " +
                   std::to_string(fields.size()));
    }
    if (Status s = ValidateAccount(fields[0]); !s.ok()) {
      return error("bad account: " + s.message());
    }
    WorkloadEvent event;
    if (!ParseSeq(fields[1], &event.seq)) {
      return error("seq '" + fields[1] + "' is not a non-negative integer");
    }
    uint64_t& last = last_seq[fields[0]];
    if (event.seq != last + 1) {
      return error("seq " + fields[1] + " of account '" + fields[0] + "' is not the next one (" +
                   std::to_string(last + 1) + " expected)");
    }
    last = event.seq;
    if (has_payload && fields[2].size() > kDefaultMaxPayloadBytes) {
      return error("payload of " + std::to_string(fields[2].size()) +
                   " bytes exceeds the limit of " + std::to_string(kDefaultMaxPayloadBytes) +
                   " bytes");
    }
    event.account = std::move(fields[0]);
    if (has_payload) event.payload = std::move(fields[2]);
    events.push_back(std::move(event));
  }
  return events;
}

Status WriteWorkloadCsv(const std::string& path, const std::vector<WorkloadEvent>& events) {
  bool has_payload = false;
  for (const WorkloadEvent& event : events) has_payload = has_payload || !event.payload.empty();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Unavailable("cannot create " + path + ": " + std::strerror(errno));
  std::string chunk = has_payload ? "account,seq,payload\n" : "account,seq\n";
  for (const WorkloadEvent& event : events) {
    const std::string seq = std::to_string(event.seq);
    if (has_payload) {
      const std::string_view record[] = {event.account, seq, event.payload};
      AppendCsvRecord(record, &chunk);
    } else {
      const std::string_view record[] = {event.account, seq};
      AppendCsvRecord(record, &chunk);
    }
    if (chunk.size() >= (1 << 16)) {
      out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      chunk.clear();
    }
  }
  out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  out.close();
  if (!out) return Status::Unavailable("cannot write " + path + ": " + std::strerror(errno));
  return Status();
}

size_t LongestAccount(const std::vector<WorkloadEvent>& events) {
  std::unordered_map<std::string_view, size_t> counts;
  size_t longest = 0;
  for (const WorkloadEvent& event : events) {
    longest = std::max(longest, ++counts[event.account]);
  }
  return longest;
}

size_t CountAccounts(const std::vector<WorkloadEvent>& events) {
  std::unordered_set<std::string_view> accounts;
  for (const WorkloadEvent& event : events) accounts.insert(event.account);
  return accounts.size();
}

}  // namespace strandq
