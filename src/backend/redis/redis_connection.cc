// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_connection.h"

#include <poll.h>
#include <sys/time.h>

#include <charconv>
#include <string>

namespace strandq {
namespace {

// Redis 6.2 brought BLMOVE, which the blocking claim uses.
constexpr int kMinVersion = 60200;

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

std::string VersionText(int version) {
  return std::to_string(version / 10000) + "." + std::to_string(version / 100 % 100) + "." +
         std::to_string(version % 100);
}

}  // namespace

std::string_view ReplyError(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ERROR) return {};
  return std::string_view(reply.str, reply.len);
}

std::string_view ReplyText(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_STRING && reply.type != REDIS_REPLY_STATUS) return {};
  return std::string_view(reply.str, reply.len);
}

int ParseRedisVersion(std::string_view info_text) {
  constexpr std::string_view kKey = "redis_version:";
  size_t at = info_text.find(kKey);
  if (at == std::string_view::npos) return 0;
  std::string_view rest = info_text.substr(at + kKey.size());
  int parts[3] = {0, 0, 0};
  const char* p = rest.data();
  const char* end = rest.data() + rest.size();
  for (int i = 0; i < 3; ++i) {
    auto [next, ec] = std::from_chars(p, end, parts[i]);
    if (ec != std::errc()) return i == 0 ? 0 : parts[0] * 10000 + parts[1] * 100;
    p = next;
    if (i < 2) {
      if (p == end || *p != '.') break;
      ++p;
    }
  }
  return parts[0] * 10000 + parts[1] * 100 + parts[2];
}

Result<std::unique_ptr<RedisConnection>> RedisConnection::Open(const RedisUrl& url,
                                                               std::chrono::milliseconds timeout) {
  const std::string address = url.Address();
  redisContext* context = redisConnectWithTimeout(url.host.c_str(), url.port, ToTimeval(timeout));
  if (context == nullptr) return Status::Unavailable("cannot connect to Redis at " + address);
  if (context->err != 0) {
    std::string why = context->errstr;
    redisFree(context);
    return Status::Unavailable("cannot connect to Redis at " + address + ": " + why);
  }
  std::unique_ptr<RedisConnection> conn(new RedisConnection(context, address));
  redisEnableKeepAlive(context);
  conn->SetReplyTimeout(timeout);

  auto fail = [&](const std::string& why) {
    return Status::Unavailable("Redis at " + address + ": " + why);
  };
  if (!url.password.empty()) {
    std::vector<std::string_view> auth = {"AUTH"};
    if (!url.user.empty()) auth.push_back(url.user);
    auth.push_back(url.password);
    auto reply = conn->Command(auth);
    if (!reply.ok()) return reply.status();
    if (std::string_view e = ReplyError(**reply); !e.empty()) {
      return fail("the password was refused (" + std::string(e) + ")");
    }
  }
  auto info = conn->Command({"INFO", "server"});
  if (!info.ok()) return info.status();
  if (std::string_view e = ReplyError(**info); !e.empty()) {
    if (e.substr(0, 6) == "NOAUTH") {
      return fail("it needs a password: use redis://:PASSWORD@" + address);
    }
    return fail(std::string(e));
  }
  if ((*info)->type != REDIS_REPLY_STRING) {
    return fail("unexpected reply to INFO");
  }
  const int version = ParseRedisVersion(std::string_view((*info)->str, (*info)->len));
  if (version < kMinVersion) {
    return fail("version " + (version == 0 ? std::string("unknown") : VersionText(version)) +
                " is too old: strandq needs Redis 6.2 or later");
  }
  conn->server_version_ = version;
  if (url.db != 0) {
    const std::string db = std::to_string(url.db);
    auto reply = conn->Command({"SELECT", db});
    if (!reply.ok()) return reply.status();
    if (std::string_view e = ReplyError(**reply); !e.empty()) {
      return fail("cannot select database " + db + " (" + std::string(e) + ")");
    }
  }
  auto id = conn->Command({"CLIENT", "ID"});
  if (!id.ok()) return id.status();
  if ((*id)->type != REDIS_REPLY_INTEGER) return fail("unexpected reply to CLIENT ID");
  conn->client_id_ = (*id)->integer;
  return conn;
}

RedisConnection::RedisConnection(redisContext* context, std::string address)
    : context_(context), address_(std::move(address)) {}

RedisConnection::~RedisConnection() { redisFree(context_); }

Result<RedisReply> RedisConnection::Command(const std::vector<std::string_view>& args) {
  if (broken_) return Status::Unavailable("connection to Redis at " + address_ + " is broken");
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (std::string_view a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  void* reply = redisCommandArgv(context_, static_cast<int>(argv.size()), argv.data(), lens.data());
  if (reply == nullptr) {
    broken_ = true;
    return Status::Unavailable("lost the connection to Redis at " + address_ + ": " +
                               (context_->err != 0 ? context_->errstr : "no reply"));
  }
  return RedisReply(static_cast<redisReply*>(reply));
}

bool RedisConnection::ClosedWhileIdle() {
  if (broken_) return true;
  pollfd pfd{};
  pfd.fd = context_->fd;
  pfd.events = POLLIN | POLLRDHUP;
  if (poll(&pfd, 1, 0) != 0) broken_ = true;  // readable, hung up, or poll failed
  return broken_;
}

void RedisConnection::SetReplyTimeout(std::chrono::milliseconds timeout) {
  if (timeout == reply_timeout_) return;
  if (redisSetTimeout(context_, ToTimeval(timeout)) != REDIS_OK) {
    broken_ = true;
    return;
  }
  reply_timeout_ = timeout;
}

}  // namespace strandq
