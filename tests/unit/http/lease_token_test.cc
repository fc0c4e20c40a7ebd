// Copyright 2026 The strandq Authors.
#include "http/lease_token.h"

#include <gtest/gtest.h>

#include <string>

namespace strandq::http {
namespace {

constexpr std::string_view kSecret = "0123456789abcdef-shared-secret";

Lease SampleLease(std::string account = "acct-42") {
  Lease lease;
  lease.event.id = 1234567890123ull;
  lease.event.account = std::move(account);
  lease.event.seq = 77;
  lease.event.payload = "never in the token";
  lease.event.enqueued_ns = 1'700'000'000'123'456'789;
  lease.event.attempt = 3;
  lease.event.replay = 2;
  lease.token = (uint64_t{9} << 32) | 5;
  lease.deadline_ns = 42;
  return lease;
}

LeaseTokenCodec Codec(std::string_view secret = kSecret) {
  auto codec = LeaseTokenCodec::FromSecret(secret);
  EXPECT_TRUE(codec.ok()) << codec.status().ToString();
  return std::move(*codec);
}

bool Refused(const Result<TokenLease>& r, std::string_view why) {
  return !r.ok() && r.status().code() == Status::Code::kInvalidArgument &&
         r.status().message().find(why) != std::string::npos;
}

TEST(LeaseTokenTest, RoundTripsEverythingButThePayloadAndDeadline) {
  const LeaseTokenCodec codec = Codec();
  const std::string token = codec.Encode(SampleLease(), -5);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos)
      << token;
  EXPECT_EQ(token.find("acct"), std::string::npos);  // not readable as is
  auto decoded = codec.Decode(token);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  const Lease& l = decoded->lease;
  const Lease want = SampleLease();
  EXPECT_EQ(l.event.id, want.event.id);
  EXPECT_EQ(l.event.account, want.event.account);
  EXPECT_EQ(l.event.seq, want.event.seq);
  EXPECT_EQ(l.event.enqueued_ns, want.event.enqueued_ns);
  EXPECT_EQ(l.event.attempt, want.event.attempt);
  EXPECT_EQ(l.event.replay, want.event.replay);
  EXPECT_EQ(l.token, want.token);
  EXPECT_EQ(l.event.payload, "");
  EXPECT_EQ(l.deadline_ns, 0);
  EXPECT_EQ(decoded->start_ns, -5);
  // Same secret, another codec (another serve, or after a restart): accepted.
  EXPECT_TRUE(Codec().Decode(token).ok());
  // The longest account.
  const std::string longest(kMaxAccountBytes, 'z');
  auto long_one = codec.Decode(codec.Encode(SampleLease(longest), 1));
  ASSERT_TRUE(long_one.ok()) << long_one.status().ToString();
  EXPECT_EQ(long_one->lease.event.account, longest);
}

TEST(LeaseTokenTest, ForeignKeysAreRefused) {
  const std::string token = Codec().Encode(SampleLease(), 1);
  EXPECT_TRUE(Refused(Codec("another-secret-of-16-bytes").Decode(token), "not issued by this"));
  auto random1 = LeaseTokenCodec::FromSecret("");
  auto random2 = LeaseTokenCodec::FromSecret("");
  ASSERT_TRUE(random1.ok() && random2.ok());
  const std::string mine = random1->Encode(SampleLease(), 1);
  EXPECT_TRUE(random1->Decode(mine).ok());
  EXPECT_TRUE(Refused(random2->Decode(mine), "not issued by this"));
  EXPECT_TRUE(Refused(random1->Decode(token), "not issued by this"));
}

TEST(LeaseTokenTest, EveryEditedByteIsRefused) {
  const LeaseTokenCodec codec = Codec();
  const std::string token = codec.Encode(SampleLease(), 1);
  // Changing any character gives another byte string (or an invalid encoding): never a lease.
  for (size_t i = 0; i < token.size(); ++i) {
    for (char c : {'A', 'f', '0', '-', '_'}) {
      if (token[i] == c) continue;
      std::string forged = token;
      forged[i] = c;
      EXPECT_FALSE(codec.Decode(forged).ok()) << "position " << i << " -> " << c;
    }
  }
}

TEST(LeaseTokenTest, AnotherAccountCannotBeForgedFromAToken) {
  // A client who knows the layout re-encodes its token with another account: the MAC fails.
  const LeaseTokenCodec codec = Codec();
  const std::string a = codec.Encode(SampleLease("victim"), 1);
  const std::string b = codec.Encode(SampleLease("attack"), 1);
  // Same length accounts: splice the account part of one with the MAC of the other.
  const size_t mac_chars = 22;  // 16 bytes
  std::string spliced = b.substr(0, b.size() - mac_chars) + a.substr(a.size() - mac_chars);
  EXPECT_TRUE(Refused(codec.Decode(spliced), "not issued by this"));
}

TEST(LeaseTokenTest, TruncatedGarbageAndHugeInputAreMalformed) {
  const LeaseTokenCodec codec = Codec();
  const std::string token = codec.Encode(SampleLease(), 1);
  EXPECT_TRUE(Refused(codec.Decode(""), "malformed"));
  EXPECT_TRUE(Refused(codec.Decode("x"), "malformed"));
  EXPECT_TRUE(Refused(codec.Decode("not a token!"), "not base64url"));
  EXPECT_TRUE(Refused(codec.Decode(token + "="), "not base64url"));
  EXPECT_TRUE(Refused(codec.Decode(std::string("AQ\0AA", 5)), "not base64url"));
  EXPECT_TRUE(Refused(codec.Decode(std::string(1 << 20, 'A')), "too long"));
  EXPECT_TRUE(Refused(codec.Decode("AAAA"), "too short"));
  for (size_t cut = 1; cut < token.size(); cut += 7) {
    EXPECT_FALSE(codec.Decode(token.substr(0, token.size() - cut)).ok()) << cut;
    EXPECT_FALSE(codec.Decode(token + token.substr(0, cut)).ok()) << cut;
  }
  // A record of the right shape but another version.
  std::string v2 = token;
  v2[0] = 'B';
  EXPECT_TRUE(Refused(codec.Decode(v2), "unknown version"));
}

TEST(LeaseTokenTest, ShortSecretsAreRefusedNamingTheFlag) {
  auto codec = LeaseTokenCodec::FromSecret("short");
  ASSERT_FALSE(codec.ok());
  EXPECT_NE(codec.status().message().find("--lease-secret"), std::string::npos);
  EXPECT_NE(codec.status().message().find("16"), std::string::npos);
}

}  // namespace
}  // namespace strandq::http
