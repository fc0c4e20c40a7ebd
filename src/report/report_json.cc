// Copyright 2026 The strandq Authors.
#include "report/report_json.h"

#include <cmath>
#include <utility>

namespace strandq::report {
namespace {

using nlohmann::json;

json StripJson(const Strip& strip) {
  json marks = json::array();
  for (const FailureMark& m : strip.marks) marks.push_back({m.bin, m.failed, m.dead});
  return {{"label", strip.label},
          {"members", strip.members},
          {"events", strip.events},
          {"busy", strip.busy},
          {"marks", std::move(marks)}};
}

json StripsJson(const std::vector<Strip>& strips) {
  json out = json::array();
  for (const Strip& strip : strips) out.push_back(StripJson(strip));
  return out;
}

json VerdictJson(const VerifyReport& report) {
  json violations = json::array();
  for (const Violation& v : report.violations) {
    violations.push_back({{"kind", v.kind}, {"detail", v.detail}});
  }
  return {{"ok", report.ok()},
          {"violations_total", report.violations_total},
          {"violations", std::move(violations)},
          {"text", FormatVerifyReport(report)}};
}

json FiguresJson(const VerifyReport& r) {
  return {{"events", r.events},
          {"accounts", r.accounts},
          {"attempts", r.attempts},
          {"acked", r.acked},
          {"nacked", r.nacked},
          {"dead", r.dead},
          {"lost", r.lost},
          {"dropped", r.dropped},
          {"redelivered", r.redelivered},
          {"replayed", r.replayed},
          {"unconfirmed", r.unconfirmed},
          {"longest", r.longest},
          {"workers", r.workers},
          {"unit_ns", r.unit.count()},
          {"makespan_ns", r.makespan.count()},
          {"lower_bound_ns", r.lower_bound.count()},
          {"efficiency", r.efficiency},
          {"latency_p50_ns", r.latency_p50.count()},
          {"latency_p99_ns", r.latency_p99.count()},
          {"latency_max_ns", r.latency_max.count()}};
}

json FailuresJson(const RunPicture& p) {
  json top = json::array();
  for (const ErrorCount& e : p.errors) {
    top.push_back({{"error", e.error}, {"count", e.count}, {"example", e.example}});
  }
  json dead = json::array();
  for (const DeadEvent& d : p.dead) {
    dead.push_back({{"account", d.account},
                    {"seq", d.seq},
                    {"id", d.id},
                    {"attempt", d.attempt},
                    {"at_ns", d.at_ns},
                    {"error", d.error}});
  }
  return {{"errors",
           {{"distinct", p.distinct_errors}, {"failed_attempts", p.failed_attempts}, {"top", top}}},
          {"dead", {{"total", p.dead_total}, {"first", std::move(dead)}}}};
}

}  // namespace

json ReportJson(const RunPicture& p, const VerifyReport& report, const ReportInfo& info,
                const PictureLimits& limits) {
  json concurrency = json::array();
  for (double c : p.concurrency) concurrency.push_back(std::round(c * 1000.0) / 1000.0);
  json out = {
      {"title", info.title},
      {"source", info.source},
      {"notes", info.notes},
      {"version", info.version},
      {"verdict", VerdictJson(report)},
      {"figures", FiguresJson(report)},
      {"time", {{"span_ns", p.span_ns}, {"bin_ns", p.bin_ns}, {"bins", p.bins}}},
      {"slots",
       {{"count", p.slots}, {"per_row", p.slots_per_row}, {"rows", StripsJson(p.slot_rows)}}},
      {"concurrency", std::move(concurrency)},
      {"lanes", {{"accounts", p.accounts}, {"limit", limits.lanes}, {"rows", StripsJson(p.lanes)}}},
      {"latency",
       {{"log", p.latency_log}, {"edges_ns", p.latency_edges}, {"counts", p.latency_counts}}},
      {"limits", {{"error_chars", limits.error_chars}}}};
  out.update(FailuresJson(p));
  return out;
}

std::string JsonForScript(const json& value) {
  const std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace strandq::report
