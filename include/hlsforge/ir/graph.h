// The hlsforge IR: a typed graph of layers.
//
// Layout conventions (all per sample; the batch dimension is never stored):
//  * activations are channels-last and flattened row-major: a Dense layer
//    sees a vector of n_in values, a 2-D image [H, W, C];
//  * Dense weights are [n_in, n_out] row-major (Keras layout, the
//    transpose of ONNX Gemm's B when transB=1); bias [n_out];
//  * every tensor carries a FixedType (its precision in the firmware).
//
// Layers keep the source model's names. When a frontend or pass merges several
// source nodes into one layer (MatMul+Add -> Dense), the merged nodes' names
// stay reachable as `aliases`, so an hls4ml config naming them still applies.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hlsforge/fixed/fixed_type.h"
#include "hlsforge/ir/hw_plan.h"
#include "hlsforge/util/status.h"

namespace hlsforge::ir {

enum class LayerKind {
  Input,       ///< model input; result precision = input_t
  Dense,       ///< y = x·W + b; params "weight" [n_in,n_out], optional "bias" [n_out]
  ScaleShift,  ///< y = x*scale + bias, element-wise per channel (BatchNormalization,
               ///< Mul/Add by constants; hls4ml "normalize"); params "scale", "bias" [C]
  Activation,  ///< element-wise, see ActivationKind
  Softmax,     ///< over the last axis
  Quantize,    ///< cast to result precision (a QONNX Quant/Trunc/BipolarQuant or a
               ///< QKeras quantizer on an activation); float semantics in QuantParams
  Threshold,   ///< BN+sign / BN+ternary folded to integer thresholds:
               ///< params "threshold" [C] (binary) or "threshold_lo","threshold_hi" (ternary)
  Reshape,     ///< Flatten/Reshape: no data movement in channels-last flat layout
  // ---- convolutional networks; attributes in Layer::conv/pool/resize/merge
  Conv,        ///< Conv1D/Conv2D, channels-last; ConvAttrs. params "weight", optional "bias" [c_out]:
               ///<  2-D [kh, kw, c_in, c_out], 1-D [k, c_in, c_out] (Keras layout; ONNX W[c_out,c_in,kh,kw]
               ///<  transposed); depthwise: [kh, kw, c_in, depth_multiplier] (1-D [k, c_in, dm]),
               ///<  output channel c*dm + m. SeparableConv = depthwise Conv + pointwise (1x1) Conv,
               ///<  two layers, both aliased to the source layer name.
  Pooling,     ///< Max/Average pooling 1D/2D and their Global variants; PoolAttrs
  ZeroPadding, ///< zeros around the spatial dims; ResizeAttrs pads
  Cropping,    ///< rows/columns removed at the spatial borders; ResizeAttrs pads = crops
  UpSampling,  ///< nearest-neighbour upsampling by integer factors; ResizeAttrs scale_h/scale_w
  Merge,       ///< two inputs (inputs[0], inputs[1]): element-wise op or Concatenate; MergeAttrs
};

enum class ActivationKind {
  Linear, ReLU, LeakyReLU, ThresholdedReLU, ReLU6OrMax /* relu with max_value */,
  Sigmoid, Tanh, HardSigmoid, HardTanh,
  BinaryTanh,   ///< sign: x > 0 -> +1 else -1  (QONNX BipolarQuant: x >= 0 -> +1)
  TernaryTanh,  ///< {-1, 0, +1} with thresholds ±0.5 (Keras ternary_tanh)
  PReLU,        ///< x > 0 ? x : alpha[c] * x, alpha a param ("param", per channel c)
  ELU,          ///< x >= 0 ? x : alpha * (e^x - 1)  (table over [-8, 0))
  SELU,         ///< lambda * (x >= 0 ? x : alpha_selu * (e^x - 1))  (table over [-8, 0))
  Softplus,     ///< log(e^x + 1)  (table over [-8, 8))
  Softsign,     ///< x / (|x| + 1)  (table over [-8, 8))
};

// Strategy, IOType, Slot, ProductKind and LayerPlan: hw_plan.h.
enum class SoftmaxImpl { Stable, Latency, Legacy, Argmax };
/// Verilog backend: how products by a constant are built (config key
/// Multiplier): CSD shift-and-add in LUTs, `*` for DSP blocks, or chosen
/// per product.
enum class MultiplierStyle { Auto, Lut, Dsp };

/// Float semantics of a quantizer (QONNX Quant; QKeras quantized_bits…):
/// y = (clamp(round(x / scale + zero_point), qmin, qmax) - zero_point) * scale,
/// qmin/qmax from bit_width, signed, narrow (QONNX spec, docs/qonnx-ops Quant.md).
struct QuantParams {
  std::vector<double> scale{1.0};      ///< scalar or per channel
  std::vector<double> zero_point{0.0};
  double bit_width = 8;
  bool is_signed = true;
  bool narrow = false;
  std::string rounding_mode = "ROUND";  ///< ROUND (half even), ROUND_TO_ZERO, CEIL, FLOOR, UP, DOWN, HALF_UP, HALF_DOWN
  bool bipolar = false;                 ///< BipolarQuant: x >= 0 -> +scale else -scale
  bool trunc = false;                   ///< QONNX Trunc
  /// QKeras quantized_relu(bits, integer, negative_slope=s), s a power of two
  /// in [2^-(bit_width-1), 1] (0 = none; google/qkeras quantizers.py): x < 0
  /// is first multiplied by s, and the clamp's lower end becomes
  /// -s * 2^(bit_width-1) (signed) instead of -2^(bit_width-1), i.e.
  /// y = scale * clamp(round(leaky_relu(x, s) / scale), -s*2^(b-1), 2^(b-1)-1).
  /// Fixed point: y = x >= 0 ? cast(x) : max(cast(s*x), -s*2^(b-1)*scale)
  /// into the result type (the grid of scale, b bits, signed).
  double negative_slope = 0.0;
};

/// QONNX rounding of v by QuantParams::rounding_mode (QONNX spec, Quant.md):
/// ROUND = half to even, ROUND_TO_ZERO/DOWN = toward zero, CEIL, FLOOR,
/// UP = away from zero, HALF_UP / HALF_DOWN = ties away from / toward zero.
/// The one definition used by float mode and by the passes that must agree
/// with it (binary_threshold / infer_precision). Unknown names: ROUND (the
/// frontends reject them before).
double QonnxRound(double v, const std::string& mode);

/// QuantParams::negative_slope as a shift: true and `k` when the slope is
/// 2^-k with 0 <= k <= bit_width - 1 (then the clamp's lower end
/// -s * 2^(b-1) is a whole number of steps); false otherwise.
bool NegativeSlopeShift(const QuantParams& q, int& k);
/// The smallest value of a negative-slope quantizer: -s * 2^(b-1) * scale.
double NegativeSlopeFloor(const QuantParams& q);

/// Spatial attributes shared by the window layers. 1-D layers (rank 1) use
/// only the width fields (kernel_h = stride_h = 1, pad_top = pad_bottom = 0);
/// their tensors are [W, C], 2-D tensors [H, W, C].
struct ConvAttrs {
  int rank = 2;                       ///< 1 (Conv1D) or 2 (Conv2D)
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  /// explicit zero padding (ONNX pads / Keras 'same' resolved by the frontend)
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  bool depthwise = false;             ///< DepthwiseConv: each input channel convolved on its own
  int64_t depth_multiplier = 1;       ///< depthwise: output channels per input channel
};

enum class PoolOp { Max, Average };

struct PoolAttrs {
  PoolOp op = PoolOp::Max;
  int rank = 2;                       ///< 1 or 2
  bool global = false;                ///< GlobalMax/GlobalAveragePooling: output [C]
  int64_t pool_h = 1, pool_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  /// Average: divide by the whole window (true) or by the cells inside the
  /// image (false: Keras/TF 'same', hls4ml count_pad = false).
  bool count_pad = false;
};

/// ZeroPadding (pads), Cropping (pads = crops removed), UpSampling (scales).
struct ResizeAttrs {
  int rank = 2;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t scale_h = 1, scale_w = 1;
};

enum class MergeOp { Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate };

struct MergeAttrs {
  MergeOp op = MergeOp::Add;
  /// Concatenate: axis of the per-sample channels-last shape (negative counts
  /// from the end; -1 = channels).
  int axis = -1;
};

/// A constant array of a layer (weights, biases, scales, thresholds).
struct Param {
  std::vector<int64_t> shape;
  std::vector<double> values;      ///< row-major, as trained (float)
  std::optional<FixedType> type;   ///< precision; unset until config/inference
  bool type_from_quantizer = false;///< fixed by a QONNX/QKeras quantizer: config must not override
  size_t size() const { return values.size(); }
  size_t zeros() const;
};

/// One precision slot of a layer's config: an explicit type, or `auto`
/// (filled in by the infer_precision pass).
struct Precision {
  std::optional<FixedType> type;
  bool is_auto() const { return !type.has_value(); }
};

/// The precision slots of a layer, ordered by Slot: a map keyed by Slot.
/// The overloads taking a YAML spelling ("result", ...) are kept for code
/// written before the slots were typed (new code uses Slot): operator[] and
/// at() throw hlsforge::Error for an unknown spelling, find() returns end(),
/// count() and erase() 0.
class PrecisionMap {
 public:
  using Map = std::map<Slot, Precision>;
  using iterator = Map::iterator;
  using const_iterator = Map::const_iterator;
  Precision& operator[](Slot s) { return m_[s]; }
  Precision& operator[](std::string_view key);
  Precision& at(Slot s);
  const Precision& at(Slot s) const;
  iterator find(Slot s) { return m_.find(s); }
  const_iterator find(Slot s) const { return m_.find(s); }
  size_t count(Slot s) const { return m_.count(s); }
  size_t erase(Slot s) { return m_.erase(s); }
  Precision& at(std::string_view key);
  const Precision& at(std::string_view key) const;
  iterator find(std::string_view key);
  const_iterator find(std::string_view key) const;
  size_t count(std::string_view key) const;
  size_t erase(std::string_view key);
  iterator begin() { return m_.begin(); }
  iterator end() { return m_.end(); }
  const_iterator begin() const { return m_.begin(); }
  const_iterator end() const { return m_.end(); }
  size_t size() const { return m_.size(); }
  bool empty() const { return m_.empty(); }
  /// The explicit type of slot `s`; nullopt when absent or `auto`.
  std::optional<FixedType> type(Slot s) const;

