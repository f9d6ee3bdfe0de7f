#!/usr/bin/env bash
# The full acceptance run of the Verilog backend (CI runs a small subset,
# RtlAcceptance.SmallBundledModelsCi): every dense model of ../shared (ONNX,
# QONNX, Keras/QKeras incl. binary and ternary; default config and the golden
# hls4ml configs with their legacy-softmax variants) through Verilator, each
# bit-exact with the emulator on 1,000 rows, latency as reported. About 25
# minutes on 2 cores (4 Verilator builds).
#   usage: scripts/rtl_acceptance.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${HLSFORGE_BUILD:-build}
ninja -C "$BUILD" -j2 test_rtl >/dev/null
export HLSFORGE_RTL_ACCEPTANCE=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
time "$BUILD/test_rtl" --gtest_filter='RtlAcceptance.*'
