// The Keras graph builder: a parsed Keras model (KModel) -> ir::Graph, one
// handler per Keras layer class registered in LayerTable
// (keras_layer_table.cpp). Not part of the public API.
//
// Semantics sources: keras-team/keras (Dense.call, BatchNormalization via
// tf.nn.batch_normalization, activations), fastmachinelearning/keras-training
// layers/quantized_ops.py + quantized_layers.py (binary_tanh, BinaryDense,
// TernaryDense, ternary_tanh), google/qkeras qlayers.py / qnormalization.py /
// quantizers.py. The golden meta.json files under ../shared/golden/keras
// record the commits.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hlsforge/ir/graph.h"
#include "keras_internal.h"

namespace hlsforge::frontends::keras {

using nlohmann::json;

// ---- JSON helpers (errors name `where` and the field)

/// The non-null value of `key` in object `cfg`, or nullptr.
const json* Get(const json& cfg, const std::string& key);
/// A number (a boolean counts as 0/1), `def` when absent.
double GetNum(const json& cfg, const std::string& key, double def, const std::string& where);
/// A boolean (a number counts as != 0), `def` when absent.
bool GetBool(const json& cfg, const std::string& key, bool def, const std::string& where);
int64_t Product(const std::vector<int64_t>& s);

// ---- the parsed model (keras_model.cpp)

/// One Keras layer of the architecture.
struct KLayer {
  std::string cls;
  std::string name;
  json config;
  std::vector<std::string> inbound;  ///< names of the Keras layers feeding it
};

struct KModel {
  std::vector<KLayer> layers;        ///< in definition order (an implicit Sequential input first)
  std::vector<std::string> outputs;  ///< Keras layer names
  bool keras3 = false;
};

/// Sequential / Model / Functional JSON -> KModel. Throws hlsforge::Error
/// naming `where` (and the layer) for malformed or unsupported structure.
KModel ParseModel(const json& top, const std::string& where);

/// Layer `k`'s 'axis' field given as an int or a one-element list (Keras
/// axes count the batch); -1 when absent.
int64_t AxisField(const KLayer& k, const std::string& where);

// ---- the builder

class Builder;
/// Adds the IR layer(s) of Keras layer `k` and records its output.
using LayerHandler = void (*)(Builder& b, const KLayer& k);
/// The registration table: Keras class_name -> its handler, one per class.
const std::map<std::string, LayerHandler>& LayerTable();

class Builder {
 public:
  Builder(ir::Graph& g, WeightStore* weights, bool keras3) : g_(g), w_(weights), keras3_(keras3) {}

  /// Adds every layer (LayerTable; an unknown class is an error naming the
  /// layer and class), then the model outputs.
  void Build(const KModel& m);

  ir::Graph& graph() { return g_; }
  bool keras3() const { return keras3_; }
  /// `<file>: layer "<name>" (<class>)`.
  std::string Where(const KLayer& k) const;

  /// The IR tensor holding the output of Keras layer `layer` (read by `k`).
  const std::string& OutputOf(const KLayer& k, const std::string& layer) const;
  /// The single input tensor of `k` (error for none or several).
  const std::string& InputOf(const KLayer& k) const;
  /// Input tensor of a 1-D ([W, C]) or 2-D ([H, W, C]) channels_last layer.
  const std::string& SpatialInput(const KLayer& k, int rank) const;
  /// Records that Keras layer `k`'s output is IR tensor `tensor`.
  void SetOutput(const KLayer& k, const std::string& tensor) { out_of_[k.name] = tensor; }

  /// A new layer writing a tensor of the same name and shape `shape`.
  ir::Layer& NewLayer(const std::string& name, ir::LayerKind kind, const std::string& input,
                      std::vector<int64_t> shape, const std::string& source_op);
  /// A new Conv / Pooling / resize / Merge layer from `proto` (attributes,
  /// params, extra inputs), its output shape from ir::WindowOutputShape;
  /// aliased to k.name when named otherwise.
  ir::Layer& NewSpatial(const std::string& name, ir::LayerKind kind, const std::string& in, const KLayer& k,
                        ir::Layer proto);

  /// The arrays of `k` by weight name (`positional`: Keras 3 creation
  /// order); error naming the file and layer when one of `required` is missing.
  std::map<std::string, Array> Weights(const KLayer& k, const std::vector<std::string>& positional,
                                       const std::vector<std::string>& required);
  static void CheckShape(const Array& a, const std::vector<int64_t>& want, const std::string& where,
                         const std::string& what);
  /// Integer tuple field (an int means the same value on every axis; `dflt` when absent).
  std::vector<int64_t> Tuple(const KLayer& k, const std::string& key, size_t n, int64_t dflt) const;

