#!/usr/bin/env bash
# Installs every build and test dependency of hlsforge from Debian's packages.
# Idempotent: skips apt-get when every package is already installed.
set -euo pipefail
PKGS=(build-essential cmake ninja-build pkg-config
      libonnx-dev libprotobuf-dev protobuf-compiler
      libhdf5-dev nlohmann-json3-dev libyaml-cpp-dev libcli11-dev libfmt-dev
      libgtest-dev libgmock-dev libbenchmark-dev libtbb-dev libzip-dev zlib1g-dev
      python3 python3-numpy python3-dev
      pybind11-dev python3-pytest python3-matplotlib   # Python module (python/) and its tests
      python3-pip python3-setuptools python3-wheel     # pip install --no-build-isolation .
      verilator yosys nextpnr-ice40 fpga-icestorm   # Verilog backend: rtlsim, synth
      clang libclang-rt-14-dev)  # clang: the libFuzzer harnesses (scripts/fuzz.sh)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "hlsforge: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