 private:
  Map m_;
};

/// Per-layer configuration in hls4ml's terms (hls4ml YAML config layout).
struct LayerConfig {
  /// The layer's precision slots (ApplyConfig gives every slot of its kind,
  /// see config.h; infer_precision resolves the `auto` ones).
  PrecisionMap precision;
  int reuse_factor = 1;
  /// Conv/Pooling io_parallel: output pixels computed in parallel (hls4ml
  /// ParallelizationFactor); 1 = one pixel at a time.
  int parallelization_factor = 1;
  Strategy strategy = Strategy::Latency;
  int table_size = 1024;          ///< activation / softmax LUT entries
  SoftmaxImpl softmax_impl = SoftmaxImpl::Stable;
  bool softmax_skip = false;
  bool trace = false;
  /// Verilog backend: register stages of the layer's pipeline (config key
  /// PipelineStages, a non-negative integer or `auto`); -1 = auto (from the
  /// backend's timing estimate).
  int pipeline_stages = -1;
  MultiplierStyle multiplier = MultiplierStyle::Auto;  ///< config key Multiplier
};

struct Tensor {
  std::string name;
  std::vector<int64_t> shape;   ///< per sample, channels-last
  std::optional<FixedType> type;
  int64_t size() const;
};

struct Layer {
  std::string name;
  LayerKind kind = LayerKind::Input;
  std::vector<std::string> inputs;  ///< tensor names
  std::string output;               ///< tensor name
  std::vector<std::string> aliases; ///< source node / constant names merged into this layer
  /// alias (a source constant, e.g. "MatMul_0_param0") -> key of the param it
  /// became ("weight", "bias", "scale"): a LayerName config entry for the alias
  /// sets that param's precision (hls4ml semantics of constant precisions).
  std::map<std::string, std::string> alias_param;
  std::string source_op;            ///< e.g. "MatMul+Add", "Gemm", "Dense", "QDense"

