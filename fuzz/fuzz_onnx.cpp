// libFuzzer harness: ONNX / QONNX model bytes -> LoadOnnx (protobuf parse,
// initializer decoding, constant folding, op conversion, graph validation).
#include <cstddef>
#include <cstdint>

#include "fuzz_common.h"
#include "hlsforge/frontends/onnx_frontend.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = hlsforge::fuzz::WriteInput("model.onnx", data, size);
  auto g = hlsforge::frontends::LoadOnnx(path);
  (void)g.ok();
  return 0;
}
