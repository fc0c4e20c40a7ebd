// Copyright 2026 The strandq Authors.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "report/run_picture.h"
#include "strandq/report.h"
#include "strandq/verifier.h"

namespace strandq::report {

// The page's data: the verdict and figures of `report`, the reduced `picture` and `info`.
// Layout: see src/report/README.md. Pure; any thread.
nlohmann::json ReportJson(const RunPicture& picture, const VerifyReport& report,
                          const ReportInfo& info, const PictureLimits& limits);

// `json` serialized for the inside of an HTML <script> element: '<', '>' and '&' as \u003c,
// \u003e and \u0026 (no "</script>" or "<!--" can end or change the element), U+2028 and
// U+2029 as \u2028 and \u2029, and invalid UTF-8 replaced by U+FFFD. Still valid JSON with
// the same value.
std::string JsonForScript(const nlohmann::json& json);

// The page around `data_json` (already JsonForScript): the embedded template with the data and
// the script inserted.
std::string AssemblePage(std::string_view data_json);

}  // namespace strandq::report
