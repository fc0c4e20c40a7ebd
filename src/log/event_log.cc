// Copyright 2026 The strandq Authors.
//
// The event log (DESIGN.md "File formats"): one JSON object a line, one line per processing
// attempt, keys in this order:
//   {"id":17,"account":"a42","seq":3,"attempt":1,"worker":"host:pid:slot",
//    "enqueued_ns":...,"start_ns":...,"end_ns":...,"outcome":"ack"}
// with ,"replay":N after "attempt" when N > 0, ,"error":"..." for a nack, dead or lost attempt
// with a non-empty error, and ,"unconfirmed":true last on a line written before the store
// settled the attempt.
//
// Writing is hand-rolled appends (it runs once per event, on the hot path); strings
// are escaped as JSON and bytes that are not valid UTF-8 become U+FFFD, so every line we write
// parses. Reading tries simdjson's On Demand parser first (log/fast_attempt.h) and reads anything
// it gives up on with nlohmann::json, which names what is wrong; its exceptions never leave this
// file.

#include "strandq/event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "log/fast_attempt.h"
#include "util/input_file.h"

namespace strandq {
namespace {

constexpr size_t kFlushBytes = 64 * 1024;
constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kMaxU32 = std::numeric_limits<uint32_t>::max();

template <typename Int>
void AppendInt(Int value, std::string* out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out->append(buf, end);
}

// Length of the valid UTF-8 sequence (RFC 3629) that starts s[i] (a byte >= 0x80), or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto byte = [&](size_t k) -> unsigned { return static_cast<unsigned char>(s[k]); };
  const unsigned b0 = byte(i);
  size_t len = 0;
  unsigned lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

// Appends `s` as a JSON string literal. Control characters, quotes and backslashes are escaped;
// each byte that is not part of valid UTF-8 is replaced by \ufffd.
void AppendJsonString(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t plain_from = 0;
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    size_t len = 1;
    if (c >= 0x80) {
      len = Utf8SequenceLength(s, i);
      if (len > 0) {  // valid multi-byte UTF-8 is copied as is
        i += len;
        continue;
      }
    }
    out->append(s.substr(plain_from, i - plain_from));
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out->append(escape, sizeof escape);
        } else {
          out->append("\\ufffd");
        }
    }
    ++i;
    plain_from = i;
  }
  out->append(s.substr(plain_from));
  out->push_back('"');
}

using Json = nlohmann::json;

Status MissingField(const char* key) {
  return Status::InvalidArgument(std::string("missing field \"") + key + "\"");
}

Status BadField(const char* key, const char* expected) {
  return Status::InvalidArgument(std::string("field \"") + key + "\" must be " + expected);
}

// Reads an unsigned integer field no larger than `max`.
Status GetUnsigned(const Json& object, const char* key, uint64_t max, uint64_t* out) {
  auto it = object.find(key);
  if (it == object.end()) return MissingField(key);
  if (!it->is_number_unsigned() || it->get<uint64_t>() > max) {
    return BadField(key,
                    max == kMaxU32 ? "an integer from 0 to 4294967295" : "a non-negative integer");
  }
  *out = it->get<uint64_t>();
  return Status();
}

Status GetInt64(const Json& object, const char* key, int64_t* out) {
  auto it = object.find(key);
  if (it == object.end()) return MissingField(key);
  if (it->is_number_unsigned()) {
    if (it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return BadField(key, "a 64-bit integer");
    }
  } else if (!it->is_number_integer()) {
    return BadField(key, "an integer");
  }
  *out = it->get<int64_t>();
  return Status();
}

Status GetString(const Json& object, const char* key, std::string* out) {
  auto it = object.find(key);
  if (it == object.end()) return MissingField(key);
  if (!it->is_string()) return BadField(key, "a string");
  *out = it->get<std::string>();
  return Status();
}

// Writes all of `data` to `fd`, retrying on EINTR and short writes.
Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Unavailable("cannot write " + path + ": " + std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status();
}

// A LogSink appending JSON lines to a file. Lines are formatted outside the lock and appended
// to a buffer under it, so lines from many threads never interleave and appear in the order
// their Write() calls took the lock. The buffer is written out when it passes 64 KiB, on
// Flush() (which also fsyncs) and on destruction. The first I/O error is kept: Flush() reports
// it from then on, and lines written after it may be missing.
class JsonlLogSink final : public LogSink {
 public:
  JsonlLogSink(int fd, std::string path, bool write_each_line)
      : fd_(fd), path_(std::move(path)), flush_bytes_(write_each_line ? 1 : kFlushBytes) {}
  ~JsonlLogSink() override {
    (void)Flush();
    ::close(fd_);
  }
  JsonlLogSink(const JsonlLogSink&) = delete;
  JsonlLogSink& operator=(const JsonlLogSink&) = delete;

