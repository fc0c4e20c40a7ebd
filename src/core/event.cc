// Copyright 2026 The strandq Authors.
#include "strandq/event.h"

#include <string>

namespace strandq {
namespace {

// How much of a bad account name an error message quotes.
constexpr size_t kQuoteBytes = 40;

bool IsAccountChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == ':' || c == '@' || c == '-';
}

// The account as an error message shows it: printable ASCII as is, other bytes as \xNN,
// cut after kQuoteBytes bytes.
std::string Quote(std::string_view account) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < account.size() && i < kQuoteBytes; ++i) {
    const auto c = static_cast<unsigned char>(account[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  out += account.size() > kQuoteBytes ? "'..." : "'";
  return out;
}

}  // namespace

Status ValidateAccount(std::string_view account) {
  if (account.empty()) return Status::InvalidArgument("account is empty");
  if (account.size() > kMaxAccountBytes) {
    return Status::InvalidArgument("account " + Quote(account) + " is " +
                                   std::to_string(account.size()) + " bytes long, more than " +
                                   std::to_string(kMaxAccountBytes));
  }
  for (size_t i = 0; i < account.size(); ++i) {
    if (!IsAccountChar(static_cast<unsigned char>(account[i]))) {
      return Status::InvalidArgument("account " + Quote(account) + " has a bad byte " +
                                     Quote(account.substr(i, 1)) + " at offset " +
                                     std::to_string(i) + " (allowed: A-Z a-z 0-9 _ . : @ -)");
    }
  }
  return Status();
}

Status ValidateNewEvent(std::string_view account, std::string_view payload,
                        size_t max_payload_bytes) {
  if (Status s = ValidateAccount(account); !s.ok()) return s;
  if (payload.size() > max_payload_bytes) {
    return Status::TooLarge("payload of " + std::to_string(payload.size()) +
                            " bytes exceeds the limit of " + std::to_string(max_payload_bytes) +
                            " bytes");
  }
  return Status();
}

Status ValidateNewEvents(std::span<const NewEvent> batch, size_t max_payload_bytes) {
  for (size_t i = 0; i < batch.size(); ++i) {
    Status s = ValidateNewEvent(batch[i].account, batch[i].payload, max_payload_bytes);
    if (!s.ok()) return s.Prefixed("event " + std::to_string(i));
  }
  return Status();
}

}  // namespace strandq
