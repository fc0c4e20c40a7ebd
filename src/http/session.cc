// Copyright 2026 The strandq Authors.
#include "http/session.h"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/session_registry.h"

namespace strandq::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = beast::http;

// Longest a closing connection waits for the client to read the last response and close.
constexpr std::chrono::milliseconds kMaxLinger{1000};

bool HasBody(const beast_http::request_parser<beast_http::string_body>& parser) {
  return !parser.is_done();
}

// The client went away (maybe mid-request), timed out, or we are draining: nothing to answer.
bool IsGone(const beast::error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message ||
         ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == beast::error::timeout || ec == asio::error::operation_aborted;
}

}  // namespace

Session::Session(asio::ip::tcp::socket&& socket, SessionContext& context)
    : stream_(std::move(socket)), context_(context) {
  context_.metrics.connections_open.fetch_add(1, std::memory_order_relaxed);
  context_.metrics.connections_accepted.fetch_add(1, std::memory_order_relaxed);
}

Session::~Session() {
  context_.registry.Remove(this);
  context_.metrics.connections_open.fetch_sub(1, std::memory_order_relaxed);
}

void Session::Start() {
  if (!context_.registry.Add(shared_from_this())) return;  // the server is draining
  asio::dispatch(stream_.get_executor(),
                 beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
}

void Session::Drain() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    if (self->waiting_ && self->buffer_.size() == 0 && !self->parser_->got_some()) {
      self->stream_.cancel();  // OnHeader sees operation_aborted and closes
    }
  });
}

void Session::ForceClose() {
  asio::post(stream_.get_executor(), [self = shared_from_this()] {
    beast::error_code ignored;
    self->stream_.socket().close(ignored);
  });
}

void Session::ReadHeader() {
  if (draining_ && buffer_.size() == 0) return Close();
  parser_.emplace();
  parser_->header_limit(16 * 1024);
  parser_->body_limit(context_.options.max_body_bytes);
  waiting_ = true;
  const auto head_timeout = std::min(context_.options.head_timeout, context_.options.timeout);
  const auto now = std::chrono::steady_clock::now();
  head_deadline_ = now + head_timeout;
  if (buffer_.size() > 0) return ParseHeader();  // a pipelined request has begun
  stream_.expires_at(kept_alive_ ? now + context_.options.timeout : head_deadline_);
  stream_.async_read_some(buffer_.prepare(beast::read_size(buffer_, 64 * 1024)),
                          beast::bind_front_handler(&Session::OnFirstBytes, shared_from_this()));
}

void Session::OnFirstBytes(beast::error_code ec, size_t bytes) {
  if (ec) return OnHeader(ec, 0);
  buffer_.commit(bytes);
  if (kept_alive_) {
    head_deadline_ = std::chrono::steady_clock::now() +
                     std::min(context_.options.head_timeout, context_.options.timeout);
  }
  ParseHeader();
}

// Parses the head from the buffer when it is all there (one read less), else reads the rest
// by head_deadline_.
void Session::ParseHeader() {
  beast::error_code ec;
  buffer_.consume(parser_->put(buffer_.data(), ec));
  if (ec != beast_http::error::need_more) return OnHeader(ec, 0);
  stream_.expires_at(head_deadline_);
  beast_http::async_read_header(stream_, buffer_, *parser_,
                                beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
}

void Session::OnHeader(beast::error_code ec, size_t) {
  waiting_ = false;
  if (ec) {
    CountError(ec);
    // The parser checks Content-Length against the body limit as soon as it has the head.
    if (ec == beast_http::error::body_limit) return SendBodyTooLarge();
    if (ec == beast_http::error::header_limit) {
      return Send(ErrorResponse(431, "request header too large", 11), true);
    }
    if (IsGone(ec) || !stream_.socket().is_open()) return Close();
    return Send(ErrorResponse(400, "malformed HTTP request: " + ec.message(), 11), true);
  }
  const Request& head = parser_->get();
  const auto expect = head[beast_http::field::expect];
  const bool expect_continue = beast::iequals(expect, "100-continue");
  if (!expect.empty() && !expect_continue) {
    return Send(ErrorResponse(417,
                              "unsupported expectation 'Expect: " + std::string(expect) +
                                  "' (only 100-continue is)",
                              head.version()),
                HasBody(*parser_));
  }
  auto decision = context_.handler.Decide(head);
  if (const Refusal* refusal = std::get_if<Refusal>(&decision)) {
    // A body we will not read would be taken for the next request: close after answering.
    return Send(context_.handler.Refuse(*refusal, head.version()), HasBody(*parser_));
  }
  route_ = std::get<Route>(decision);
  if (!HasBody(*parser_)) return Dispatch();
  if (expect_continue) {
    continue_ = {beast_http::status::continue_, head.version()};
    stream_.expires_after(context_.options.timeout);
    return beast_http::async_write(stream_, continue_,
                                   [self = shared_from_this()](beast::error_code wec, size_t) {
                                     if (wec) {
                                       self->CountError(wec);
                                       return self->Close();
                                     }
                                     self->ReadBody();
                                   });
  }
  ReadBody();
}

void Session::ReadBody() {
  // Small bodies usually arrive with their head: parse them from the buffer at once instead
  // of starting a read that would only find them there (one post through the I/O loop less).
  if (buffer_.size() > 0) {
    beast::error_code ec;
    parser_->eager(true);
    const size_t used = parser_->put(buffer_.data(), ec);
    if (ec != beast_http::error::need_more) {
      buffer_.consume(used);
      if (ec || parser_->is_done()) return OnBody(ec, used);
    }
  }
  stream_.expires_after(context_.options.timeout);
  beast_http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&Session::OnBody, shared_from_this()));
}

