// Copyright 2026 The strandq Authors.
// A workload CSV file (ReadWorkloadCsv reads a path: the input is written to a private file).

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "strandq/event.h"
#include "strandq/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = [] {
    const char* dir = std::getenv("TMPDIR");
    return std::string(dir != nullptr ? dir : "/tmp") + "/strandq-workload-fuzz-" +
           std::to_string(getpid()) + ".csv";
  }();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto events = strandq::ReadWorkloadCsv(path);
  std::remove(path.c_str());
  if (!events.ok()) return 0;
  for (const strandq::WorkloadEvent& event : *events) {
    if (!strandq::ValidateAccount(event.account).ok() || event.seq == 0) std::abort();
  }
  return 0;
}