 private:
  ir::Graph& g_;
  WeightStore* w_;
  bool keras3_;
  std::map<std::string, std::string> out_of_;  ///< Keras layer name -> IR tensor holding its output
};

// ---- layer handlers, by family

// keras_layers_dense.cpp
void AddDense(Builder& b, const KLayer& k);  ///< Dense, QDense, BinaryDense, TernaryDense

// qkeras_layer_weights.cpp: the weight quantizers shared by the QKeras layers
/// A Dense / Conv layer's weight and optional bias after the QKeras layer's
/// quantizers, and the per-output-channel power-of-two scale of a
/// quantized_bits kernel with alpha 'auto' / 'auto_po2' / None (then
/// `weight` holds the unscaled grid values and the bias goes after the scale).
struct LinearParams {
  ir::Param weight;
  std::optional<ir::Param> bias;
  std::vector<double> alpha;  ///< [out_channels], empty without a scale
  /// Moves the weight and (without a scale) the bias into `l`'s params.
  void Into(ir::Layer& l);
  /// The tensor after the layer's output `out`: `out`, or the scale's ScaleShift.
  std::string After(Builder& b, const KLayer& k, const std::string& out);
};
/// `w` / `b` through the quantizer in field `kernel_field` (empty: a plain
/// Keras layer, nothing quantized) and 'bias_quantizer' of `k`; a scale over
/// fewer channels than `out_channels` (depthwise: per depth_multiplier
/// index) is tiled over them. Errors name `where` and the field.
LinearParams QuantizeLinear(const KLayer& k, const std::string& kernel_field, const std::string& where, ir::Param w,
                            std::optional<ir::Param> b, int64_t out_channels);
/// ScaleShift "<in>_alpha" after tensor `in`: y = scale[c] * x + bias[c]
/// over the last axis ([C] = scale.size()), the scale typed exactly;
/// `bias` absent: zeros. Returns the new tensor.
std::string AddAlphaScale(Builder& b, const KLayer& k, const std::string& in, const std::vector<double>& scale,
                          std::optional<ir::Param> bias);

// keras_layers_conv.cpp
/// Conv1D/2D, DepthwiseConv1D/2D, SeparableConv1D/2D and their QKeras Q* forms.
void AddConv(Builder& b, const KLayer& k);
/// (Global)Max/AveragePooling1D/2D, QAveragePooling1D/2D, QGlobalAveragePooling1D/2D.
void AddPooling(Builder& b, const KLayer& k);

// keras_layers_activation.cpp
void AddActivationLayer(Builder& b, const KLayer& k);  ///< Activation, QActivation
void AddReLU(Builder& b, const KLayer& k);
void AddLeakyReLU(Builder& b, const KLayer& k);
/// ELU (alpha), ThresholdedReLU (theta), PReLU (weight 'alpha').
void AddParametrizedActivation(Builder& b, const KLayer& k);
void AddSoftmax(Builder& b, const KLayer& k);
/// The layer(s) of a Keras activation spec (a name, or a QKeras quantizer)
/// applied to `input`, named `name`; returns the output tensor.
std::string AddActivation(Builder& b, const KLayer& k, const json& spec, const std::string& name,
                          const std::string& input, const std::string& source_op);
/// The fused `activation` field of a Dense / Conv layer `k` applied to `out`
/// as a separate layer "<name>_<activation>" (as hls4ml does); `out` itself
/// when the field is absent or linear.
std::string AddFusedActivation(Builder& b, const KLayer& k, const std::string& out);

// keras_layers_norm.cpp
void AddBatchNorm(Builder& b, const KLayer& k);  ///< BatchNormalization, QBatchNormalization

// keras_layers_hgq.cpp
/// HGQ proxy model FixedPointQuantizer: a Quantize layer with per-element
/// formats, and the `overrides` as the named layers' embedded precisions.
void AddFixedPointQuantizer(Builder& b, const KLayer& k);

// keras_layers_reshape_merge.cpp
void AddInput(Builder& b, const KLayer& k);    ///< InputLayer
void AddDropout(Builder& b, const KLayer& k);  ///< Dropout, SpatialDropout1D/2D (identity)
void AddReshape(Builder& b, const KLayer& k);  ///< Flatten, Reshape
void AddResize(Builder& b, const KLayer& k);   ///< ZeroPadding1D/2D, Cropping1D/2D, UpSampling1D/2D
void AddMerge(Builder& b, const KLayer& k);    ///< Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate

}  // namespace hlsforge::frontends::keras
