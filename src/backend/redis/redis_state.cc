// Copyright 2026 The strandq Authors.
#include "backend/redis/redis_state.h"

#include <bit>
#include <cstdint>

namespace strandq {
namespace {

constexpr size_t kNumberBytes = 8 * kRedisStateNumbers.size();

double LittleEndianDouble(std::string_view bytes) {
  uint64_t bits = 0;
  for (int i = 7; i >= 0; --i) bits = (bits << 8) | static_cast<unsigned char>(bytes[i]);
  return std::bit_cast<double>(bits);
}

}  // namespace

bool DecodeRedisRecord(std::string_view record, Event& event) {
  constexpr size_t kHeader = 32;
  if (record.size() < kHeader) return false;
  const double id = LittleEndianDouble(record.substr(0, 8));
  const double seq = LittleEndianDouble(record.substr(8, 8));
  const double enqueued_us = LittleEndianDouble(record.substr(16, 8));
  const double replays = LittleEndianDouble(record.substr(24, 8));
  if (!(id >= 1 && seq >= 1 && enqueued_us >= 0 && id < 0x1p53 && seq < 0x1p53 &&
        enqueued_us < 0x1p53 && replays >= 0 && replays <= 0xFFFFFFFFp0)) {
    return false;
  }
  event.id = static_cast<uint64_t>(id);
  event.seq = static_cast<uint64_t>(seq);
  event.enqueued_ns = static_cast<int64_t>(enqueued_us) * 1000;
  event.replay = static_cast<uint32_t>(replays);
  event.payload = std::string(record.substr(kHeader));
  return true;
}

double RedisState::Get(std::string_view name) const {
  for (size_t i = 0; i < kRedisStateNumbers.size(); ++i) {
    if (kRedisStateNumbers[i].name == name) return numbers[i];
  }
  return 0;
}

Result<RedisState> DecodeRedisState(std::string_view bytes) {
  if (bytes.size() < kNumberBytes) {
    return Status::InvalidArgument("an account state of " + std::to_string(bytes.size()) +
                                   " bytes; its numbers alone take " +
                                   std::to_string(kNumberBytes));
  }
  RedisState state;
  for (size_t i = 0; i < state.numbers.size(); ++i) {
    state.numbers[i] = LittleEndianDouble(bytes.substr(8 * i, 8));
  }
  state.disposition = std::string(bytes.substr(kNumberBytes));
  return state;
}

// Generated rather than written in state.lua, so that the field list exists once. The state is
// a Lua array (see RedisStateFieldsAsIndexes), and decode() unpacks into locals rather than a
// table, because it runs for every account a call touches.
std::string RedisStateCodecLua() {
  std::string format = "<", locals, encoded, zero_list;
  for (size_t i = 0; i < kRedisStateNumbers.size(); ++i) {
    format += "d";
    locals += (i == 0 ? "" : ", ") + std::string(kRedisStateNumbers[i].name);
    encoded += ", s[" + std::to_string(i + 1) + "]";
    zero_list += "0, ";
  }
  const std::string text_index = std::to_string(kRedisStateNumbers.size() + 1);
  return "local STATE_FORMAT = '" + format + "'\n" +
         "local function decode(v)\n"
         "  if not v then return {" +
         zero_list + "'-'} end\n" + "  local " + locals + " = sunpack(STATE_FORMAT, v)\n" +
         "  return {" + locals + ", sub(v, " + std::to_string(kNumberBytes + 1) + ")}\n" +
         "end\n"
         "local function encode(s)\n"
         "  return pack(STATE_FORMAT" +
         encoded + ") .. s[" + text_index + "]\n" + "end\n";
}

namespace {

bool IsIdentifierChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// The position (1-based) of the state field `name`; 0 if it is none.
size_t FieldIndex(std::string_view name) {
  for (size_t i = 0; i < kRedisStateNumbers.size(); ++i) {
    if (kRedisStateNumbers[i].name == name) return i + 1;
  }
  return name == kRedisStateText.name ? kRedisStateNumbers.size() + 1 : 0;
}

}  // namespace

std::string RedisStateFieldsAsIndexes(std::string_view lua) {
  std::string out;
  out.reserve(lua.size());
  for (size_t i = 0; i < lua.size(); ++i) {
    if (lua[i] != '.' || i == 0 ||
        !(IsIdentifierChar(lua[i - 1]) || lua[i - 1] == ']' || lua[i - 1] == ')')) {
      out.push_back(lua[i]);
      continue;
    }
    size_t end = i + 1;
    while (end < lua.size() && IsIdentifierChar(lua[end])) ++end;
    const size_t index = FieldIndex(lua.substr(i + 1, end - i - 1));
    if (index == 0) {
      out.push_back(lua[i]);
      continue;
    }
    out += "[" + std::to_string(index) + "]";
    i = end - 1;
  }
  return out;
}

}  // namespace strandq
