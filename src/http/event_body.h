// Copyright 2026 The strandq Authors.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "strandq/event.h"
#include "strandq/result.h"

namespace strandq::http {

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
// other JSON value (number, true/false/null, object, array) is stored as its compact JSON text,
// object keys in their original order. Any other field, or a field given twice, is an error.
//
// Errors name the first problem and the 0-based index of its event: "event 3: ...".
// InvalidArgument (HTTP 400) for malformed JSON, a body that is not an object, an array of
// objects or NDJSON objects, an empty batch, a missing or invalid account, or an unknown field;
// TooLarge (HTTP 413) for a payload over `max_payload_bytes`. Pure: no I/O, thread-safe.
Result<std::vector<NewEvent>> ParseEventBody(std::string_view body, BodyFormat format,
                                             size_t max_payload_bytes);

}  // namespace strandq::http
