// Copyright 2026 The strandq Authors.
#include "http/lease_token.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <array>
#include <cstring>

namespace strandq::http {
namespace {

constexpr unsigned char kVersion = 1;
// HMAC-SHA256 truncated to its first 128 bits (RFC 2104 section 5 allows truncation to half).
constexpr size_t kMacBytes = 16;
// version, token, id, seq, enqueued_ns, start_ns, attempt, replay, account length
constexpr size_t kFixedBytes = 1 + 5 * 8 + 2 * 4 + 1;
constexpr size_t kMinSecretBytes = 16;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

template <typename Int>
void Put(Int value, std::string& out) {
  for (size_t i = 0; i < sizeof(Int); ++i) {
    out.push_back(static_cast<char>(static_cast<uint64_t>(value) >> (8 * i)));
  }
}

template <typename Int>
Int Get(std::string_view& in) {
  uint64_t value = 0;
  for (size_t i = 0; i < sizeof(Int); ++i) {
    value |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  }
  in.remove_prefix(sizeof(Int));
  return static_cast<Int>(value);
}

std::string Base64Url(std::string_view bytes) {
  std::string out((bytes.size() * 4 + 2) / 3, '\0');
  char* o = out.data();
  uint32_t bits = 0;
  int held = 0;
  for (unsigned char c : bytes) {
    bits = (bits << 8) | c;
    held += 8;
    while (held >= 6) {
      held -= 6;
      *o++ = kAlphabet[(bits >> held) & 63];
    }
  }
  if (held > 0) *o++ = kAlphabet[(bits << (6 - held)) & 63];
  return out;
}

// The value of each base64url character; 64 for any other byte.
constexpr std::array<uint8_t, 256> kSextets = [] {
  std::array<uint8_t, 256> t{};
  t.fill(64);
  for (uint8_t i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = i;
  return t;
}();

// False for a character outside the alphabet, a length no encoding has, or unused low bits
// that are not zero (so that each byte string has exactly one token).
bool FromBase64Url(std::string_view text, std::string& out) {
  if (text.size() % 4 == 1) return false;
  out.resize(text.size() * 3 / 4);
  char* o = out.data();
  uint32_t bits = 0;
  int held = 0;
  for (char c : text) {
    const uint8_t v = kSextets[static_cast<unsigned char>(c)];
    if (v == 64) return false;
    bits = (bits << 6) | v;
    held += 6;
    if (held >= 8) {
      held -= 8;
      *o++ = static_cast<char>((bits >> held) & 0xFF);
    }
  }
  return (bits & ((1u << held) - 1)) == 0;
}

Status Malformed(std::string_view why) {
  return Status::InvalidArgument("malformed lease token (" + std::string(why) +
                                 "): pass the \"lease\" string exactly as POST /v1/leases gave it");
}

}  // namespace

Result<LeaseTokenCodec> LeaseTokenCodec::FromSecret(std::string_view secret) {
  std::string key(secret);
  if (secret.empty()) {
    key.assign(kKeyBytes, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), static_cast<int>(key.size())) !=
        1) {
      return Status::Internal("cannot draw a random lease key (OpenSSL RAND_bytes failed)");
    }
  } else if (secret.size() < kMinSecretBytes) {
    return Status::InvalidArgument("--lease-secret (or STRANDQ_LEASE_SECRET) must be at least " +
                                   std::to_string(kMinSecretBytes) + " bytes long, not " +
                                   std::to_string(secret.size()) +
                                   " (generate one: openssl rand -hex 32)");
  }
  // An HMAC-SHA256 context keyed once; each MAC starts from a copy of it (no algorithm lookup,
  // no key schedule per token).
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  std::shared_ptr<EVP_MAC_CTX> keyed(hmac != nullptr ? EVP_MAC_CTX_new(hmac) : nullptr,
                                     EVP_MAC_CTX_free);
  EVP_MAC_free(hmac);
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                               OSSL_PARAM_END};
  if (keyed == nullptr ||
      EVP_MAC_init(keyed.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1) {
    return Status::Internal("cannot set up HMAC-SHA256 (OpenSSL EVP_MAC failed)");
  }
  return LeaseTokenCodec(std::move(keyed));
}

std::array<unsigned char, 32> LeaseTokenCodec::Mac(std::string_view record) const {
  std::array<unsigned char, 32> mac{};
  std::unique_ptr<EVP_MAC_CTX, void (*)(EVP_MAC_CTX*)> ctx(EVP_MAC_CTX_dup(keyed_.get()),
                                                           EVP_MAC_CTX_free);
  size_t length = 0;
  // A failure (out of memory) leaves the MAC zero: Decode then refuses the token, and a token
  // Encode makes is refused later; nothing is accepted that should not be.
  if (ctx == nullptr ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(record.data()),
                     record.size()) != 1 ||
      EVP_MAC_final(ctx.get(), mac.data(), &length, mac.size()) != 1) {
    mac.fill(0);
  }
  return mac;
}

std::string LeaseTokenCodec::Encode(const Lease& lease, int64_t start_ns) const {
  const Event& e = lease.event;
  std::string record;
  record.reserve(kFixedBytes + e.account.size() + kMacBytes);
  record.push_back(static_cast<char>(kVersion));
  Put(lease.token, record);
  Put(e.id, record);
  Put(e.seq, record);
  Put(e.enqueued_ns, record);
  Put(start_ns, record);
  Put(e.attempt, record);
  Put(e.replay, record);
  // Accounts are at most kMaxAccountBytes (128) long.
  record.push_back(static_cast<char>(static_cast<unsigned char>(e.account.size())));
  record += e.account;
  const auto mac = Mac(record);
  record.append(reinterpret_cast<const char*>(mac.data()), kMacBytes);
  return Base64Url(record);
}

Result<TokenLease> LeaseTokenCodec::Decode(std::string_view token) const {
  constexpr size_t kMaxTokenChars = (kFixedBytes + kMaxAccountBytes + kMacBytes) * 4 / 3 + 4;
  if (token.size() > kMaxTokenChars) return Malformed("too long");
  std::string bytes;
  if (!FromBase64Url(token, bytes)) return Malformed("not base64url");
  if (bytes.size() < kFixedBytes + kMacBytes) return Malformed("too short");
  if (static_cast<unsigned char>(bytes[0]) != kVersion) return Malformed("unknown version");
  const size_t account_bytes = static_cast<unsigned char>(bytes[kFixedBytes - 1]);
  if (bytes.size() != kFixedBytes + account_bytes + kMacBytes) return Malformed("wrong length");
  const std::string_view record(bytes.data(), bytes.size() - kMacBytes);
  const auto mac = Mac(record);
  if (CRYPTO_memcmp(mac.data(), bytes.data() + record.size(), kMacBytes) != 0) {
    return Status::InvalidArgument(
        "lease token not issued by this server (forged, edited, or from a serve with another "
        "--lease-secret or before a restart without one)");
  }
  std::string_view in = record.substr(1);
  TokenLease out;
  out.lease.token = Get<uint64_t>(in);
  out.lease.event.id = Get<uint64_t>(in);
  out.lease.event.seq = Get<uint64_t>(in);
  out.lease.event.enqueued_ns = Get<int64_t>(in);
  out.start_ns = Get<int64_t>(in);
  out.lease.event.attempt = Get<uint32_t>(in);
  out.lease.event.replay = Get<uint32_t>(in);
  in.remove_prefix(1);
  out.lease.event.account = std::string(in);
  return out;
}

}  // namespace strandq::http
