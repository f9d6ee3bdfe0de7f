#!/usr/bin/env bash
# Checks that the repository's test suite stands on its own, as a user's clone
# without ../shared beside it:
#  1. a `git clone` of this repository's HEAD holds every file of tests/data/
#     that the working tree has (nothing the tests need is untracked or
#     ignored), and its PROVENANCE.md;
#  2. the README's test command (scripts/test.sh) passes with the full corpus
#     hidden (HLSFORGE_SHARED_DIR set to a directory that does not exist):
#     tests then read tests/data/ and skip, with a one-line reason, what only
#     the full corpus holds. The build of scripts/test.sh is reused, so after
#     it this costs one more ctest run and no compilation.
# Usage: bash scripts/test_standalone.sh [ctest arguments...]
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

git clone --quiet --no-local --no-checkout . "$tmp/clone"
git -C "$tmp/clone" checkout --quiet HEAD -- tests/data
missing=0
while IFS= read -r -d '' f; do
  if [ ! -f "$tmp/clone/$f" ]; then
    echo "hlsforge: $f is not committed: a clone would lack it" >&2
    missing=1
  fi
done < <(find tests/data -type f -print0)
[ -f "$tmp/clone/tests/data/PROVENANCE.md" ] || { echo "hlsforge: tests/data/PROVENANCE.md missing from a clone" >&2; missing=1; }
[ "$missing" -eq 0 ] || exit 1
echo "tests/data: $(find "$tmp/clone/tests/data" -type f | wc -l) files in a clone, $(du -sh "$tmp/clone/tests/data" | cut -f1)"

HLSFORGE_SHARED_DIR="$tmp/no-shared" bash scripts/test.sh "$@"
