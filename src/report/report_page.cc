// Copyright 2026 The strandq Authors.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "report/report_files.h"
#include "report/report_json.h"
#include "report/run_picture.h"
#include "strandq/report.h"
#include "verify/unconfirmed.h"

namespace strandq {
namespace report {
namespace {

constexpr std::string_view kDataMark = "/*STRANDQ_DATA*/";
constexpr std::string_view kScriptMark = "/*STRANDQ_SCRIPT*/";

std::string_view PageFile(std::string_view name) {
  for (const EmbeddedFile& file : ReportFiles()) {
    if (file.name == name) return file.text;
  }
  return {};
}

}  // namespace

std::string AssemblePage(std::string_view data_json) {
  const std::string_view html = PageFile("report.html"), script = PageFile("report.js");
  const size_t data_at = html.find(kDataMark), script_at = html.find(kScriptMark);
  std::string page;
  page.reserve(html.size() + script.size() + data_json.size());
  page += html.substr(0, data_at);
  page += data_json;
  page += html.substr(data_at + kDataMark.size(), script_at - data_at - kDataMark.size());
  page += script;
  page += html.substr(script_at + kScriptMark.size());
  return page;
}

}  // namespace report

std::string RenderRunReport(std::span<const AttemptRecord> records, const VerifyReport& report,
                            const ReportInfo& info) {
  const report::PictureLimits limits;
  const bool any_unconfirmed = std::any_of(records.begin(), records.end(),
                                           [](const AttemptRecord& r) { return r.unconfirmed; });
  const report::RunPicture picture =
      any_unconfirmed ? report::BuildRunPicture(ResolveUnconfirmed(records).records, limits)
                      : report::BuildRunPicture(records, limits);
  return report::AssemblePage(
      report::JsonForScript(report::ReportJson(picture, report, info, limits)));
}

Status WriteRunReport(const std::string& path, std::span<const AttemptRecord> records,
                      const VerifyReport& report, const ReportInfo& info) {
  const std::string page = RenderRunReport(records, report, info);
  const std::string temp = path + ".tmp";
  auto failed = [&](const char* what) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    return Status::Unavailable("cannot " + std::string(what) + " the report " + path + ": " +
                               reason);
  };
  std::FILE* file = std::fopen(temp.c_str(), "wb");
  if (file == nullptr) return failed("create");
  const bool written = std::fwrite(page.data(), 1, page.size(), file) == page.size();
  if (std::fclose(file) != 0 || !written) return failed("write");
  if (std::rename(temp.c_str(), path.c_str()) != 0) return failed("write");
  return Status();
}

Status CheckReportPath(const std::string& flag, const std::string& path) {
  if (path.empty()) return Status::InvalidArgument(flag + " needs a file name");
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::InvalidArgument(flag + " " + path + " is a directory: give a file name");
  }
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::InvalidArgument(flag + " " + path + ": the directory " + dir.string() +
                                   " does not exist");
  }
  if (::access(dir.c_str(), W_OK) != 0) {
    return Status::InvalidArgument(flag + " " + path + ": cannot write into " + dir.string() +
                                   " (" + std::strerror(errno) + ")");
  }
  return Status();
}

}  // namespace strandq
