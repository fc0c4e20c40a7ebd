// Copyright 2026 The strandq Authors.
#include "core/batch_fingerprint.h"

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

namespace strandq {
namespace {

using Context = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

void Update(EVP_MD_CTX* ctx, std::string_view bytes) {
  std::array<unsigned char, 8> length;
  for (size_t i = 0; i < length.size(); ++i) {
    length[i] = static_cast<unsigned char>(static_cast<uint64_t>(bytes.size()) >> (8 * i));
  }
  EVP_DigestUpdate(ctx, length.data(), length.size());
  EVP_DigestUpdate(ctx, bytes.data(), bytes.size());
}

}  // namespace

std::string BatchFingerprint(std::span<const NewEvent> batch) {
  Context ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  // SHA-256 is always there in libcrypto; failing here means the process is out of memory.
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) std::abort();
  for (const NewEvent& event : batch) {
    Update(ctx.get(), event.account);
    Update(ctx.get(), event.payload);
  }
  std::array<unsigned char, 32> digest;
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1) std::abort();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (size_t i = 0; i < 16; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace strandq
