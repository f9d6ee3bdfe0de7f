// libFuzzer harness "keras_h5": see hlsforge::fuzz::KerasH5 in fuzz_targets.h.
#include "fuzz_targets.h"

HLSFORGE_FUZZ_TARGET(KerasH5)
