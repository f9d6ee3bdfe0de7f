// libFuzzer harness: hls4ml YAML config text -> ParseConfig, then
// ApplyConfig to a fixed model (two_layer_keras.onnx of the test data) and
// GenerateConfig of the result.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_common.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "hlsforge/ir/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const hlsforge::ir::Graph model = [] {
    auto g = hlsforge::frontends::LoadOnnx(hlsforge::fuzz::SourceFile("tests/data/models/onnx/two_layer_keras.onnx"));
    if (!g.ok()) std::abort();  // harness setup fault
    return *g;
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto cfg = hlsforge::ir::ParseConfig(text, "fuzz.yml");
  if (!cfg.ok()) return 0;
  hlsforge::ir::Graph g = model;
  if (!hlsforge::ir::ApplyConfig(*cfg, g).ok()) return 0;
  auto out = hlsforge::ir::GenerateConfig(g, "name");
  (void)out.ok();
  return 0;
}
