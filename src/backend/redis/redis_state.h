// Copyright 2026 The strandq Authors.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "strandq/event.h"
#include "strandq/result.h"

namespace strandq {

// The state of one account in the namespace's `{P}:state` hash (docs/redis-protocol.md): the
// one statement of its fields. The Lua steps decode and encode it with code generated from
// this table (RedisStateCodecLua), and C++ reads it with DecodeRedisState. One field holds it
// all so that a call reads and writes it once. Its layout:
//
//   +--------+------------------+
//   | offset | field            |  0..103: thirteen numbers, each a little-endian IEEE double
//   +--------+------------------+  (Lua's struct.pack('<d'); integers, exact below 2^53)
//   |      0 | token            |
//   |      8 | attempts         |
//   |     16 | leased_id        |
//   |     24 | deadline_us      |
//   |     32 | delayed_until_us |
//   |     40 | parked           |
//   |     48 | settled_token    |
//   |     56 | settled_id       |
//   |     64 | length           |
//   |     72 | paused           |
//   |     80 | holder           |
//   |     88 | errored          |
//   |     96 | head_id          |
//   +--------+------------------+
//   |    104 | disposition      |  text, to the end of the field
//   +--------+------------------+
//
// A missing field is the state of an account never seen: every number 0, disposition "-".
struct RedisStateField {
  std::string_view name;     // the Lua table's key (s.token) and the C++ name
  std::string_view meaning;  // for docs and messages
};
inline constexpr std::array<RedisStateField, 13> kRedisStateNumbers = {{
    {"token", "fencing token of the latest grant (grows by 1 per grant, never reset)"},
    {"attempts", "grants of the current head so far"},
    {"leased_id", "the event leased now (0: none)"},
    {"deadline_us", "the lease's deadline, server microseconds"},
    {"delayed_until_us", "the end of the retry delay (0: none)"},
    {"parked", "1 if parked after a dead letter"},
    {"settled_token", "token of the latest settlement"},
    {"settled_id", "event id of the latest settlement"},
    {"length", "events in the strand (saves an LLEN per event)"},
    {"paused", "1 if paused by an operator (Store::SetPaused)"},
    {"holder", "the number of the client granted the latest lease ({P}:clients)"},
    {"errored", "1 if {P}:errors holds the head's latest failure"},
    {"head_id", "the id of the strand's head (0: no events), for the listing indexes"},
}};
inline constexpr RedisStateField kRedisStateText = {
    "disposition", "the latest settlement's disposition: acked, retry, dead or -"};

// An account's state as C++ reads it: the numbers in kRedisStateNumbers order.
struct RedisState {
  std::array<double, kRedisStateNumbers.size()> numbers{};
  std::string disposition = "-";

  // The number named `name` (one of kRedisStateNumbers); 0 for an unknown name.
  double Get(std::string_view name) const;
};

// Decodes a `{P}:state` field; an error if it is shorter than its numbers.
Result<RedisState> DecodeRedisState(std::string_view bytes);

// A strand record (an element of `{P}:s:<account>`): struct.pack('<dddd', id, seq, enqueued
// µs, times replayed) followed by the payload. Fills those fields of `event`; false if `record`
// is not one (too short, or numbers out of range).
bool DecodeRedisRecord(std::string_view record, Event& event);

// The Lua functions decode(v) -> state and encode(state) -> string for this layout, generated
// from the table above (they expect the locals sunpack, pack and sub). In Lua a state is an
// array: its numbers in kRedisStateNumbers order, then the disposition.
std::string RedisStateCodecLua();

// `lua` with every state field written by name (`s.token`, `states[a].length`: a dot after an
// identifier, `]` or `)`, then a name of the table above) turned into its position (`s[1]`).
// The Lua files name the fields; the server runs positions, which cost less than a table keyed
// by names (a hash part per state). Line numbers do not change.
std::string RedisStateFieldsAsIndexes(std::string_view lua);

}  // namespace strandq
