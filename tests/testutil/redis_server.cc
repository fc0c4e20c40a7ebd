// Copyright 2026 The strandq Authors.
#include "testutil/redis_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

#include "testutil/free_port.h"

namespace strandq::testing {
namespace {

// True once a PING on 127.0.0.1:port is answered: +PONG, or -NOAUTH from a server with a
// password.
bool Pings(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool pong = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    const char ping[] = "PING\r\n";
    char reply[16] = {};
    if (write(fd, ping, sizeof(ping) - 1) == sizeof(ping) - 1 &&
        read(fd, reply, sizeof(reply) - 1) > 0) {
      pong = std::strncmp(reply, "+PONG", 5) == 0 || std::strncmp(reply, "-NOAUTH", 7) == 0;
    }
  }
  close(fd);
  return pong;
}

}  // namespace

RedisServer::RedisServer(bool append_only, std::vector<std::string> extra_args)
    : append_only_(append_only), extra_args_(std::move(extra_args)) {
  // A port can be taken between FreeLoopbackPort and the server's bind: try a few.
  for (int i = 0; i < 5 && !ok(); ++i) {
    port_ = FreeLoopbackPort();
    if (port_ != 0) Start();
  }
}

RedisServer::~RedisServer() { Stop(/*graceful=*/false); }

std::string RedisServer::Url(const std::string& prefix) const {
  std::string url = "redis://127.0.0.1:" + std::to_string(port_);
  if (!prefix.empty()) url += "?prefix=" + prefix;
  return url;
}

void RedisServer::Stop(bool graceful) {
  if (!process_) return;
  process_->Signal(graceful ? SIGTERM : SIGKILL);
  process_->Wait(std::chrono::seconds(20));
  process_.reset();
}

bool RedisServer::Start() {
  Stop(false);
  std::vector<std::string> argv = {"redis-server", "--port",    std::to_string(port_),
                                   "--bind",       "127.0.0.1", "--dir",
                                   dir_.path(),    "--save",    "",
                                   "--daemonize",  "no",        "--loglevel",
                                   "warning"};
  if (append_only_) {
    argv.insert(argv.end(), {"--appendonly", "yes", "--appendfsync", "always"});
  } else {
    argv.insert(argv.end(), {"--appendonly", "no"});
  }
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  process_ = std::make_unique<Subprocess>(argv);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    if (Pings(port_)) return true;
    if (kill(process_->pid(), 0) != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ProcessResult result = process_->Wait(std::chrono::seconds(2));
  error_ = "redis-server on port " + std::to_string(port_) + " did not come up (exit " +
           std::to_string(result.exit_code) + "): " + result.out + result.err;
  process_.reset();
  return false;
}

}  // namespace strandq::testing
