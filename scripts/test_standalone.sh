#!/usr/bin/env bash
# Checks that the repository's test suite stands on its own, as a user's clone
# without ../shared beside it:
#  1. the files the suite reads at run time from the source tree (tests/data/,
#     examples/, the HLS kernel library and simulation headers, the public
#     headers) are committed as they are in the working tree (nothing
#     untracked, ignored or modified), and a `git clone` of HEAD holds them,
#     with tests/data/PROVENANCE.md;
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

RUNTIME=(tests/data tests/backends/golden_pragmas examples src/backends/hls/kernels src/backends/hls/sim_headers include)
missing=0
dirty=$(git status --porcelain --ignored --untracked-files=all -- "${RUNTIME[@]}")
if [ -n "$dirty" ]; then
  echo "hlsforge: files the tests read differ from HEAD (a clone would not have them):" >&2
  echo "$dirty" >&2
  missing=1
fi
git clone --quiet --no-local --no-checkout . "$tmp/clone"
git -C "$tmp/clone" checkout --quiet HEAD -- "${RUNTIME[@]}"
while IFS= read -r -d '' f; do
  if [ ! -f "$tmp/clone/$f" ]; then
    echo "hlsforge: $f is not committed: a clone would lack it" >&2
    missing=1
  fi
done < <(find "${RUNTIME[@]}" -type f -print0)
[ -f "$tmp/clone/tests/data/PROVENANCE.md" ] || { echo "hlsforge: tests/data/PROVENANCE.md missing from a clone" >&2; missing=1; }
[ "$missing" -eq 0 ] || exit 1
echo "tests/data: $(find "$tmp/clone/tests/data" -type f | wc -l) files in a clone, $(du -sh "$tmp/clone/tests/data" | cut -f1)"

HLSFORGE_SHARED_DIR="$tmp/no-shared" bash scripts/test.sh "$@"
