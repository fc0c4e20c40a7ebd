// Copyright 2026 The strandq Authors.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "testutil/subprocess.h"
#include "testutil/temp_dir.h"

namespace strandq::testing {

// A private redis-server for one test: started on a free 127.0.0.1 port with its own data
// directory, stopped (by pid) and its directory removed on destruction. Persistence is off
// unless `append_only`, in which case every write is fsynced to the AOF so that a restart
// loses nothing that was acknowledged. `extra_args` go to redis-server as they are (e.g.
// {"--requirepass", "pw"}).
class RedisServer {
 public:
  explicit RedisServer(bool append_only = false, std::vector<std::string> extra_args = {});
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  // False if the server did not come up (the test should fail with Error()).
  bool ok() const { return process_ != nullptr; }
  const std::string& Error() const { return error_; }
  int port() const { return port_; }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  // "redis://127.0.0.1:PORT" plus "?prefix=NAME" when `prefix` is not empty.
  std::string Url(const std::string& prefix = "") const;

  // Stops the server: gracefully (SIGTERM: it writes its AOF) or not (SIGKILL).
  void Stop(bool graceful = true);
  // Starts it again on the same port and data directory. False if it did not come up.
  bool Start();

 private:
  TempDir dir_;
  bool append_only_;
  std::vector<std::string> extra_args_;
  int port_ = 0;
  std::unique_ptr<Subprocess> process_;
  std::string error_;
};

}  // namespace strandq::testing