  void Write(const AttemptRecord& record) override {
    std::string line = FormatAttempt(record);
    line.push_back('\n');
    std::lock_guard<std::mutex> lock(mu_);
    buffer_.append(line);
    if (buffer_.size() >= flush_bytes_) WriteBufferLocked();
  }

  void WriteMany(std::span<const AttemptRecord> records) override {
    std::string lines;
    for (const AttemptRecord& record : records) {
      lines.append(FormatAttempt(record));
      lines.push_back('\n');
    }
    std::lock_guard<std::mutex> lock(mu_);
    buffer_.append(lines);
    if (buffer_.size() >= flush_bytes_) WriteBufferLocked();
  }

  Status Flush() override {
    std::lock_guard<std::mutex> lock(mu_);
    WriteBufferLocked();
    if (status_.ok() && ::fsync(fd_) != 0) {
      status_ = Status::Unavailable("cannot fsync " + path_ + ": " + std::strerror(errno));
    }
    return status_;
  }

 private:
  void WriteBufferLocked() {
    if (buffer_.empty()) return;
    Status s = WriteAll(fd_, buffer_, path_);
    if (!s.ok() && status_.ok()) status_ = s;
    buffer_.clear();
  }

  const int fd_;  // owned; closed by the destructor
  const std::string path_;
  const size_t flush_bytes_;  // the buffer is written once it holds this many bytes
  std::mutex mu_;             // guards the members below
  std::string buffer_;        // complete lines not yet written
  Status status_;             // the first I/O error
};

}  // namespace

std::string_view OutcomeName(AttemptRecord::Outcome outcome) {
  switch (outcome) {
    case AttemptRecord::Outcome::kAck:
      return "ack";
    case AttemptRecord::Outcome::kNack:
      return "nack";
    case AttemptRecord::Outcome::kDead:
      return "dead";
    case AttemptRecord::Outcome::kLost:
      return "lost";
    case AttemptRecord::Outcome::kDropped:
      return "dropped";
  }
  return "unknown";
}

AttemptRecord AttemptOf(const Event& event, std::string worker, int64_t start_ns, int64_t end_ns) {
  AttemptRecord record;
  record.id = event.id;
  record.account = event.account;
  record.seq = event.seq;
  record.attempt = event.attempt;
  record.replay = event.replay;
  record.worker = std::move(worker);
  record.enqueued_ns = event.enqueued_ns;
  record.start_ns = start_ns;
  record.end_ns = end_ns;
  return record;
}

std::string FormatAttempt(const AttemptRecord& r) {
  std::string out;
  out.reserve(176 + r.account.size() + r.worker.size() + r.error.size());
  out.append("{\"id\":");
  AppendInt(r.id, &out);
  out.append(",\"account\":");
  AppendJsonString(r.account, &out);
  out.append(",\"seq\":");
  AppendInt(r.seq, &out);
  out.append(",\"attempt\":");
  AppendInt(r.attempt, &out);
  if (r.replay > 0) {
    out.append(",\"replay\":");
    AppendInt(r.replay, &out);
  }
  out.append(",\"worker\":");
  AppendJsonString(r.worker, &out);
  out.append(",\"enqueued_ns\":");
  AppendInt(r.enqueued_ns, &out);
  out.append(",\"start_ns\":");
  AppendInt(r.start_ns, &out);
  out.append(",\"end_ns\":");
  AppendInt(r.end_ns, &out);
  out.append(",\"outcome\":\"");
  out.append(OutcomeName(r.outcome));
  out.push_back('"');
  if (r.outcome != AttemptRecord::Outcome::kAck && !r.error.empty()) {
    out.append(",\"error\":");
    AppendJsonString(r.error, &out);
  }
  if (r.unconfirmed) out.append(",\"unconfirmed\":true");
  out.push_back('}');
  return out;
}

Result<AttemptRecord> ParseAttempt(std::string_view line) {
  if (std::optional<AttemptRecord> record = ParseAttemptFast(line)) return std::move(*record);
  return ParseAttemptJson(line);
}

