// libFuzzer harness "keras_zip": see hlsforge::fuzz::KerasZip in fuzz_targets.h.
#include "fuzz_targets.h"

HLSFORGE_FUZZ_TARGET(KerasZip)
