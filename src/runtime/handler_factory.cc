// Copyright 2026 The strandq Authors.
#include <string>

#include "runtime/push_handler.h"
#include "runtime/shipped_handlers.h"
#include "strandq/duration.h"

namespace strandq {

Result<std::unique_ptr<Handler>> MakeHandler(std::string_view spec, const HandlerOptions& options) {
  if (!(options.fail_rate >= 0.0 && options.fail_rate <= 1.0)) {
    return Status::InvalidArgument("--fail-rate must be between 0 and 1");
  }
  FailureInjector fail(options.fail_rate, options.seed);
  if (spec == "noop") return NewNoopHandler(fail);
  const size_t colon = spec.find(':');
  const std::string_view kind = spec.substr(0, colon);
  const std::string_view arg = colon == std::string_view::npos ? "" : spec.substr(colon + 1);
  if (kind == "sleep" && colon != std::string_view::npos) {
    auto duration = ParseDuration(arg);
    if (!duration.ok()) return duration.status().Prefixed("--work sleep:");
    return NewSleepHandler(*duration, fail);
  }
  if (kind == "exec" && !arg.empty()) {
    if (options.fail_rate > 0.0) {
      return Status::InvalidArgument("--fail-rate applies to sleep: and noop, not exec:");
    }
    return NewExecHandler(std::string(arg), options.exec_kill_grace);
  }
  if (kind == "http" || kind == "https") {
    if (options.fail_rate > 0.0) {
      return Status::InvalidArgument("--fail-rate applies to sleep: and noop, not http:");
    }
    http::PushOptions push;
    push.retry_after_budget = options.push_retry_after_budget;
    return http::NewPushHandler(spec, push);
  }
  return Status::InvalidArgument("unknown handler '" + std::string(spec) +
                                 "': expected sleep:DURATION, noop, exec:COMMAND or "
                                 "http://HOST:PORT/PATH");
}

}  // namespace strandq
