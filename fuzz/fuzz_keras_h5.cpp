// libFuzzer harness: Keras HDF5 files -> LoadKeras, both ways an HDF5 file
// enters: as the weights of a fixed architecture JSON
// (KERAS_3layer.json of the test data) and as a full-model .h5 (root
// attribute model_config + /model_weights).
#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "hlsforge/frontends/keras_frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string arch = hlsforge::fuzz::SourceFile("tests/data/models/keras/KERAS_3layer.json");
  const std::string path = hlsforge::fuzz::WriteInput("model.h5", data, size);
  auto as_weights = hlsforge::frontends::LoadKeras(arch, path);
  auto as_model = hlsforge::frontends::LoadKeras(path);
  (void)as_weights.ok();
  (void)as_model.ok();
  return 0;
}
