// Copyright 2026 The strandq Authors.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <cerrno>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "runtime/shipped_handlers.h"

extern char** environ;

namespace strandq {
namespace {

namespace asio = boost::asio;

// The most of a child's stderr kept for its nack error (the end of it).
constexpr size_t kStderrTail = 4096;

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// Owns a file descriptor until it is released.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(Fd&& other) noexcept : fd(other.Release()) {}
  Fd& operator=(Fd&&) = delete;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  int Release() { return std::exchange(fd, -1); }
};

// One running command: its pid (leader of its own process group), a pidfd that becomes
// readable when it exits, our ends of its stdin and stderr pipes, and the Completion. Every
// step runs on the child's strand. A cancelled child gets SIGTERM on its group and SIGKILL
// after the grace period; it is reaped only after that, so that its pid (= the group id)
// cannot be reused while it may still be signalled. Destroyed with a live child (the I/O
// loop went away first), it kills the group and reaps it.
class Child : public std::enable_shared_from_this<Child> {
 public:
  Child(asio::io_context& io, pid_t pid, Fd pidfd, Fd in, Fd err, std::string payload,
        Completion done, std::chrono::nanoseconds grace)
      : strand_(asio::make_strand(io)),
        pid_(pid),
        exit_(strand_, pidfd.Release()),
        in_(strand_, in.Release()),
        err_(strand_, err.Release()),
        kill_timer_(strand_),
        payload_(std::move(payload)),
        done_(std::move(done)),
        grace_(grace) {}

  ~Child() {
    if (!reaped_) {
      kill(-pid_, SIGKILL);
      while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
      }
    }
  }

  // Starts feeding stdin, reading stderr and waiting for the exit; `cancel` terminates it.
  void Begin(const Cancellation& cancel) {
    std::weak_ptr<Child> weak = weak_from_this();
    cancel.OnCancel([weak] {
      if (auto self = weak.lock()) asio::post(self->strand_, [self] { self->Terminate(); });
    });
    asio::post(strand_, [self = shared_from_this()] {
      self->WriteStdin();
      self->ReadStderr();
      self->exit_.async_wait(asio::posix::stream_descriptor::wait_read,
                             [self](const boost::system::error_code&) { self->OnExit(); });
    });
  }

 private:
  // Writes what the pipe takes of the payload, then waits for room. A child that exits
  // without reading its stdin breaks the pipe: not an error of the event. SIGPIPE is blocked
  // in this thread while writing and a pending one consumed, whatever the embedding program's
  // SIGPIPE disposition.
  void WriteStdin() {
    sigset_t pipe_only, old_mask;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
    bool again = false, broken = false;
    while (written_ < payload_.size()) {
      ssize_t n =
          write(in_.native_handle(), payload_.data() + written_, payload_.size() - written_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        again = true;
        break;
      }
      if (n <= 0) {
        broken = errno == EPIPE;
        break;
      }
      written_ += static_cast<size_t>(n);
    }
    if (broken) {
      const timespec zero = {0, 0};
      sigtimedwait(&pipe_only, nullptr, &zero);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    if (again) {
      in_.async_wait(asio::posix::stream_descriptor::wait_write,
                     [self = shared_from_this()](const boost::system::error_code& ec) {
                       if (!ec && self->in_.is_open()) self->WriteStdin();
                     });
      return;
    }
    boost::system::error_code ignored;
    in_.close(ignored);  // EOF for the child
  }

  // Keeps reading stderr until EOF, or until the child exited (Finish then waits for the read
  // in flight: bytes it took are in its completion).
  void ReadStderr() {
    reading_ = true;
    err_.async_read_some(asio::buffer(buf_), [self = shared_from_this()](
                                                 const boost::system::error_code& ec, size_t n) {
      self->reading_ = false;
      self->KeepStderr(n);
      if (self->finishing_) return self->Finish();
      if (!ec) self->ReadStderr();
    });
  }

  void KeepStderr(size_t n) {
    err_tail_.append(buf_.data(), n);
    if (err_tail_.size() > 2 * kStderrTail) {
      err_tail_.erase(0, err_tail_.size() - kStderrTail);
      truncated_ = true;
    }
  }

  void Terminate() {
    if (reaped_ || cancelled_) return;
    cancelled_ = true;
    kill(-pid_, SIGTERM);
    kill_timer_.expires_after(grace_);
    kill_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      self->grace_over_ = true;
      if (!self->reaped_) kill(-self->pid_, SIGKILL);
      if (self->exited_) self->Finish();
    });
  }

  void OnExit() {
    exited_ = true;
    // A cancelled child stays unreaped until its group got the SIGKILL (see the class).
    if (cancelled_ && !grace_over_) return;
    Finish();
  }

  // Reaps the child and completes the attempt with what it left (stderr read to the end of
  // what the child wrote; writes of its own children that outlive it are not waited for).
  void Finish() {
    if (reaped_) return;
    finishing_ = true;
    if (reading_) {
      err_.cancel();  // its completion calls Finish again
      return;
    }
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    for (;;) {
      ssize_t n = read(err_.native_handle(), buf_.data(), buf_.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      KeepStderr(static_cast<size_t>(n));
    }
    boost::system::error_code ignored;
    in_.close(ignored);
    err_.close(ignored);
    exit_.close(ignored);
    kill_timer_.cancel();
    Completion done = std::move(done_);
    done(OutcomeOf(status));
  }

  Outcome OutcomeOf(int status) const {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return Outcome::Ack();
    std::string error;
    if (WIFEXITED(status)) {
      error = "command exited with status " + std::to_string(WEXITSTATUS(status));
    } else if (WIFSIGNALED(status)) {
      error = "command killed by signal " + std::to_string(WTERMSIG(status));
    } else {
      error = "command ended abnormally";
    }
    std::string tail = err_tail_.size() > kStderrTail
                           ? err_tail_.substr(err_tail_.size() - kStderrTail)
                           : err_tail_;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
    if (!tail.empty())
      error += (truncated_ || err_tail_.size() > kStderrTail ? ": ..." : ": ") + tail;
    if (WIFEXITED(status) && WEXITSTATUS(status) == kExecPermanentFailureExit) {
      return Outcome::Permanent(std::move(error));
    }
    return Outcome::Nack(std::move(error));
  }

  asio::strand<asio::io_context::executor_type> strand_;
  const pid_t pid_;
  asio::posix::stream_descriptor exit_, in_, err_;
  asio::steady_timer kill_timer_;
  const std::string payload_;
  size_t written_ = 0;
  std::array<char, 4096> buf_{};
  std::string err_tail_;
  bool truncated_ = false;
  Completion done_;
  const std::chrono::nanoseconds grace_;
  bool cancelled_ = false, grace_over_ = false, exited_ = false, reaped_ = false;
  bool reading_ = false, finishing_ = false;
};

