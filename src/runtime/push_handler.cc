// Copyright 2026 The strandq Authors.
#include "runtime/push_handler.h"

#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/push_message.h"
#include "strandq/duration.h"
#include "util/http_url.h"

namespace strandq::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// The most of a response body read; a longer one is cut there and its connection closed.
constexpr size_t kMaxResponseBody = 1 << 20;

// Kept-alive connections not in use, as descriptors this object owns (not sockets: those
// belong to an I/O loop, which may be gone before the handler). Thread-safe.
class IdleConnections {
 public:
  struct Entry {
    int fd = -1;
    bool v6 = false;
  };
  IdleConnections() = default;
  IdleConnections(const IdleConnections&) = delete;
  IdleConnections& operator=(const IdleConnections&) = delete;
  ~IdleConnections() {
    for (const Entry& e : idle_) ::close(e.fd);
  }
  std::optional<Entry> Take() {
    std::lock_guard lock(mu_);
    if (idle_.empty()) return std::nullopt;
    Entry e = idle_.back();
    idle_.pop_back();
    return e;
  }
  void Put(Entry e) {
    std::lock_guard lock(mu_);
    idle_.push_back(e);
  }

 private:
  std::mutex mu_;
  std::vector<Entry> idle_;  // guarded by mu_
};

// What every attempt of one handler shares.
struct PushTarget {
  HttpUrl url;
  std::string text;  // the URL as given, for errors
  PushOptions options;
  IdleConnections idle;
};

// One attempt: a connection (idle or new), the request, its response, Retry-After waits. No
// strand: one operation is outstanding at a time, so its completions run one after another on
// any I/O thread; `mu_` orders them against a cancellation (from the pool's ticker), which
// closes what is open. Completes once, unless cancelled first.
class PushCall : public std::enable_shared_from_this<PushCall> {
 public:
  PushCall(std::shared_ptr<PushTarget> target, asio::io_context& io, const Event& event,
           Completion done)
      : target_(std::move(target)),
        io_(io),
        socket_(io),
        timer_(io),
        done_(std::move(done)),
        request_(PushRequest(target_->url.target, target_->url.authority, event)) {}

  void Begin(const Cancellation& cancel) {
    std::weak_ptr<PushCall> weak = weak_from_this();
    cancel.OnCancel([weak] {
      if (auto self = weak.lock()) self->Cancel();
    });
    Step([this] { Send(); });
  }

 private:
  // Runs `step` with mu_ held unless the call is cancelled or finished, then the Completion if
  // the step finished the call (without mu_: it may start the account's next attempt).
  template <typename F>
  void Step(F step) {
    Completion done;
    std::optional<Outcome> outcome;
    {
      std::lock_guard lock(mu_);
      if (cancelled_) return;
      step();
      if (!outcome_) return;
      done = std::move(done_);
      outcome = std::move(outcome_);
    }
    done(std::move(*outcome));
  }

  // Each step below runs with mu_ held (Step).
  void Send() {
    if (cancelled_) return;
    if (auto idle = target_->idle.Take()) {
      beast::error_code ec;
      socket_.assign(idle->v6 ? tcp::v6() : tcp::v4(), idle->fd, ec);
      if (!ec) {
        reused_ = true;
        v6_ = idle->v6;
        return Write();
      }
      ::close(idle->fd);
    }
    Connect();
  }

  void Connect() {
    reused_ = false;
    if (!resolver_) resolver_.emplace(io_);
    const HttpUrl& url = target_->url;
    resolver_->async_resolve(
        url.host, std::to_string(url.port),
        [self = shared_from_this()](beast::error_code ec, tcp::resolver::results_type results) {
          self->Step([&] { self->OnResolved(ec, results); });
        });
  }

  void OnResolved(beast::error_code ec, const tcp::resolver::results_type& results) {
    if (ec) return Fail("resolving " + target_->url.host, ec);
    asio::async_connect(socket_, results,
                        [self = shared_from_this()](beast::error_code ec, const tcp::endpoint& to) {
                          self->Step([&] {
                            if (ec) return self->Fail("connecting", ec);
                            self->v6_ = to.protocol() == tcp::v6();
                            self->socket_.set_option(tcp::no_delay(true), ec);
                            self->Write();
                          });
                        });
  }

