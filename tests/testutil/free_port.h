// Copyright 2026 The strandq Authors.
#pragma once

namespace strandq::testing {

// A port the kernel just handed out on 127.0.0.1 (free unless someone takes it right away),
// or 0. For servers that cannot bind port 0 and say which port they got.
int FreeLoopbackPort();

}  // namespace strandq::testing
