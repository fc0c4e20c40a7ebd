// Copyright 2026 The strandq Authors.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "strandq/result.h"
#include "strandq/store.h"

struct evp_mac_ctx_st;  // OpenSSL's EVP_MAC_CTX

namespace strandq::http {

// What a lease token carries: everything a later settle or extend needs to name the lease to
// the store (account, fencing token, event id, attempt) and to log the attempt (seq, replay,
// enqueued_ns, and start_ns: when the lease was handed out). Never the payload.
struct TokenLease {
  Lease lease;           // event without payload; deadline_ns 0 (the store checks the deadline)
  int64_t start_ns = 0;  // CLOCK_REALTIME when the server granted it
};

// DESIGN
// A lease token is base64url (no padding) of a binary record — a version byte, the fixed-width
// numbers of TokenLease, the account's length and bytes — followed by HMAC-SHA256 (RFC 2104,
// OpenSSL; truncated to 128 bits) of that record under the codec's key. Clients treat it as opaque.
// Only a holder of the key can make a token that decodes, so a token cannot be edited into another
// account's, event's or attempt's lease; a token made under another key (another serve with another
// --lease-secret, or one before a restart without it) is refused as "not issued here". The
// store's fencing still decides whether a well-formed token is the current lease.
//
// Thread safety: const methods may be called from any thread at once.
class LeaseTokenCodec {
 public:
  static constexpr size_t kKeyBytes = 32;

  // A codec keyed by `secret` (any bytes, at least 16), so that every serve given the same
  // secret accepts the others' tokens; InvalidArgument if it is shorter. An empty `secret`
  // draws a random key: tokens are then good only in this process.
  static Result<LeaseTokenCodec> FromSecret(std::string_view secret);

  std::string Encode(const Lease& lease, int64_t start_ns) const;

  // InvalidArgument "malformed lease token ..." for anything that is not a token's shape, or
  // "lease token not issued by this server ..." when its MAC does not match.
  Result<TokenLease> Decode(std::string_view token) const;

 private:
  explicit LeaseTokenCodec(std::shared_ptr<evp_mac_ctx_st> keyed) : keyed_(std::move(keyed)) {}
  std::array<unsigned char, 32> Mac(std::string_view record) const;

  // Keyed once; only copied from (EVP_MAC_CTX_dup), so shared by threads.
  std::shared_ptr<evp_mac_ctx_st> keyed_;
};

}  // namespace strandq::http
