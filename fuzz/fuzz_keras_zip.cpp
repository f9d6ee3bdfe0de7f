// libFuzzer harness: Keras 3 `.keras` archive bytes (zip of config.json +
// model.weights.h5) -> LoadKeras.
#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "hlsforge/frontends/keras_frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = hlsforge::fuzz::WriteInput("model.keras", data, size);
  auto g = hlsforge::frontends::LoadKeras(path);
  (void)g.ok();
  return 0;
}
