// libFuzzer harness "precision": see hlsforge::fuzz::Precision in fuzz_targets.h.
#include "fuzz_targets.h"

HLSFORGE_FUZZ_TARGET(Precision)
