// libFuzzer harness "onnx": see hlsforge::fuzz::Onnx in fuzz_targets.h.
#include "fuzz_targets.h"

HLSFORGE_FUZZ_TARGET(Onnx)
