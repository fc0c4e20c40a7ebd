// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "strandq/event.h"
#include "strandq/result.h"

namespace strandq::http {

// Deepest nesting of arrays and objects in one payload; deeper input is refused before it is
// read further (the parser keeps one stack entry per level and never recurses).
inline constexpr size_t kMaxPayloadDepth = 512;

// How the body of POST /v1/events is framed.
enum class BodyFormat {
  kJson,    // one JSON object, or a JSON array of objects
  kNdjson,  // one JSON object per line; blank lines are skipped
};

// Turns the body of POST /v1/events into the batch to enqueue, checking every event as the
// store would, so that a bad batch is refused before anything of it reaches the store.
//
// An event is {"account": STRING, "payload": VALUE}; "payload" may be left out (empty). A JSON
// string payload is stored as its string value (the bytes between the quotes, unescaped); any
// other JSON value (number, true/false/null, object, array) is stored as its JSON text exactly
// as posted, only without the whitespace between its tokens: numbers of any size and length,
// strings with their escapes, keys in their order (a repeated key kept). A payload may nest
// at most kMaxPayloadDepth arrays/objects. Any other field, or a field given twice, is an
// error. Nothing but whitespace may follow the JSON text (a NUL byte is an error).
//
// Errors name the first problem and the 0-based index of its event: "event 3: ...".
// InvalidArgument (HTTP 400) for malformed JSON, a payload nested too deep, a body that is not an
// object, an array of objects or NDJSON objects, an empty batch, a missing or invalid account, or
// an unknown field; TooLarge (HTTP 413) for a payload over `max_payload_bytes`. Pure: no I/O,
// thread-safe.
Result<std::vector<NewEvent>> ParseEventBody(std::string_view body, BodyFormat format,
                                             size_t max_payload_bytes);

}  // namespace strandq::http
