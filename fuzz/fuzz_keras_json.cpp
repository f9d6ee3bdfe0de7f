// libFuzzer harness "keras_json": see hlsforge::fuzz::KerasJson in fuzz_targets.h.
#include "fuzz_targets.h"

HLSFORGE_FUZZ_TARGET(KerasJson)
