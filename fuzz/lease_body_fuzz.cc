// Copyright 2026 The strandq Authors.
// The bodies of the pull API (POST /v1/leases, /settle, /extend) and the lease tokens in them.
// The first byte picks the parser (mod 3: claim, settle, extend). What a parser accepts is
// JSON by nlohmann's own parser too and within the limits; every lease string it returns is
// decoded by a codec (refused or accepted, never a crash), and a token the codec made from a
// decoded lease decodes to the same lease.

#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "http/lease_body.h"
#include "http/lease_token.h"
#include "json_check.h"

namespace {

using strandq::fuzz::CheckIsJson;

using namespace strandq::http;

void CheckToken(const LeaseTokenCodec& codec, const std::string& token) {
  auto decoded = codec.Decode(token);
  if (!decoded.ok()) return;
  auto again = codec.Decode(codec.Encode(decoded->lease, decoded->start_ns));
  if (!again.ok() || again->lease.event.account != decoded->lease.event.account ||
      again->lease.token != decoded->lease.token ||
      again->lease.event.id != decoded->lease.event.id) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const LeaseTokenCodec codec = *LeaseTokenCodec::FromSecret("fuzzing-secret-0123456789");
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  CheckToken(codec, std::string(body));
  std::vector<std::string> leases;
  switch (data[0] % 3) {
    case 0: {
      auto r = ParseClaimRequest(body);
      if (!r.ok()) return 0;
      if (r->max < 1 || r->max > kMaxLeasesPerRequest) std::abort();
      if (r->wait.count() < 0 || static_cast<uint64_t>(r->wait.count()) > kMaxWaitMs) std::abort();
      for (const SettleItem& item : r->settle) leases.push_back(item.lease);
      if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return 0;
      break;
    }
    case 1: {
      auto r = ParseSettleRequest(body);
      if (!r.ok()) return 0;
      for (const SettleItem& item : *r) {
        if (item.error.size() > kMaxErrorBytes) std::abort();
        leases.push_back(item.lease);
      }
      break;
    }
    default: {
      auto r = ParseExtendRequest(body);
      if (!r.ok()) return 0;
      leases = *r;
    }
  }
  if (leases.size() > kMaxLeasesPerRequest) std::abort();
  for (const std::string& lease : leases) CheckToken(codec, lease);
  CheckIsJson(body);
  return 0;
}
