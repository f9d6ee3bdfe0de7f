#!/usr/bin/env bash
# Hardware cost of the Verilog backend on open tools (figures for the notes;
# a benchmark, not a test). One Yosys run at a time, niced.
#   Yosys synth_xilinx (UltraScale+, hierarchy kept: per-layer table):
#     qkeras_3layer (6-bit QKeras jet tagger) with Multiplier auto and lut,
#     KERAS_3layer_binary_smaller, KERAS_3layer_ternary_small, TFC_2W2A
#   Yosys synth_ice40 + nextpnr-ice40 + icepack: bnn_model_fc_1layer
# Reference points (arXiv:2103.05579 Table 1, hls4ml + Vivado): 6-bit QKeras
# jet tagger 63,251 LUT / 38 DSP / 4,394 FF at 45 ns (9 cycles at 200 MHz).
#   usage: scripts/rtl_synth_bench.sh [OUT_DIR]   (default /tmp/hlsforge_rtl_synth)
set -euo pipefail
cd "$(dirname "$0")/.."
HF=${HLSFORGE:-build/hlsforge}
OUT=${1:-/tmp/hlsforge_rtl_synth}
SHARED=${HLSFORGE_SHARED:-../shared}
mkdir -p "$OUT"

convert() {  # name model [multiplier]
  local name=$1 model=$2 mult=${3:-auto} cfg="$OUT/$1.yml"
  "$HF" config "$model" -o "$cfg" >/dev/null
  sed -i "s/^Model:/Model:\n  Multiplier: $mult/" "$cfg"
  local t0=$(date +%s.%N)
  "$HF" convert "$model" -c "$cfg" --backend verilog -o "$OUT/$name" --project-name "$name" --force
  echo "$name: RTL generation $(echo "$(date +%s.%N) - $t0" | bc) s"
}

xilinx() {  # name
  nice -n 10 "$HF" synth "$OUT/$1" --target xilinx | tee "$OUT/$1.synth.txt"
}

convert jet_auto "$SHARED/models/keras/qkeras_3layer.json" auto
xilinx jet_auto
convert jet_lut "$SHARED/models/keras/qkeras_3layer.json" lut
xilinx jet_lut
convert jet_binary "$SHARED/models/keras/KERAS_3layer_binary_smaller.json"
xilinx jet_binary
convert jet_ternary "$SHARED/models/keras/KERAS_3layer_ternary_small.json"
xilinx jet_ternary
convert tfc_2w2a "$SHARED/models/qonnx/TFC_2W2A.onnx"
xilinx tfc_2w2a
convert bnn "$SHARED/models/onnx/bnn_model_fc_1layer.onnx"
nice -n 10 "$HF" synth "$OUT/bnn" --target ice40 --device up5k | tee "$OUT/bnn.ice40.txt"

echo
echo "summary (totals: LUT FF DSP CARRY; latency in cycles)"
for n in jet_auto jet_lut jet_binary jet_ternary tfc_2w2a; do
  /usr/bin/python3 - "$OUT/$n/synth_report.json" "$n" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); t = r["totals"]
print(f"{sys.argv[2]:12s} LUT {t.get('LUT',0):7d}  FF {t.get('FF',0):6d}  DSP {t.get('DSP',0):4d}  "
      f"CARRY {t.get('CARRY',0):5d}  latency {r['latency_cycles']:2d}  yosys {r['seconds']:.0f} s")
PY
done
