// Copyright 2026 The strandq Authors.
#include "strandq/event.h"

#include <gtest/gtest.h>

#include <string>

#include "strandq/options.h"

namespace strandq {
namespace {

TEST(ValidateAccountTest, AcceptsEveryAllowedCharacter) {
  EXPECT_TRUE(ValidateAccount("a").ok());
  EXPECT_TRUE(ValidateAccount("abcxyzABCXYZ0189_.:@-").ok());
  EXPECT_TRUE(ValidateAccount("tenant:42@eu-west.1").ok());
  EXPECT_TRUE(ValidateAccount(std::string(kMaxAccountBytes, 'z')).ok());
}

TEST(ValidateAccountTest, RejectsEmpty) {
  Status s = ValidateAccount("");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.message(), "account is empty");
}

TEST(ValidateAccountTest, RejectsTooLongAndTruncatesTheName) {
  const std::string name(kMaxAccountBytes + 1, 'q');
  Status s = ValidateAccount(name);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("129 bytes"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("'" + std::string(40, 'q') + "'..."), std::string::npos)
      << s.message();
  EXPECT_LT(s.message().size(), 120u) << s.message();
}

TEST(ValidateAccountTest, NamesTheBadByteAndItsOffset) {
  Status s = ValidateAccount("ab c");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("'ab c'"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("' ' at offset 2"), std::string::npos) << s.message();

  for (std::string bad : {"a/b", "a b", "a\tb", "ä", "a,b", "a\"b", "a'b", "a\\b"}) {
    EXPECT_EQ(ValidateAccount(bad).code(), Status::Code::kInvalidArgument) << bad;
  }
}

TEST(ValidateAccountTest, EscapesUnprintableBytesInTheMessage) {
  Status s = ValidateAccount(std::string("a\nb\x01", 4));
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("'a\\x0ab\\x01'"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
}

TEST(OptionsTest, PolicyNamesRoundTrip) {
  for (Policy p : {Policy::kLongest, Policy::kOldest}) {
    EXPECT_EQ(ParsePolicy(PolicyName(p)), p);
  }
  EXPECT_EQ(PolicyName(Policy::kLongest), "longest");
  EXPECT_EQ(PolicyName(Policy::kOldest), "oldest");
  EXPECT_FALSE(ParsePolicy("Longest").has_value());
  EXPECT_FALSE(ParsePolicy("").has_value());
}

TEST(OptionsTest, OnDeadNamesRoundTrip) {
  for (OnDead d : {OnDead::kSkip, OnDead::kPark}) {
    EXPECT_EQ(ParseOnDead(OnDeadName(d)), d);
  }
  EXPECT_EQ(OnDeadName(OnDead::kSkip), "skip");
  EXPECT_EQ(OnDeadName(OnDead::kPark), "park");
  EXPECT_FALSE(ParseOnDead("drop").has_value());
}

TEST(OptionsTest, DefaultsAreValid) { EXPECT_TRUE(ValidateEngineOptions(EngineOptions()).ok()); }

TEST(OptionsTest, RejectsEachBadFieldByName) {
  using std::chrono::milliseconds;
  struct Case {
    const char* field;
    void (*mutate)(EngineOptions&);
  };
  const Case cases[] = {
      {"lease_ttl", [](EngineOptions& o) { o.lease_ttl = milliseconds(0); }},
      {"lease_ttl", [](EngineOptions& o) { o.lease_ttl = milliseconds(-5); }},
      {"lease_ttl", [](EngineOptions& o) { o.lease_ttl = std::chrono::microseconds(999); }},
      {"max_attempts", [](EngineOptions& o) { o.max_attempts = 0; }},
      {"retry_backoff", [](EngineOptions& o) { o.retry_backoff = milliseconds(-1); }},
      {"retry_backoff_max", [](EngineOptions& o) { o.retry_backoff_max = milliseconds(99); }},
      {"max_payload_bytes", [](EngineOptions& o) { o.max_payload_bytes = 0; }},
      {"idempotency_window", [](EngineOptions& o) { o.idempotency_window = milliseconds(0); }},
      {"idempotency_window",
       [](EngineOptions& o) { o.idempotency_window = std::chrono::microseconds(999); }},
      {"idempotency_window",
       [](EngineOptions& o) { o.idempotency_window = std::chrono::hours(24 * 366); }},
  };
  for (const Case& c : cases) {
    EngineOptions options;
    c.mutate(options);
    Status s = ValidateEngineOptions(options);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << c.field;
    EXPECT_EQ(s.message().rfind(c.field, 0), 0u) << s.message();
  }
  EngineOptions zero_backoff;
  zero_backoff.retry_backoff = milliseconds(0);
  zero_backoff.retry_backoff_max = milliseconds(0);
  EXPECT_TRUE(ValidateEngineOptions(zero_backoff).ok());
}

}  // namespace
}  // namespace strandq
