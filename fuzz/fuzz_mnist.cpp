// libFuzzer harness "mnist": see hlsforge::fuzz::Mnist in fuzz_targets.h.
#include "fuzz_targets.h"

HLSFORGE_FUZZ_TARGET(Mnist)