void Session::OnBody(beast::error_code ec, size_t) {
  if (ec == beast_http::error::body_limit) return SendBodyTooLarge();
  if (ec) {
    CountError(ec);
    if (IsGone(ec) || !stream_.socket().is_open()) return Close();
    // Bad framing (a chunk size that is not hex, a missing CRLF...): the rest is unreadable.
    return Send(ErrorResponse(400, "malformed HTTP request body: " + ec.message(), 11), true);
  }
  Dispatch();
}

void Session::Dispatch() {
  RequestHandler::Later later;  // only a long-poll may answer later
  if (route_.endpoint == Endpoint::kClaimLeases) {
    later = [self = shared_from_this()](Response response) {
      asio::post(self->stream_.get_executor(), [self, response = std::move(response)]() mutable {
        self->Send(std::move(response), false);
      });
    };
  }
  std::optional<Response> now = context_.handler.Handle(route_, parser_->get(), later);
  if (now) Send(std::move(*now), false);
}

void Session::SendBodyTooLarge() {
  // The rest of the body stays unread: the connection cannot carry another request.
  Send(ErrorResponse(413,
                     "the body exceeds the limit of " +
                         std::to_string(context_.options.max_body_bytes) + " bytes (--max-body)",
                     11),
       true);
}

void Session::Send(Response response, bool close) {
  const bool keep_alive =
      !close && !draining_ && parser_ && parser_->is_done() && parser_->get().keep_alive();
  response_ = std::move(response);
  response_.keep_alive(keep_alive);
  response_.prepare_payload();
  // A HEAD is answered with the headers a GET would get (Content-Length included), no body.
  if (parser_ && parser_->is_header_done() && parser_->get().method() == beast_http::verb::head) {
    response_.body().clear();
  }
  context_.metrics.CountResponse(response_.result_int());
  stream_.expires_after(context_.options.timeout);
  beast_http::async_write(
      stream_, response_,
      beast::bind_front_handler(&Session::OnWrite, shared_from_this(), !keep_alive));
}

void Session::OnWrite(bool close, beast::error_code ec, size_t) {
  if (ec) {
    CountError(ec);
    return Close();
  }
  response_ = {};
  if (close) return Close();
  kept_alive_ = true;
  ReadHeader();
}

void Session::Close() {
  if (closing_) return;
  closing_ = true;
  beast::error_code ignored;
  // Closing with unread input makes the kernel reset the connection, and a reset can destroy
  // the last response before the client reads it: linger only then.
  const bool unread = (parser_ && parser_->got_some() && !parser_->is_done()) ||
                      buffer_.size() > 0 || stream_.socket().available(ignored) > 0;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  if (!unread) {
    stream_.socket().close(ignored);
    return;
  }
  stream_.expires_after(std::min<std::chrono::nanoseconds>(context_.options.timeout, kMaxLinger));
  Linger();
}

void Session::Linger() {
  buffer_.consume(buffer_.size());
  stream_.async_read_some(buffer_.prepare(4096),
                          [self = shared_from_this()](beast::error_code ec, size_t) {
                            if (!ec) return self->Linger();
                            beast::error_code ignored;
                            self->stream_.socket().close(ignored);
                          });
}

void Session::CountError(const beast::error_code& ec) {
  if (ec == beast::error::timeout) {
    context_.metrics.timeouts.fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace strandq::http
