// Copyright 2026 The strandq Authors.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace strandq::testing {

// What a finished child process left behind.
struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal if it was killed
  std::string out;     // everything it wrote to stdout
  std::string err;     // everything it wrote to stderr
};

// A child process with stdout and stderr captured to files. The destructor kills (SIGKILL) and
// reaps a child that is still running, so no test leaves processes behind.
class Subprocess {
 public:
  explicit Subprocess(const std::vector<std::string>& argv);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int signo);
  // Waits for the child to end, killing it after `timeout`.
  ProcessResult Wait(std::chrono::milliseconds timeout = std::chrono::seconds(120));
  // The stdout captured so far.
  std::string OutputSoFar() const;

 private:
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
};

// Runs argv to completion (killed after `timeout`).
ProcessResult RunProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(120));

}  // namespace strandq::testing