  void Write() {
    parser_.reset();
    asio::async_write(socket_, asio::buffer(request_),
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->Step([&] {
                          if (ec) return self->IoFailed("sending the request", ec);
                          self->Read();
                        });
                      });
  }

  void Read() {
    parser_.emplace();
    parser_->body_limit(kMaxResponseBody);
    buffer_.clear();
    bhttp::async_read(socket_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        self->Step([&] { self->OnResponse(ec); });
                      });
  }

  void OnResponse(beast::error_code ec) {
    const bool cut = ec == bhttp::error::body_limit && parser_->is_header_done();
    if (ec && !cut) return IoFailed("reading the response", ec);
    auto& res = parser_->get();
    PushResponse response{res.result_int(), std::string(res["Strandq-Outcome"]),
                          std::string(res[bhttp::field::retry_after]), std::move(res.body())};
    const bool reusable = !cut && parser_->keep_alive() && buffer_.size() == 0;
    PushVerdict verdict = JudgePushResponse(response, std::time(nullptr));
    if (verdict.resend) {
      const PushOptions& options = target_->options;
      if (resends_ < options.max_resends &&
          waited_ + *verdict.resend <= options.retry_after_budget) {
        ++resends_;
        waited_ += *verdict.resend;
        Release(reusable);
        timer_.expires_after(*verdict.resend);
        timer_.async_wait([self = shared_from_this()](const beast::error_code& ec) {
          self->Step([&] {
            if (!ec) self->Send();
          });
        });
        return;
      }
      verdict.outcome.error += "; beyond what one attempt waits (" +
                               FormatDuration(options.retry_after_budget) + " in all, " +
                               std::to_string(options.max_resends) + " times)";
    }
    Finish(std::move(verdict.outcome), reusable);
  }

  // A reused connection that fails before any byte of the answer was likely closed by the
  // server while idle: the request goes once more, on a new connection.
  void IoFailed(const std::string& what, beast::error_code ec) {
    const bool answered = parser_ && parser_->got_some();
    if (reused_ && !answered) {
      socket_.close(ec);
      return Connect();
    }
    Fail(what, ec);
  }

  void Fail(const std::string& what, beast::error_code ec) {
    Finish(Outcome::Nack("POST " + target_->text + ": " + what + ": " + ec.message()), false);
  }

  // Ends the call with `outcome`, for Step to complete.
  void Finish(Outcome outcome, bool reusable) {
    Release(reusable);
    cancelled_ = true;  // nothing more to do
    outcome_ = std::move(outcome);
  }

  // Gives the connection back to the idle ones, or closes it.
  void Release(bool reusable) {
    if (!socket_.is_open()) return;
    beast::error_code ec;
    if (reusable) {
      const int fd = socket_.release(ec);
      if (!ec) return target_->idle.Put({fd, v6_});
    }
    socket_.close(ec);
  }

  // Any thread (the pool's ticker).
  void Cancel() {
    std::lock_guard lock(mu_);
    if (cancelled_) return;
    cancelled_ = true;
    beast::error_code ignored;
    socket_.close(ignored);
    if (resolver_) resolver_->cancel();
    timer_.cancel();
  }

  const std::shared_ptr<PushTarget> target_;
  asio::io_context& io_;
  std::mutex mu_;
  tcp::socket socket_;                     // guarded by mu_, as is everything below
  std::optional<tcp::resolver> resolver_;  // made for a new connection
  asio::steady_timer timer_;
  Completion done_;
  std::optional<Outcome> outcome_;  // set by Finish
  const std::string request_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  beast::flat_buffer buffer_;
  bool reused_ = false, v6_ = false, cancelled_ = false;
  size_t resends_ = 0;
  std::chrono::nanoseconds waited_{0};
};

class PushHandler final : public Handler {
 public:
  explicit PushHandler(std::shared_ptr<PushTarget> target) : target_(std::move(target)) {}

  void Start(const Event& event, asio::io_context& io, Completion done,
             const Cancellation& cancel) override {
    // ValidateAccount holds for every stored event; checked again as it goes into a header.
    if (Status s = ValidateAccount(event.account); !s.ok()) {
      return done(Outcome::Permanent("cannot push over HTTP: " + s.message()));
    }
    std::make_shared<PushCall>(target_, io, event, std::move(done))->Begin(cancel);
  }

 private:
  const std::shared_ptr<PushTarget> target_;
};

}  // namespace

Result<std::unique_ptr<Handler>> NewPushHandler(std::string_view url, const PushOptions& options) {
  if (url.substr(0, 8) == "https://") {
    return Status::InvalidArgument(
        "--work " + std::string(url) +
        ": https:// is not supported; strandq pushes over plain http://. Run the handler "
        "service on this host or a private network, or put a local TLS proxy in front of it");
  }
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status().Prefixed("--work");
  auto target = std::make_shared<PushTarget>();
  target->url = std::move(*parsed);
  target->text = std::string(url);
  target->options = options;
  return std::unique_ptr<Handler>(std::make_unique<PushHandler>(std::move(target)));
}

}  // namespace strandq::http
