// Copyright 2026 The strandq Authors.
#pragma once

// RFC 4180 CSV, read record by record from a stream and written field by field.
// Hand-written because no Debian-packaged C++ CSV library is in our dependency set.

#include <cstddef>
#include <istream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "strandq/result.h"

namespace strandq {

// Reads RFC 4180 records from an std::istream, one at a time, without loading the whole input.
// Accepts quoted fields with doubled quotes, commas and line breaks inside quotes, and CRLF, LF
// or lone CR line ends (the last line may lack one). A blank physical line is a record with no
// fields. Errors are InvalidArgument: an unterminated quoted field, or a stray quote (inside an
// unquoted field, or between a closing quote and the next separator). After an error the reader
// stays failed. Not thread-safe; the stream must outlive the reader.
class CsvReader {
 public:
  explicit CsvReader(std::istream& in);

  // Reads the next record into *fields. Returns true if a record was read, false at the end of
  // the input; InvalidArgument describing the problem (without a line number: see line()).
  Result<bool> Next(std::vector<std::string>* fields);

  // The 1-based physical line where the last record read starts. After an error: the line of
  // the stray quote, or the line where the unterminated quoted field opened.
  size_t line() const { return record_line_; }

 private:
  int Get();             // next byte, or -1 at the end; counts physical lines
  void SkipLfAfterCr();  // consumes the LF of a CRLF pair

  std::streambuf* buf_;
  size_t next_line_ = 1;    // physical line of the next byte to read
  size_t last_line_ = 1;    // physical line of the byte Get() returned last
  size_t record_line_ = 0;  // see line()
  bool failed_ = false;
};

// Appends `field` to *out, quoted (with doubled quotes) if it holds a comma, quote, CR or LF.
void AppendCsvField(std::string_view field, std::string* out);

// Appends the fields separated by commas and ended by "\n". A record of one empty field is
// written as `""` so that it does not read back as a blank line.
void AppendCsvRecord(std::span<const std::string_view> fields, std::string* out);

}  // namespace strandq
