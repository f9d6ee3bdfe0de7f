// How much the tensors compared against the reference hls4ml C simulation
// (../shared/golden/hls4ml) vary: the minimum number of distinct values each
// golden test asserts on what it compares, so that a comparison never rests
// on a constant. Thresholds sit below what the reference data takes (counted
// on output_hls4ml_*.npy, 1,000 rows, and trace_normal_first100.npz, 100 rows).
#pragma once

#include <map>
#include <string>

#include "../support/varying.h"
#include "hlsforge/util/ndarray.h"

namespace hlsforge::golden {

struct GoldenDistinct {
  /// Model output over 1,000 rows; 1 = hls4ml's stable softmax returns the
  /// constant 1/N under this config (the exp table is indexed by the top bits
  /// of the default `auto` inp_norm_t): the test asserts that constant, and
  /// the pre-softmax layers (trace) and the legacy_softmax variant carry
  /// the comparison.
  int64_t output;
  /// Every traced layer over 100 rows (the softmax of a constant-output model
  /// excepted: asserted constant), unless listed in `layer`.
  int64_t layers;
  std::map<std::string, int64_t> layer;
};

inline const GoldenDistinct& Distinct(const std::string& model) {
  static const std::map<std::string, GoldenDistinct> table = {
      {"two_layer_keras", {150, 50, {}}},
      {"three_layer_keras", {1, 200, {}}},
      {"three_layer_keras/legacy_softmax", {150, 100, {}}},
      {"three_layer_pytorch", {1, 200, {}}},
      {"three_layer_pytorch/legacy_softmax", {30, 100, {}}},
      // At fixed<16,6> this 100-wide model saturates from its third Dense on:
      // Dense_MatMul_2..4 take one value per row, the last Dense 5 values in
      // all, the legacy softmax 2. Its first layers (thousands of values)
      // carry the comparison.
      {"dense_big_keras", {1, 30, {{"Dense_MatMul_2", 100}, {"Dense_MatMul_3", 100}, {"Dense_MatMul_4", 100},
                                   {"Dense_MatMul_5", 5}}}},
      {"dense_big_keras/legacy_softmax", {2, 30, {{"Dense_MatMul_5", 5}}}},
      {"qkeras_jettagging", {150, 50, {}}},
      {"TFC_2W2A", {60, 50, {}}},
      {"bnn_model_fc_1layer", {2, 2, {}}},  // the XNOR encoding {0, 1} of a sign output
      {"conv1d_small_keras", {1, 100, {}}},
      {"conv2d_small_keras", {1, 100, {}}},
      {"conv1d_small_keras/legacy_softmax", {120, 100, {}}},
      {"conv2d_small_keras/legacy_softmax", {120, 100, {}}},
  };
  auto it = table.find(model);
  if (it == table.end()) throw Error("golden_distinct.h: no thresholds for " + model);
  return it->second;
}

/// Asserts the model output's variation (or the known constant).
inline void ExpectOutputVaries(const std::string& model, const NDArray& out, const std::string& what) {
  const int64_t want = Distinct(model).output;
  if (want == 1) testing::ExpectConstant(out, what + " (hls4ml's stable-softmax constant 1/N)");
  else testing::ExpectVarying(out, want, what);
}

/// Asserts a traced layer's variation; `softmax`: the layer is the softmax.
inline void ExpectLayerVaries(const std::string& model, const std::string& layer, bool softmax, const NDArray& a,
                              const std::string& what) {
  const GoldenDistinct& d = Distinct(model);
  if (softmax && d.output == 1) return testing::ExpectConstant(a, what + " (hls4ml's stable-softmax constant 1/N)");
  auto it = d.layer.find(layer);
  testing::ExpectVarying(a, it == d.layer.end() ? d.layers : it->second, what);
}

}  // namespace hlsforge::golden
