// Copyright 2026 The strandq Authors.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "strandq/event_log.h"
#include "strandq/status.h"
#include "strandq/verifier.h"

namespace strandq {

// What a run report says beyond the log.
struct ReportInfo {
  std::string title = "strandq run report";
  std::string source;              // where the attempts came from ("run.jsonl", ...)
  std::vector<std::string> notes;  // lines shown under the verdict
  std::string version;             // strandq's, shown at the foot of the page
};

// DESIGN
// "A picture of a run": one self-contained HTML page (no file or address outside it) that
// shows the attempts as `strandq verify` measures them: slots over time (failures marked),
// concurrency over time against W and the lower bound, the longest accounts as lanes, the
// latency histogram, the most frequent errors, the first dead letters and the verdict. The
// data is reduced first (report/run_picture.h), so the page's size and drawing time are bounded
// whatever the log's size; the page says what it aggregated. The data is embedded as JSON in a
// non-executable <script> element with '<', '>', '&', U+2028 and U+2029 escaped, and the page
// inserts user text (accounts, errors) with textContent only.
//
// `records`: the attempts as read (unconfirmed lines are resolved here as Verify resolves
// them); `report`: Verify(records, ...). Pure; any thread.
std::string RenderRunReport(std::span<const AttemptRecord> records, const VerifyReport& report,
                            const ReportInfo& info);

// Writes RenderRunReport(...) to `path` through a temporary file in the same directory, renamed
// over `path` when complete: a reader never sees half a page. Unavailable naming the path when
// it cannot be written.
Status WriteRunReport(const std::string& path, std::span<const AttemptRecord> records,
                      const VerifyReport& report, const ReportInfo& info);

// InvalidArgument naming the flag (e.g. "--report") when `path`'s directory does not exist or
// is not writable: checked before a run starts, so that its report is not lost at the end.
Status CheckReportPath(const std::string& flag, const std::string& path);

}  // namespace strandq
