// Keras 2 / Keras 3 / QKeras frontend: reads a Keras model into an ir::Graph
// without Python (HDF5 C API, nlohmann-json, libzip).
//
// Accepted inputs (`path`):
//  * architecture JSON (model.to_json()) + a weights HDF5 (`weights_path`;
//    when empty, "<stem>_weights.h5" next to the JSON). Keras 2 weight files
//    keep each layer's arrays under /<layer>/<weight name> listed by the
//    layer group's `weight_names` attribute; Keras 3 `.weights.h5` files keep
//    them under /layers/<snake_case class>[_N]/vars/<i>;
//  * a full-model Keras 2 `.h5` (architecture in the root attribute
//    `model_config`, weights under /model_weights);
//  * a Keras 3 `.keras` zip (`config.json` + `model.weights.h5`).
//
// Layers: InputLayer, Dense (a fused `activation` becomes a separate
// Activation/Softmax/Quantize layer named "<name>_<activation>", as hls4ml
// does), Activation, ReLU (max_value), LeakyReLU, Softmax,
// BatchNormalization (-> ScaleShift: scale = gamma/sqrt(var+eps),
// bias = beta - mean*scale, as tf.nn.batch_normalization), Dropout
// (removed), Flatten, Reshape; BinaryDense / TernaryDense (keras-training /
// BinaryTernary-MNIST-training: kernel = H*binary_tanh(W/H), resp. W/H > 0.5
// -> +H, <= -0.5 -> -H, else 0), activations binary_tanh / ternary_tanh;
// QKeras QDense, QActivation, QBatchNormalization with quantizers
// quantized_bits, quantized_relu, binary, ternary, quantized_po2,
// quantized_relu_po2 (google/qkeras qkeras/quantizers.py).
// Sequential and Functional models (single-input layers).
//
// Weights are stored in Param::values already quantized (binarized,
// ternarized, QKeras-quantized) in double, so the float emulation reproduces
// the Keras forward pass. A quantizer with an exact fixed-point equivalent
// sets Param::type (type_from_quantizer = true); a QActivation becomes a
// Quantize layer whose QuantParams hold the float semantics and whose result
// precision (LayerConfig "result" and the output tensor's type) is the exact
// FixedType (AP_RND_CONV: QKeras rounds half to even; AP_SAT, AP_SAT_SYM when
// symmetric). Other precisions are left unset (config / infer_precision).
// Layer names are the Keras layer names.
#pragma once

#include <string>

#include "hlsforge/ir/graph.h"
#include "hlsforge/util/status.h"

namespace hlsforge::frontends {

/// Loads a Keras model (see the file comment for the accepted formats).
/// Errors (Status, never thrown): missing / unreadable / truncated file
/// (names the file), a `.keras` zip without config.json or
/// model.weights.h5, malformed JSON, unsupported layer class (names layer
/// and class), unsupported quantizer or option (names layer and field),
/// missing weights group or dataset (names file, layer and dataset), weight
/// shape mismatch (names layer, expected and found shapes), a file on which
/// libhdf5 itself faults (the load runs first in a child process, see
/// hlsforge/util/isolated_probe.h; HLSFORGE_ISOLATE=0 turns that off).
/// Thread-safe: loads are serialized (libhdf5 is not re-entrant).
StatusOr<ir::Graph> LoadKeras(const std::string& path, const std::string& weights_path = "");

}  // namespace hlsforge::frontends