  std::map<std::string, Param> params;
  ActivationKind activation = ActivationKind::Linear;
  double alpha = 0.0;      ///< LeakyReLU slope, ThresholdedReLU theta, ReLU max_value, ELU / SELU
                           ///< alpha, HardSigmoid / HardTanh slope
  /// HardSigmoid / HardTanh shift (y = clamp(alpha * x + beta, 0, 1); hard
  /// tanh 2y - 1), SELU's scale lambda.
  double beta = 0.0;
  int axis = -1;           ///< Softmax axis
  /// Quantize layers: the quantizer. Any other layer: a quantizer folded into
  /// it (fold_quantizers: a QONNX Quant after a Dense/ScaleShift/activation
  /// became that layer's result precision), applied to the layer's output in
  /// float mode so that float mode keeps the source model's semantics whatever
  /// the config and passes did. Activation BinaryTanh with a bipolar quant is
  /// a QONNX BipolarQuant: +scale iff x >= 0 (Keras binary_tanh, no quant:
  /// +1 iff x > 0). Threshold: the bipolar quantizer it replaced, if any, or
  /// the ternary QONNX Quant it replaced (bit_width 2, signed, narrow, scale 1,
  /// zero_point 0; binary_threshold), which float mode applies to the float
  /// affine's output with its own rounding_mode.
  std::optional<QuantParams> quant;
  /// Quantize layers of an HGQ proxy model (hls4ml FixedPointQuantizer,
  /// HGQ gfixed_quantizer): the fixed-point format of each element of the
  /// output, row-major over the tensor's per-sample shape (a single entry:
  /// every element); nullopt = 0 bits, a constant zero. The layer casts each
  /// input element to its format (that format's rounding and overflow modes),
  /// then to the result precision, which infer_precision makes the union of
  /// the formats so that every element is exact. Float mode applies the same
  /// formats to the double input. Empty on every other layer.
  std::vector<std::optional<FixedType>> element_types;
  /// Precisions the source model fixes for this layer (an HGQ proxy model's
  /// FixedPointQuantizer `overrides`: result_t, accum_t, weight_t, bias_t,
  /// table_t, ...). ApplyConfig applies them over the user's config, as
  /// hls4ml enforces a proxy model's embedded configuration.
  std::map<Slot, FixedType> embedded_precision;
  std::optional<int> embedded_table_size;  ///< the overrides' table_size
  /// Threshold layers (binary_threshold): the float computation they replace,
  /// y = act(x * scale[c] + bias[c]) per channel c (act = `activation`, with the
  /// tie rule of `quant` as above; TernaryTanh: +1 iff > 0.5, -1 iff <= -0.5;
  /// with a non-bipolar `quant`: that Quant, e.g. ROUND: +1 iff > 0.5, -1 iff < -0.5).
  /// Float mode evaluates this, never the thresholds snapped to the input grid.
  struct FloatAffine {
    std::vector<double> scale, bias;
  };
  std::optional<FloatAffine> float_affine;
  std::optional<ConvAttrs> conv;     ///< Conv layers
  std::optional<PoolAttrs> pool;     ///< Pooling layers
  std::optional<ResizeAttrs> resize; ///< ZeroPadding, Cropping, UpSampling
  std::optional<MergeAttrs> merge;   ///< Merge layers
  /// Reshape only: the Flatten of a channels-first model (ONNX from PyTorch):
  /// the output is the channels-last input [(H,) W, C] read in channels-first
  /// order, out[c * P + p] = in[p * C + c] with P = H*W pixels. The pass
  /// fold_flatten_order moves this permutation into the next Dense's weight
  /// rows when it can (then the flag is cleared).
  bool flatten_channels_first = false;
  LayerConfig config;
  /// The hardware plan (hw_plan.h), set by the lower_hardware pass; absent
  /// before it runs.
  std::optional<LayerPlan> plan;

