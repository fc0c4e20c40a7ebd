// Copyright 2026 The strandq Authors.
// The carrier of the tests' precompiled header (cmake/StrandqHelpers.cmake): it compiles
// nothing of its own.
