// Copyright 2026 The strandq Authors.
#include "util/hostname.h"

#include <unistd.h>

#include <climits>

namespace strandq {

std::string HostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace strandq
