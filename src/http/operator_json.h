// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "strandq/store.h"

namespace strandq::http {

// The JSON of the accounts and dead-letter API (README "Accounts: see and steer"), shared by
// `strandq serve` and the CLI's --json. Every time is an integer; ages (`age_ms`) are `now_ns`
// (CLOCK_REALTIME) minus the event's time, never negative. Payloads are rendered as the pull API
// renders a lease's (json_text.h: a JSON string, invalid UTF-8 as U+FFFD). Pure functions of
// their inputs, thread-safe.

// How long the oldest pending event has waited at `now_ns`, in ns: 0 when nothing is pending,
// never negative (/v1/stats, /metrics, strandq stats).
int64_t OldestPendingAgeNs(const StoreStats& stats, int64_t now_ns);

// The opaque token of a leased account's lease, as the pull API hands it out, or nullopt when
// the caller renders none.
using LeaseTokenOf = std::function<std::optional<std::string>(const AccountInfo&)>;

// {"account":"a","state":"leased","paused":false,"parked":false,"pending":12,
//  "head":{"id","seq","attempt","replay","age_ms"}|null,"last_error":"","due_in_ms":0,
//  "lease_token":"..."|null,"lease_holder":"..."|null}
std::string AccountJson(const AccountInfo& info, int64_t now_ns, const LeaseTokenOf& token);
// {"accounts":[ACCOUNT...],"sort":"backlog"|"age","state":null|"NAME"}
std::string AccountListJson(const std::vector<AccountInfo>& accounts, const AccountQuery& query,
                            int64_t now_ns, const LeaseTokenOf& token);
// {"account":ACCOUNT,"events":[{"id","seq","attempt","replay","age_ms","payload"}],
//  "offset":N,"limit":N}
std::string AccountDetailJson(const AccountDetail& detail, size_t offset, size_t limit,
                              int64_t now_ns, const LeaseTokenOf& token);
// {"dead":[{"id","account","seq","attempt","replay","error","dead_ns","age_ms","payload"}]},
// age_ms since each died.
std::string DeadListJson(const std::vector<DeadLetter>& dead, int64_t now_ns);

}  // namespace strandq::http
