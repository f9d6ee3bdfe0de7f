#!/usr/bin/env bash
# The full property run of the Verilog backend: random MLPs (widths 1..32,
# every quantization/overflow mode, binary/ternary/fixed weights, every
# supported layer) through Verilator, each bit-exact with the emulator.
# CI runs a small subset (tests/rtl/rtl_property_test.cpp); this runs
# MODELS designs (default 240) in batches of 40 per Verilator build.
#   usage: scripts/rtl_property.sh [MODELS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${HLSFORGE_BUILD:-build}
ninja -C "$BUILD" -j2 test_rtl >/dev/null
export HLSFORGE_RTL_PROP_MODELS=${1:-240}
export HLSFORGE_RTL_PROP_SEED=${2:-1000}
export HLSFORGE_RTL_PROP_BATCH=${HLSFORGE_RTL_PROP_BATCH:-40}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
time "$BUILD/test_rtl" --gtest_filter='RtlProperty.*'
