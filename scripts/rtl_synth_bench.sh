#!/usr/bin/env bash
# Hardware cost of the Verilog backend on open tools (figures for docs/RTL.md;
# a benchmark, not a test). One tool run at a time, niced, each bounded by
# TIMEOUT seconds (default 1200; a run that hits it is reported as such).
#   Yosys synth_xilinx (UltraScale+ cells, hierarchy kept: per-layer table):
#     KERAS_3layer_ternary_small, KERAS_3layer_binary_smaller and the 6-bit
#     QKeras jet tagger (qkeras_3layer), each with Multiplier: lut and dsp
#     (the jet tagger also with PipelineStages: 1);
#     TFC_2W2A (Multiplier: auto) when RUN_TFC=1 (large).
#   Yosys synth_ice40 + nextpnr-ice40 + icepack: bnn_model_fc_1layer (up5k;
#     PipelineStages auto and 0) and KERAS_1layer
#     quantized to 4-bit weights (hx8k; PipelineStages auto, 1 and 3).
# Reference points (arXiv:2103.05579 Table 1, hls4ml + Vivado): 6-bit QKeras
# jet tagger 63,251 LUT / 38 DSP / 4,394 FF at 45 ns (9 cycles at 200 MHz).
#   usage: scripts/rtl_synth_bench.sh [OUT_DIR]   (default /tmp/hlsforge_rtl_synth)
#   env:   HLSFORGE (binary, default build/hlsforge), ONLY="name ..." (subset)
set -euo pipefail
cd "$(dirname "$0")/.."
HF=${HLSFORGE:-build/hlsforge}
OUT=${1:-/tmp/hlsforge_rtl_synth}
SHARED=${HLSFORGE_SHARED:-../shared}
TIMEOUT=${TIMEOUT:-1200}
mkdir -p "$OUT"
K="$SHARED/models/keras"

want() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }

convert() {  # name model [key=value | s/sed/expr/]...  (on the default config: Model-level keys, edits)
  local name=$1 model=$2 cfg="$OUT/$1.yml"
  shift 2
  "$HF" config "$model" -o "$cfg" >/dev/null
  for kv in "$@"; do
    if [[ $kv == s/* ]]; then sed -i "$kv" "$cfg"; else sed -i "s/^Model:/Model:\n  ${kv%%=*}: ${kv#*=}/" "$cfg"; fi
  done
  local t0
  t0=$(date +%s.%N)
  "$HF" convert "$model" -c "$cfg" --backend verilog -o "$OUT/$name" --project-name "$name" --force
  echo "$name: RTL generation $(echo "$(date +%s.%N) - $t0" | bc) s"
}

synth() {  # name target [device]
  local name=$1 target=$2 dev=${3:-up5k}
  local args=("$OUT/$name" --target "$target")
  [ "$target" = ice40 ] && args+=(--device "$dev")
  if ! timeout "$TIMEOUT" nice -n 10 "$HF" synth "${args[@]}" >"$OUT/$name.$target.txt" 2>&1; then
    echo "$name ($target): failed or exceeded ${TIMEOUT} s; see $OUT/$name.$target.txt"
    return 0
  fi
  tail -n 30 "$OUT/$name.$target.txt"
}

for m in lut dsp; do
  if want "ternary_$m"; then convert "ternary_$m" "$K/KERAS_3layer_ternary_small.json" Multiplier=$m; synth "ternary_$m" xilinx; fi
  if want "binary_$m"; then convert "binary_$m" "$K/KERAS_3layer_binary_smaller.json" Multiplier=$m; synth "binary_$m" xilinx; fi
  if want "jet_$m"; then convert "jet_$m" "$K/qkeras_3layer.json" Multiplier=$m; synth "jet_$m" xilinx; fi
done
# one register rank per layer (latency 5) instead of the auto placement
if want jet_lut_st1; then convert jet_lut_st1 "$K/qkeras_3layer.json" Multiplier=lut PipelineStages=1; synth jet_lut_st1 xilinx; fi
if [ "${RUN_TFC:-0}" = 1 ] && want tfc; then
  convert tfc "$SHARED/models/qonnx/TFC_2W2A.onnx"; synth tfc xilinx
fi
if want bnn; then convert bnn "$SHARED/models/onnx/bnn_model_fc_1layer.onnx"; synth bnn ice40 up5k; fi
# PipelineStages 0: a combinational design (latency 0) between the serial shell's registers
if want bnn_st0; then convert bnn_st0 "$SHARED/models/onnx/bnn_model_fc_1layer.onnx" PipelineStages=0; synth bnn_st0 ice40 up5k; fi
# KERAS_1layer at 16-bit weights needs ~28k LCs (larger than any iCE40): quantized
# to 4-bit weights, 6-bit biases and an 8-bit default precision it fits an hx8k.
Q=('s/default: fixed<16,6>/default: fixed<8,3>/' 's/weight: auto/weight: fixed<4,1>/' 's/bias: auto/bias: fixed<6,2>/')
for st in auto 1 3; do
  if want "k1q_st$st"; then convert "k1q_st$st" "$K/KERAS_1layer.json" PipelineStages=$st "${Q[@]}"; synth "k1q_st$st" ice40 hx8k; fi
done

echo
echo "summary (xilinx: LUT FF DSP CARRY; ice40: LC FF Fmax; latency in cycles; tool time)"
for r in "$OUT"/*/synth_report.json; do
  /usr/bin/python3 - "$r" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1])); t = r["totals"]; n = os.path.basename(os.path.dirname(sys.argv[1]))
if r["target"] == "xilinx":
    print(f"{n:12s} xilinx LUT {t.get('LUT',0):7d}  FF {t.get('FF',0):6d}  DSP {t.get('DSP',0):4d}  "
          f"CARRY {t.get('CARRY',0):5d}  latency {r['latency_cycles']:2d}  {r['seconds']:.0f} s")
else:
    print(f"{n:12s} ice40  LC {t.get('LC',0):7d}  FF {t.get('FF',0):6d}  Fmax {r.get('fmax_mhz',0):6.1f} MHz  "
          f"latency {r['latency_cycles']:2d}  {r['seconds']:.0f} s")
PY
done
