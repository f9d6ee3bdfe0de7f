#!/usr/bin/env bash
# Builds hlsforge with AddressSanitizer + UndefinedBehaviorSanitizer and runs
# the whole test suite with ctest. Tests read the full test corpus in
# ../shared (golden vectors, models, data) when it is beside the repository,
# else the subset in tests/data (HLSFORGE_SHARED_DIR=DIR names another corpus
# directory; see tests/test_data.h); a test whose data is in neither skips.
# The Python module is built too and its pytest suite (tests/python) runs as
# the ctest test python.pytest, with the sanitizer runtimes preloaded into
# /usr/bin/python3 (python/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
BUILD=${HLSFORGE_TEST_BUILD:-build-test}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DHLSFORGE_SANITIZE=ON -DHLSFORGE_BUILD_BENCH=OFF -DHLSFORGE_PYTHON=ON >/dev/null
ninja -C "$BUILD" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$BUILD" -j"$(nproc)" --output-on-failure --timeout 900 "$@"
