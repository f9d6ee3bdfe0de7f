// libFuzzer harness "config": see hlsforge::fuzz::Config in fuzz_targets.h.
#include "fuzz_targets.h"

HLSFORGE_FUZZ_TARGET(Config)
