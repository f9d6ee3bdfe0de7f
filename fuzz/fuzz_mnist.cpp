// libFuzzer harness: MNIST IDX bytes (plain or gzip) -> ReadIdxImages and
// ReadIdxLabels, the readers behind `eval --mnist DIR`.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_common.h"
#include "hlsforge/util/mnist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = hlsforge::fuzz::WriteInput("mnist-idx-ubyte", data, size);
  auto images = hlsforge::ReadIdxImages(path);
  if (images.ok() && static_cast<int64_t>(images->data.size()) != images->size()) std::abort();
  auto labels = hlsforge::ReadIdxLabels(path);
  (void)labels.ok();
  return 0;
}
