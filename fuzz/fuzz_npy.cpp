// libFuzzer harness: `.npy` bytes -> ParseNpy (magic, header dictionary,
// dtype, shape, data size), the reader behind `predict -i X.npy`.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "hlsforge/util/ndarray.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  auto a = hlsforge::ParseNpy(bytes, "fuzz.npy");
  if (a.ok() && static_cast<int64_t>(a->data.size()) != a->size()) std::abort();  // contract: size == product(shape)
  return 0;
}
