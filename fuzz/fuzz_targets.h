// The entry point of every fuzz target, shared by the libFuzzer harnesses
// (fuzz_<target>.cpp) and by the regression test that replays
// tests/data/fuzz_regressions/<target>/* through the same calls. Each
// function feeds one input to the reader the CLI uses for that format and
// returns false only when a checked property fails (the harness then
// aborts); errors reported as a Status are the expected outcome for bad
// input. Crashes, sanitizer reports, leaks, timeouts and out-of-memory are
// what fuzzing looks for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_common.h"
#include "hlsforge/fixed/fixed_type.h"
#include "hlsforge/frontends/keras_frontend.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/util/mnist.h"
#include "hlsforge/util/ndarray.h"

namespace hlsforge::fuzz {

/// ONNX / QONNX model bytes -> LoadOnnx (protobuf parse, initializer
/// decoding, constant folding, op conversion, graph validation).
inline bool Onnx(const uint8_t* data, size_t size) {
  (void)frontends::LoadOnnx(WriteInput("model.onnx", data, size)).ok();
  return true;
}

/// Keras architecture JSON -> LoadKeras, paired with a fixed Keras 2 weights
/// file of the test data so that layer parsing and building meet real
/// weight groups.
inline bool KerasJson(const uint8_t* data, size_t size) {
  static const std::string weights = SourceFile("tests/data/models/keras/KERAS_3layer_weights.h5");
  (void)frontends::LoadKeras(WriteInput("model.json", data, size), weights).ok();
  return true;
}

/// HDF5 bytes -> LoadKeras both ways an HDF5 file enters: as the weights of
/// a fixed architecture (KERAS_3layer.json of the test data) and as a
/// full-model .h5 (root attribute model_config + /model_weights).
inline bool KerasH5(const uint8_t* data, size_t size) {
  static const std::string arch = SourceFile("tests/data/models/keras/KERAS_3layer.json");
  const std::string path = WriteInput("model.h5", data, size);
  (void)frontends::LoadKeras(arch, path).ok();
  (void)frontends::LoadKeras(path).ok();
  return true;
}

/// Keras 3 `.keras` archive bytes (zip of config.json + model.weights.h5).
inline bool KerasZip(const uint8_t* data, size_t size) {
  (void)frontends::LoadKeras(WriteInput("model.keras", data, size)).ok();
  return true;
}

/// hls4ml YAML text -> ParseConfig, ApplyConfig to a fixed model
/// (two_layer_keras.onnx of the test data), GenerateConfig of the result.
inline bool Config(const uint8_t* data, size_t size) {
  static const ir::Graph* model = [] {
    auto g = frontends::LoadOnnx(SourceFile("tests/data/models/onnx/two_layer_keras.onnx"));
    if (!g.ok()) std::abort();  // harness setup fault
    return new ir::Graph(std::move(*g));
  }();
  auto cfg = ir::ParseConfig(std::string(reinterpret_cast<const char*>(data), size), "fuzz.yml");
  if (!cfg.ok()) return true;
  ir::Graph g = *model;
  if (!ir::ApplyConfig(*cfg, g).ok()) return true;
  (void)ir::GenerateConfig(g, "name").ok();
  return true;
}

/// `.npy` bytes -> ParseNpy. Property: a parsed array holds product(shape) values.
inline bool Npy(const uint8_t* data, size_t size) {
  auto a = ParseNpy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
  return !a.ok() || static_cast<int64_t>(a->data.size()) == a->size();
}

/// `.npz` bytes -> ListNpz, then ReadNpz of (up to 16) listed arrays.
inline bool Npz(const uint8_t* data, size_t size) {
  const std::string path = WriteInput("arrays.npz", data, size);
  auto names = ListNpz(path);
  if (!names.ok()) return true;
  size_t n = 0;
  for (const std::string& key : *names) {
    if (++n > 16) break;
    auto a = ReadNpz(path, key);
    if (a.ok() && static_cast<int64_t>(a->data.size()) != a->size()) return false;
  }
  return true;
}

/// MNIST IDX bytes (plain or gzip) -> ReadIdxImages and ReadIdxLabels.
inline bool Mnist(const uint8_t* data, size_t size) {
  const std::string path = WriteInput("mnist-idx-ubyte", data, size);
  auto images = ReadIdxImages(path);
  if (images.ok() && static_cast<int64_t>(images->data.size()) != images->size()) return false;
  (void)ReadIdxLabels(path).ok();
  return true;
}

namespace detail {
inline bool SameType(const FixedType& a, const FixedType& b) {
  return a.width() == b.width() && a.integer() == b.integer() && a.is_signed() == b.is_signed() &&
         a.quant() == b.quant() && a.overflow() == b.overflow() && a.family() == b.family();
}
inline bool CheckPrecision(std::string_view text, Family family) {
  auto t = FixedType::Parse(text, family);
  if (!t.ok()) return true;
  if (t->width() < 1 || t->width() > 64) return false;
  auto again = FixedType::Parse(t->ToString(), t->family());
  if (!again.ok() || !SameType(*t, *again)) return false;
  auto cfg = FixedType::Parse(t->ToConfigString(), t->family());
  return cfg.ok() && cfg->width() == t->width() && cfg->integer() == t->integer() &&
         cfg->is_signed() == t->is_signed();
}
}  // namespace detail

/// Precision strings -> FixedType::Parse in both config families. Property:
/// a parsed type's own spellings (ToString, ToConfigString) parse back to it.
inline bool Precision(const uint8_t* data, size_t size) {
  if (size > 4096) return true;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  return detail::CheckPrecision(text, Family::AP) && detail::CheckPrecision(text, Family::AC);
}

struct Target {
  const char* name;  ///< as scripts/fuzz.sh and tests/data/fuzz_regressions/<name> spell it
  bool (*run)(const uint8_t*, size_t);
};
inline constexpr Target kTargets[] = {
    {"onnx", Onnx},         {"keras_json", KerasJson}, {"keras_h5", KerasH5},
    {"keras_zip", KerasZip}, {"config", Config},       {"npy", Npy},
    {"npz", Npz},           {"mnist", Mnist},         {"precision", Precision},
};

}  // namespace hlsforge::fuzz

/// Defines the libFuzzer entry point of a harness for `fn`.
#define HLSFORGE_FUZZ_TARGET(fn)                                            \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    if (!hlsforge::fuzz::fn(data, size)) std::abort();                      \
    return 0;                                                               \
  }
