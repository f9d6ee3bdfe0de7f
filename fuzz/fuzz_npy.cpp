// libFuzzer harness "npy": see hlsforge::fuzz::Npy in fuzz_targets.h.
#include "fuzz_targets.h"

HLSFORGE_FUZZ_TARGET(Npy)
