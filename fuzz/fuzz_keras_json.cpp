// libFuzzer harness: Keras architecture JSON (model.to_json()) -> LoadKeras,
// paired with a fixed Keras 2 weights file of the test data
// (KERAS_3layer_weights.h5), so that layer parsing and building run against
// real weight groups.
#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "hlsforge/frontends/keras_frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string weights = hlsforge::fuzz::SourceFile("tests/data/models/keras/KERAS_3layer_weights.h5");
  const std::string path = hlsforge::fuzz::WriteInput("model.json", data, size);
  auto g = hlsforge::frontends::LoadKeras(path, weights);
  (void)g.ok();
  return 0;
}
