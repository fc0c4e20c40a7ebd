// Copyright 2026 The strandq Authors.
// The CSV reader: every record it reads, written back by AppendCsvRecord, reads back equal.

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "util/csv.h"

namespace {

std::vector<std::string> ReadBack(const std::vector<std::string>& fields) {
  std::vector<std::string_view> views(fields.begin(), fields.end());
  std::string text;
  strandq::AppendCsvRecord(views, &text);
  std::istringstream in(text);
  strandq::CsvReader reader(in);
  std::vector<std::string> again;
  auto more = reader.Next(&again);
  if (!more.ok() || !*more) std::abort();
  return again;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  strandq::CsvReader reader(in);
  std::vector<std::string> fields;
  for (size_t records = 0; records <= size; ++records) {  // each record uses at least a byte
    auto more = reader.Next(&fields);
    if (!more.ok() || !*more) return 0;
    if (ReadBack(fields) != fields) std::abort();
  }
  std::abort();  // more records than bytes: the reader did not advance
}
