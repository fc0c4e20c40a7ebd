// Copyright 2026 The strandq Authors.
#include "http/prometheus_text.h"

#include <fmt/format.h>

#include <cmath>

namespace strandq::http {
namespace {

// Help text escapes backslash and newline; label values also the double quote.
std::string Escape(std::string_view text, bool quote) {
  std::string out;
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Number(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

std::string Labels(const std::vector<std::pair<std::string, std::string>>& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    out += labels[i].first + "=\"" + Escape(labels[i].second, true) + "\"";
  }
  return out + "}";
}

std::string_view TypeName(MetricFamily::Type type) {
  switch (type) {
    case MetricFamily::Type::kCounter:
      return "counter";
    case MetricFamily::Type::kGauge:
      return "gauge";
    case MetricFamily::Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::string RenderPrometheus(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const MetricFamily& f : families) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, Escape(f.help, false), f.name,
                       TypeName(f.type));
    if (f.type != MetricFamily::Type::kHistogram) {
      for (const MetricFamily::Sample& s : f.samples) {
        out += fmt::format("{}{} {}\n", f.name, Labels(s.labels), Number(s.value));
      }
      continue;
    }
    for (const auto& [le, count] : f.histogram.buckets) {
      out += fmt::format("{}_bucket{{le=\"{}\"}} {}\n", f.name, Number(le), count);
    }
    out += fmt::format("{}_bucket{{le=\"+Inf\"}} {}\n", f.name, f.histogram.count);
    out += fmt::format("{}_sum {}\n{}_count {}\n", f.name, Number(f.histogram.sum), f.name,
                       f.histogram.count);
  }
  return out;
}

}  // namespace strandq::http
