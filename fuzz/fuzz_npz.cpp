// libFuzzer harness: `.npz` archive bytes -> ListNpz, then ReadNpz of every
// listed array (zip directory, stored and deflated members, member .npy).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_common.h"
#include "hlsforge/util/ndarray.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = hlsforge::fuzz::WriteInput("arrays.npz", data, size);
  auto names = hlsforge::ListNpz(path);
  if (!names.ok()) return 0;
  size_t n = 0;
  for (const std::string& key : *names) {
    if (++n > 16) break;
    auto a = hlsforge::ReadNpz(path, key);
    if (a.ok() && static_cast<int64_t>(a->data.size()) != a->size()) std::abort();
  }
  return 0;
}
