// Copyright 2026 The strandq Authors.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "runtime/shipped_handlers.h"

extern char** environ;

namespace strandq {
namespace {

// Owns a pipe's two ends; closes what is still open.
struct Pipe {
  int fds[2] = {-1, -1};
  ~Pipe() {
    for (int fd : fds) {
      if (fd >= 0) close(fd);
    }
  }
  void CloseEnd(int i) {
    if (fds[i] >= 0) close(fds[i]);
    fds[i] = -1;
  }
};

// Runs `/bin/sh -c command` per event with the payload on stdin. Written on posix_spawn
// directly: Boost.Process is not part of our dependency set, and this needs only a pipe.
class ExecHandler final : public BlockingHandler {
 public:
  ExecHandler(std::string command, size_t threads)
      : BlockingHandler(threads), command_(std::move(command)) {}

  Outcome Handle(const Event& event) override {
    Pipe in;
    if (pipe2(in.fds, O_CLOEXEC) != 0) return Outcome::Nack(Errno("pipe"));

    std::vector<std::string> env_strings;
    for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
    env_strings.push_back("STRANDQ_EVENT_ID=" + std::to_string(event.id));
    env_strings.push_back("STRANDQ_ACCOUNT=" + event.account);
    env_strings.push_back("STRANDQ_SEQ=" + std::to_string(event.seq));
    env_strings.push_back("STRANDQ_ATTEMPT=" + std::to_string(event.attempt));
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    std::string sh = "/bin/sh", dash_c = "-c", cmd = command_;
    char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.fds[0], STDIN_FILENO);
    // The command gets default signal handling and an empty mask, whatever this process set
    // (the strandq binary ignores SIGPIPE, which a shell pipeline must not inherit).
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults, empty;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return Outcome::Nack(std::string("spawn /bin/sh: ") + std::strerror(rc));
    in.CloseEnd(0);

    // A child that exits without reading its stdin makes write fail with EPIPE; that is not
    // an error of the event. SIGPIPE is blocked in this thread while writing and a pending
    // one consumed, so the embedding program's SIGPIPE disposition does not matter.
    WritePayload(in.fds[1], event.payload);
    in.CloseEnd(1);

    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) return Outcome::Nack(Errno("waitpid"));
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Outcome::Ack();
    if (WIFEXITED(status)) {
      return Outcome::Nack("command exited with status " + std::to_string(WEXITSTATUS(status)));
    }
    if (WIFSIGNALED(status)) {
      return Outcome::Nack("command killed by signal " + std::to_string(WTERMSIG(status)));
    }
    return Outcome::Nack("command ended abnormally");
  }

 private:
  static void WritePayload(int fd, const std::string& payload) {
    sigset_t pipe_only, old_mask;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
    bool broken = false;
    size_t written = 0;
    while (written < payload.size()) {
      ssize_t n = write(fd, payload.data() + written, payload.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        broken = errno == EPIPE;
        break;
      }
      written += static_cast<size_t>(n);
    }
    if (broken) {
      const timespec zero = {0, 0};
      sigtimedwait(&pipe_only, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  }

  static std::string Errno(const char* what) {
    return std::string(what) + ": " + std::strerror(errno);
  }

  const std::string command_;
};

}  // namespace

std::unique_ptr<Handler> NewExecHandler(std::string command, size_t threads) {
  return std::make_unique<ExecHandler>(std::move(command), threads);
}

}  // namespace strandq
