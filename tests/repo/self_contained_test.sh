#!/usr/bin/env bash
# The repository stands alone: no file refers to a path outside it (a sibling shared/ folder
# or a developer machine's absolute checkout path). Fails and lists every offending line.
# Usage: self_contained_test.sh SOURCE_DIR
# Searches the tracked files of a git checkout, else every file under SOURCE_DIR except build
# trees. The patterns are written so that this script does not match itself.
set -euo pipefail
root=${1:?usage: self_contained_test.sh SOURCE_DIR}
pattern='\.\./shared|/wor[k]/'

if git -C "$root" rev-parse --is-inside-work-tree > /dev/null 2>&1; then
  hits=$(git -C "$root" grep -n -I -E "$pattern" -- . || true)
else
  hits=$(grep -rnI -E "$pattern" --exclude-dir=.git --exclude-dir='build*' "$root" || true)
fi

if [ -n "$hits" ]; then
  echo "files refer to paths outside the repository (move what they need into it):" >&2
  echo "$hits" >&2
  exit 1
fi
echo "no file refers to a path outside the repository"