// Runs `/bin/sh -c command` per event (see MakeHandler). Written on posix_spawn and a pidfd
// directly: Boost.Process is not part of our dependency set. No thread per child: each one's
// pipes and exit are waited for on the pool's I/O loop, so as many run at once as the pool has
// slots.
class ExecHandler final : public Handler {
 public:
  ExecHandler(std::string command, std::chrono::nanoseconds grace)
      : command_(std::move(command)), grace_(grace) {
    for (char** e = environ; *e != nullptr; ++e) environment_.emplace_back(*e);
  }

  void Start(const Event& event, asio::io_context& io, Completion done,
             const Cancellation& cancel) override {
    int in[2], err[2];
    if (pipe2(in, O_CLOEXEC) != 0) return done(Outcome::Nack(Errno("pipe")));
    Fd in_read(in[0]), in_write(in[1]);
    if (pipe2(err, O_CLOEXEC) != 0) return done(Outcome::Nack(Errno("pipe")));
    Fd err_read(err[0]), err_write(err[1]);
    // Our ends only: the child's stdin must block as a program expects.
    fcntl(in_write.fd, F_SETFL, O_NONBLOCK);
    fcntl(err_read.fd, F_SETFL, O_NONBLOCK);

    pid_t pid = -1;
    if (int rc = Spawn(event, in_read.fd, err_write.fd, pid); rc != 0) {
      return done(Outcome::Nack(std::string("spawn /bin/sh: ") + std::strerror(rc)));
    }
    Fd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));  // Linux 5.3
    if (pidfd.fd < 0) {
      const std::string error = Errno("pidfd_open");
      kill(-pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      return done(Outcome::Nack(error));
    }
    auto child =
        std::make_shared<Child>(io, pid, std::move(pidfd), std::move(in_write), std::move(err_read),
                                event.payload, std::move(done), grace_);
    child->Begin(cancel);
  }

 private:
  // Starts the command in a process group of its own (so a Ctrl-C or a SIGTERM to strandq's
  // group leaves it to finish): stdin from `in`, stdout to our stderr, stderr to `err`. Returns
  // posix_spawn's error.
  int Spawn(const Event& event, int in, int err, pid_t& pid) const {
    std::vector<std::string> added = {"STRANDQ_EVENT_ID=" + std::to_string(event.id),
                                      "STRANDQ_ACCOUNT=" + event.account,
                                      "STRANDQ_SEQ=" + std::to_string(event.seq),
                                      "STRANDQ_ATTEMPT=" + std::to_string(event.attempt)};
    std::vector<char*> envp;
    envp.reserve(environment_.size() + added.size() + 1);
    for (const std::string& s : environment_) envp.push_back(const_cast<char*>(s.c_str()));
    for (std::string& s : added) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::string sh = "/bin/sh", dash_c = "-c", cmd = command_;
    char* argv[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err, STDERR_FILENO);
    // Default signal handling and an empty mask, whatever this process set (the strandq
    // binary ignores SIGPIPE, which a shell pipeline must not inherit).
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults, empty;
    sigemptyset(&defaults);
    for (int signo : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&defaults, signo);
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &empty);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(
        &attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    const int rc = posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp.data());
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    return rc;
  }

  const std::string command_;
  const std::chrono::nanoseconds grace_;
  std::vector<std::string> environment_;  // this process's, read once
};

}  // namespace

std::unique_ptr<Handler> NewExecHandler(std::string command, std::chrono::nanoseconds kill_grace) {
  return std::make_unique<ExecHandler>(std::move(command), kill_grace);
}

}  // namespace strandq
