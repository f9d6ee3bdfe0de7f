// libFuzzer harness "npz": see hlsforge::fuzz::Npz in fuzz_targets.h.
#include "fuzz_targets.h"

HLSFORGE_FUZZ_TARGET(Npz)