Result<AttemptRecord> ParseAttemptJson(std::string_view line) {
  Json object;
  try {
    object = Json::parse(line);
  } catch (const Json::exception& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
    if (const size_t pos = what.find("] "); what.rfind("[json.", 0) == 0 && pos != what.npos) {
      what.erase(0, pos + 2);
    }
    return Status::InvalidArgument("not valid JSON: " + what);
  }
  if (!object.is_object()) return Status::InvalidArgument("not a JSON object");
  AttemptRecord r;
  uint64_t attempt = 0;
  std::string outcome;
  Status s;
  if (!(s = GetUnsigned(object, "id", kMaxU64, &r.id)).ok()) return s;
  if (!(s = GetString(object, "account", &r.account)).ok()) return s;
  if (!(s = GetUnsigned(object, "seq", kMaxU64, &r.seq)).ok()) return s;
  if (!(s = GetUnsigned(object, "attempt", kMaxU32, &attempt)).ok()) return s;
  if (!(s = GetString(object, "worker", &r.worker)).ok()) return s;
  if (!(s = GetInt64(object, "enqueued_ns", &r.enqueued_ns)).ok()) return s;
  if (!(s = GetInt64(object, "start_ns", &r.start_ns)).ok()) return s;
  if (!(s = GetInt64(object, "end_ns", &r.end_ns)).ok()) return s;
  if (!(s = GetString(object, "outcome", &outcome)).ok()) return s;
  r.attempt = static_cast<uint32_t>(attempt);
  if (outcome == "ack") {
    r.outcome = AttemptRecord::Outcome::kAck;
  } else if (outcome == "nack") {
    r.outcome = AttemptRecord::Outcome::kNack;
  } else if (outcome == "dead") {
    r.outcome = AttemptRecord::Outcome::kDead;
  } else if (outcome == "lost") {
    r.outcome = AttemptRecord::Outcome::kLost;
  } else if (outcome == "dropped") {
    r.outcome = AttemptRecord::Outcome::kDropped;
  } else {
    return BadField("outcome", "one of ack, nack, dead, lost, dropped");
  }
  if (object.contains("error")) {
    if (!(s = GetString(object, "error", &r.error)).ok()) return s;
  }
  if (object.contains("replay")) {
    uint64_t replay = 0;
    if (!(s = GetUnsigned(object, "replay", kMaxU32, &replay)).ok()) return s;
    r.replay = static_cast<uint32_t>(replay);
  }
  if (auto it = object.find("unconfirmed"); it != object.end()) {
    if (!it->is_boolean()) return BadField("unconfirmed", "true or false");
    r.unconfirmed = it->get<bool>();
  }
  return r;
}

Result<std::vector<AttemptRecord>> ReadEventLog(const std::string& path, bool* torn_last_line) {
  if (torn_last_line != nullptr) *torn_last_line = false;
  auto opened = OpenInputFile(path);
  if (!opened.ok()) return opened.status();
  std::ifstream& in = *opened;
  std::vector<AttemptRecord> records;
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    const bool has_newline = !in.eof();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Result<AttemptRecord> record = ParseAttempt(line);
    if (!record.ok()) {
      const std::string where = path + ":" + std::to_string(number) + ": ";
      if (!has_newline && torn_last_line != nullptr) {
        *torn_last_line = true;
        break;
      }
      if (!has_newline) {
        return Status::InvalidArgument(where + "truncated last line (no newline; did the writer " +
                                       "crash?): " + record.status().message());
      }
      return Status::InvalidArgument(where + record.status().message());
    }
    records.push_back(std::move(*record));
  }
  if (in.bad()) return Status::Unavailable("cannot read " + path + ": " + std::strerror(errno));
  return records;
}

Result<std::unique_ptr<LogSink>> OpenJsonlLog(const std::string& path, bool write_each_line) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Unavailable("cannot open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<LogSink>(std::make_unique<JsonlLogSink>(fd, path, write_each_line));
}

void MemoryLogSink::Write(const AttemptRecord& record) {
  std::lock_guard<std::mutex> lock(mu_);
  records_.push_back(record);
}

void MemoryLogSink::WriteMany(std::span<const AttemptRecord> records) {
  std::lock_guard<std::mutex> lock(mu_);
  records_.insert(records_.end(), records.begin(), records.end());
}

std::vector<AttemptRecord> MemoryLogSink::Records() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_;
}

}  // namespace strandq
