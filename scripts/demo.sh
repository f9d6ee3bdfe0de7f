#!/usr/bin/env bash
# hlsforge demo: builds the tool, then on the bundled TFC_2W2A MNIST model
# (examples/models, QONNX, 2-bit weights and activations) prints the model
# summary, the float and the bit-exact top-1 accuracy on the 10,000 MNIST
# test images (pixels/255), and writes the predictions to out/. Then the
# Verilog backend: the RTL of the demo model (out/<model>_rtl), and, on the
# bundled one-layer binary network bnn_model_fc_1layer (small enough to
# simulate, synthesize and place in seconds), a Verilator run compared with
# hlsforge predict and the Yosys + nextpnr-ice40 resource table with a bitstream.
# Usage: bash scripts/demo.sh [MODEL.onnx]      (default: TFC_2W2A)
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=${1:-examples/models/TFC_2W2A.onnx}
BUILD=${BUILD_DIR:-build}

step() { printf '\n== %s\n' "$*"; }

step "dependencies (scripts/deps.sh)"
bash scripts/deps.sh

step "configure + build (Release, $BUILD/)"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C "$BUILD" hlsforge
HLSFORGE="$BUILD/hlsforge"

NAME=$(basename "$MODEL" .onnx)
mkdir -p out
step "hls4ml-style config, per layer (fixed<16,6> default, 'auto' where hls4ml infers): out/$NAME.yml"
"$HLSFORGE" config "$MODEL" --granularity name -o "out/$NAME.yml"
echo "wrote out/$NAME.yml ($(grep -c 'Precision:' "out/$NAME.yml") precision entries)"

step "model summary: $HLSFORGE inspect $MODEL -c out/$NAME.yml"
"$HLSFORGE" inspect "$MODEL" -c "out/$NAME.yml"

step "MNIST top-1 on the 10,000 test images, float and bit-exact"
"$HLSFORGE" eval "$MODEL" -c "out/$NAME.yml" --mnist examples/data/mnist -o out

step "predictions written"
ls -l out/*.npy

step "Verilog RTL of the demo model: out/${NAME}_rtl"
"$HLSFORGE" convert "$MODEL" --backend verilog -o "out/${NAME}_rtl" --force

BNN=examples/models/bnn_model_fc_1layer.onnx
step "Verilog of $BNN: Verilator vs predict, Yosys synth_ice40 + nextpnr-ice40 (iCE40 UP5K)"
"$HLSFORGE" convert "$BNN" --backend verilog -o out/bnn_rtl --force
"$HLSFORGE" rtlsim out/bnn_rtl -i examples/data/bnn_inputs.npy -o out/bnn_rtlsim.npy
"$HLSFORGE" predict "$BNN" -i examples/data/bnn_inputs.npy -o out/bnn_predict.npy
cmp out/bnn_rtlsim.npy out/bnn_predict.npy && echo "Verilator output == hlsforge predict, bit for bit (64 rows)"
"$HLSFORGE" synth out/bnn_rtl --target ice40 --device up5k