  Param* param(const std::string& key);
  const Param* param(const std::string& key) const;
  /// The param whose key is the slot's spelling (Weight -> "weight").
  Param* param(Slot s) { return param(std::string(SlotKey(s))); }
  const Param* param(Slot s) const { return param(std::string(SlotKey(s))); }
};

class Graph {
 public:
  std::string name;          ///< model name (file stem)
  std::string source_path;   ///< file it was read from, for messages
  IOType io_type = IOType::Parallel;
  /// The top function's schedule (hw_plan.h), set by lower_hardware.
  std::optional<TopPlan> top_plan;
  std::vector<std::string> inputs;   ///< tensor names
  /// The source model's first input / first output is a channels-first image
  /// ([C, (H,) W] per sample, ONNX from PyTorch). The IR stays channels-last;
  /// the CLI accepts inputs and writes outputs in the source layout too.
  bool input_channels_first = false, output_channels_first = false;
  std::vector<std::string> outputs;  ///< tensor names

  std::vector<Layer> layers;               ///< topological order
  std::map<std::string, Tensor> tensors;

  Layer* FindLayer(const std::string& name_or_alias);
  const Layer* FindLayer(const std::string& name_or_alias) const;
  Tensor& tensor(const std::string& name);
  const Tensor& tensor(const std::string& name) const;
  /// Layers reading tensor `name`.
  std::vector<const Layer*> Consumers(const std::string& name) const;
  /// The layer writing tensor `name`, or nullptr for a graph input.
  const Layer* Producer(const std::string& name) const;
  /// Checks names, shapes, topological order; Status names the layer.
  Status Validate() const;
};

/// Output shape (per sample, channels-last) of a Conv, Pooling, ZeroPadding,
/// Cropping, UpSampling or Merge layer from its input shapes ([W, C] for
/// rank 1, [H, W, C] for rank 2; Merge: both inputs). Conv/Pooling:
/// out = (in + pad_a + pad_b - k) / stride + 1 (floor); Global pooling [C].
/// Errors name the layer: missing attributes, wrong input rank, a kernel or
/// pool window larger than its padded input, stride < 1, crops removing the
/// whole image, Merge shapes that differ (other than on the Concatenate axis).
StatusOr<std::vector<int64_t>> WindowOutputShape(const Layer& l,
                                                 const std::vector<std::vector<int64_t>>& in_shapes);

const char* ToString(LayerKind k);
const char* ToString(ActivationKind k);
const char* ToString(Strategy s);
const char* ToString(SoftmaxImpl s);
const char* ToString(PoolOp p);
const char* ToString(MergeOp m);

}  // namespace hlsforge::ir
