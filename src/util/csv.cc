// Copyright 2026 The strandq Authors.
#include "util/csv.h"

#include <string>

namespace strandq {
namespace {

constexpr int kEnd = -1;

bool NeedsQuotes(std::string_view field) {
  return field.find_first_of(",\"\r\n") != std::string_view::npos;
}

}  // namespace

CsvReader::CsvReader(std::istream& in) : buf_(in.rdbuf()) {}

int CsvReader::Get() {
  if (buf_ == nullptr) return kEnd;
  const int c = buf_->sbumpc();
  if (c == std::char_traits<char>::eof()) return kEnd;
  last_line_ = next_line_;
  // A CR ends a line unless an LF follows: then the LF does, so CRLF counts once.
  if (c == '\n' || (c == '\r' && buf_->sgetc() != '\n')) ++next_line_;
  return c;
}

void CsvReader::SkipLfAfterCr() {
  if (buf_ != nullptr && buf_->sgetc() == '\n') Get();
}

Result<bool> CsvReader::Next(std::vector<std::string>* fields) {
  if (failed_) return Status::InvalidArgument("the CSV reader failed earlier");
  fields->clear();
  int c = Get();
  record_line_ = last_line_;
  if (c == kEnd) {
    record_line_ = next_line_;
    return false;
  }
  if (c == '\n') return true;  // a blank line: no fields
  if (c == '\r') {
    SkipLfAfterCr();
    return true;
  }
  auto fail = [&](size_t line, const std::string& problem) -> Status {
    failed_ = true;
    record_line_ = line;
    return Status::InvalidArgument(problem);
  };
  std::string field;
  while (true) {
    // `c` is the first byte of a field (a separator or line end if the field is empty).
    field.clear();
    const size_t field_number = fields->size() + 1;
    if (c == '"') {
      const size_t quote_line = last_line_;
      while (true) {
        c = Get();
        if (c == kEnd) {
          return fail(quote_line, "unterminated quoted field " + std::to_string(field_number));
        }
        if (c == '"') {
          if (buf_->sgetc() != '"') break;  // the closing quote
          Get();
        }
        field.push_back(static_cast<char>(c));
      }
      c = Get();
      if (c != ',' && c != '\n' && c != '\r' && c != kEnd) {
        return fail(last_line_,
                    "stray quote: unexpected character after the closing quote of field " +
                        std::to_string(field_number));
      }
    } else {
      while (c != ',' && c != '\n' && c != '\r' && c != kEnd) {
        if (c == '"') {
          return fail(last_line_, "stray quote in unquoted field " + std::to_string(field_number));
        }
        field.push_back(static_cast<char>(c));
        c = Get();
      }
    }
    fields->push_back(field);
    if (c == ',') {
      c = Get();
      continue;
    }
    if (c == '\r') SkipLfAfterCr();
    return true;
  }
}

void AppendCsvField(std::string_view field, std::string* out) {
  if (!NeedsQuotes(field)) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvRecord(std::span<const std::string_view> fields, std::string* out) {
  if (fields.size() == 1 && fields[0].empty()) {
    out->append("\"\"\n");
    return;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out->push_back(',');
    AppendCsvField(fields[i], out);
  }
  out->push_back('\n');
}

}  // namespace strandq
