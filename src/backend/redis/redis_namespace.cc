// Copyright 2026 The strandq Authors.
// What a RedisStore does to its namespace as a whole: the policy it records, and Drop.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backend/redis/redis_store.h"
#include "core/client_name.h"

namespace strandq {
namespace {

// Unavailable naming the server when `reply` is an error reply, else OK.
Status ErrorOf(const redisReply& reply, const RedisUrl& url) {
  const std::string_view error = ReplyError(reply);
  if (error.empty()) return Status();
  return Status::Unavailable("Redis at " + url.Address() + ": " + std::string(error));
}

}  // namespace

Result<Policy> RedisStore::NamespacePolicy(RedisConnection& conn, const RedisUrl& url,
                                           const EngineOptions& options) {
  // A namespace keeps the policy it was first used with: scores in its ready set mean it.
  const std::string config = "{" + url.prefix + "}:config";
  const std::string_view wanted = PolicyName(options.policy);
  if (!options.policy_from_store) {
    auto set = conn.Command({"HSETNX", config, "policy", wanted});
    if (!set.ok()) return set.status();
  }
  auto got = conn.Command({"HGET", config, "policy"});
  if (!got.ok()) return got.status();
  if (Status s = ErrorOf(**got, url); !s.ok()) return s;
  if ((*got)->type == REDIS_REPLY_NIL) return options.policy;  // new, and not recorded
  const std::string recorded(ReplyText(**got));
  const std::optional<Policy> policy = ParsePolicy(recorded);
  if (!policy) {
    return Status::InvalidArgument("namespace '" + url.prefix + "' at " + url.Address() +
                                   " records an unknown policy '" + recorded + "'");
  }
  if (options.policy_from_store || *policy == options.policy) return *policy;
  return Status::InvalidArgument("namespace '" + url.prefix + "' at " + url.Address() +
                                 " uses policy '" + recorded + "'; this process asked for '" +
                                 std::string(wanted) + "' (pass --policy " + recorded +
                                 ", or use another ?prefix=)");
}

Status RedisStore::RegisterClient(RedisConnection& conn) {
  if (options_.policy_from_store) return Status();  // inspects or administers: claims nothing
  // `clients` maps "name:<name>" to a number and "id:<number>" back to the name; "n" counts.
  // Two processes of one name registering at once may get two numbers: both show the name.
  const std::string clients = tag_ + ":clients";
  const std::string name = ClientName(options_);
  auto known = conn.Command({"HGET", clients, "name:" + name});
  if (!known.ok()) return known.status();
  if (Status s = ErrorOf(**known, url_); !s.ok()) return s;
  if ((*known)->type != REDIS_REPLY_NIL) {
    header_[4] = std::string(ReplyText(**known));
    return Status();
  }
  auto counted = conn.Command({"HINCRBY", clients, "n", "1"});
  if (!counted.ok()) return counted.status();
  if ((*counted)->type != REDIS_REPLY_INTEGER) {
    return Status::Internal("unexpected reply from Redis to HINCRBY");
  }
  header_[4] = std::to_string((*counted)->integer);
  auto set = conn.Command({"HSET", clients, "id:" + header_[4], name, "name:" + name, header_[4]});
  if (!set.ok()) return set.status();
  return ErrorOf(**set, url_);
}

Result<uint64_t> RedisStore::Drop() {
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  // Every key of the namespace, of any format, starts with "{prefix}:", and the prefix's
  // characters ([A-Za-z0-9_.:-], redis_url.cc) mean nothing special in a SCAN pattern. SCAN
  // walks the keyspace a slice at a time, so the server keeps serving others meanwhile.
  const std::string pattern = tag_ + ":*";
  uint64_t deleted = 0;
  std::string cursor = "0";
  do {
    auto page = (*conn)->Command({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
    if (!page.ok()) return page.status();
    if (Status s = ErrorOf(**page, url_); !s.ok()) return s;
    const redisReply& r = **page;
    if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 || r.element[1]->type != REDIS_REPLY_ARRAY) {
      return Status::Internal("unexpected reply from Redis to SCAN");
    }
    cursor = std::string(ReplyText(*r.element[0]));
    const redisReply& keys = *r.element[1];
    if (keys.elements == 0) continue;
    std::vector<std::string_view> unlink = {"UNLINK"};
    for (size_t i = 0; i < keys.elements; ++i) unlink.push_back(ReplyText(*keys.element[i]));
    auto unlinked = (*conn)->Command(unlink);
    if (!unlinked.ok()) return unlinked.status();
    if (Status s = ErrorOf(**unlinked, url_); !s.ok()) return s;
    if ((*unlinked)->type == REDIS_REPLY_INTEGER) {
      deleted += static_cast<uint64_t>((*unlinked)->integer);
    }
  } while (cursor != "0" && !cursor.empty());
  Release(std::move(*conn));
  return deleted;
}

}  // namespace strandq
