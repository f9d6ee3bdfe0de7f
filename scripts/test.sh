#!/usr/bin/env bash
# Builds hlsforge with AddressSanitizer + UndefinedBehaviorSanitizer and runs
# the whole test suite with ctest. Tests read the full test corpus in
# ../shared (golden vectors, models, data) when it is beside the repository,
# else the subset in tests/data (HLSFORGE_SHARED_DIR=DIR names another corpus
# directory; see tests/test_data.h); a test whose data is in neither skips.
# Then the Python module: a separate build without sanitizers (a Python
# extension needs the library compiled position-independent, and an
# uninstrumented python3 cannot load a sanitized one without preloading the
# runtimes), HLSFORGE_TEST_PY_BUILD (default build-test-py), of only the
# command line and the extension, and its pytest suite (tests/python)
# against them. HLSFORGE_PYTEST_FULL=1 adds the models too slow for CI
# (tests/python/conftest.py: HEAVY_MODELS). Arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
BUILD=${HLSFORGE_TEST_BUILD:-build-test}
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DHLSFORGE_SANITIZE=ON -DHLSFORGE_BUILD_BENCH=OFF >/dev/null
ninja -C "$BUILD" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$BUILD" -j"$(nproc)" --output-on-failure --timeout 900 "$@"

PY_BUILD=${HLSFORGE_TEST_PY_BUILD:-build-test-py}
cmake -S . -B "$PY_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DHLSFORGE_PYTHON=ON \
      -DHLSFORGE_BUILD_TESTS=OFF -DHLSFORGE_BUILD_BENCH=OFF >/dev/null
ninja -C "$PY_BUILD" -j"$(nproc)" hlsforge hlsforge_python
HLSFORGE_BUILD_DIR="$PY_BUILD" PYTHONPATH="$PY_BUILD/python" PYTHONDONTWRITEBYTECODE=1 MPLBACKEND=Agg \
  /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/python
