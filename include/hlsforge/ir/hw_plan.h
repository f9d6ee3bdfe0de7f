// The hardware plan: the decisions every backend implements, made once.
//
// The pass `lower_hardware` (src/passes/lower_hardware.cpp, last in the
// default pipeline) stores a LayerPlan on every ir::Layer. The HLS writer,
// `hlsforge inspect` (report::Summarize), the emulator (product kind) and
// any other backend read it and decide none of it again, so that they
// cannot disagree. This header also holds the vocabulary the plan is written
// in: io type, strategy, precision slots, product kinds.
//
// Sources of the rules: hls4ml (arXiv:2103.05579; its Vitis backend
// templates and nnet_utils at commit ef92ebdf2: the valid reuse factors,
// multiplier_limit, n_zeros, the product classes), Vitis HLS UG1399 for
// PIPELINE / UNROLL semantics (the II of a pipelined loop).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hlsforge/fixed/fixed_type.h"

namespace hlsforge::ir {

struct Layer;
class Graph;

enum class Strategy { Latency, Resource };
enum class IOType { Parallel, Stream };

/// A precision slot of a layer (hls4ml's `Precision` keys). The slots of a
/// param (Weight, Bias, Scale, Threshold*) are also the param's key in
/// Layer::params. The YAML spelling is SlotKey(); only the config reader and
/// writer (src/ir/config.cpp) turn spellings into slots.
enum class Slot {
  Default,      ///< "default": the Model/LayerType/LayerName default precision
  Result,       ///< "result": the layer's output (result_t)
  Accum,        ///< "accum": accumulator of Dense/Conv/Pooling, softmax sum
  Weight,       ///< "weight"
  Bias,         ///< "bias"
  Scale,        ///< "scale" (ScaleShift / BatchNormalization)
  Param,        ///< "param": LeakyReLU's alpha (param_t)
  Threshold,    ///< "threshold": binary Threshold layers
  ThresholdLo,  ///< "threshold_lo": ternary Threshold layers
  ThresholdHi,  ///< "threshold_hi"
  Table,        ///< "table": sigmoid/tanh and the legacy softmax table
  ExpTable,     ///< "exp_table": softmax exp table values
  InvTable,     ///< "inv_table": softmax 1/sum table values
  InvInp,       ///< "inv_inp": softmax 1/sum table index type
  InpNorm,      ///< "inp_norm": stable softmax exp table index type (max - x)
};

/// The YAML spelling of a slot ("result", "exp_table", ...).
const char* SlotKey(Slot s);
/// The slot of a YAML spelling; nullopt for an unknown key.
std::optional<Slot> SlotFromKey(std::string_view key);

/// What one product of a Dense/Conv layer needs in hardware (hls4ml's
/// nnet::product classes; the kernels' products.h). A 1-bit unsigned type
/// holds the XNOR encoding of a bipolar value: word 1 = +1, word 0 = -1.
enum class ProductKind {
  Multiplier,    ///< a*w at full precision (nnet::product::mult)
  Xnor,          ///< 1-bit data x 1-bit weight: XNOR gate + popcount (both_binary)
  WeightBinary,  ///< 1-bit (+-1) weight: +a or -a, an adder (weight_binary)
  DataBinary,    ///< 1-bit (+-1) data: +w or -w, an adder (data_binary)
  Ternary,       ///< 2-bit signed integer weight in {-1, 0, +1}: -a, 0 or a (weight_ternary)
};
const char* ToString(ProductKind k);

/// True when `t` holds XNOR-encoded bipolar values: 1 bit, unsigned.
bool IsXnorType(const FixedType& t);
/// The product kind of data of type `data` times weights of type `weight`
/// (the one place that decides it): both XNOR -> Xnor; XNOR weight ->
/// WeightBinary; XNOR data -> DataBinary; a 2-bit signed integer weight ->
/// Ternary; else Multiplier.
ProductKind DecideProductKind(const FixedType& data, const FixedType& weight);
/// True when a zero weight word contributes exactly 0 and costs no hardware
/// (Multiplier, DataBinary, Ternary; XNOR-encoded weights are never zero).
bool ZeroWeightIsFree(ProductKind k);

/// The word of a constant `v` in type `t` (fixed_core.h word convention):
/// t.Quantize(v), except that an XNOR type (IsXnorType) encodes v > 0 as 1
/// and anything else as 0 (-1).
int64_t ParamWord(double v, const FixedType& t);

/// Elements per io_stream word of a tensor of per-sample shape `shape`: one
/// pixel (the channels, shape.back()) of an image [.., W, C], the whole vector
/// of a 1-D tensor; at least 1.
int64_t StreamWordElements(const std::vector<int64_t>& shape);

/// hls4ml's multiplier_limit of a dense product of `products` (= n_in*n_out)
/// weights with `zeros` free zero weights at reuse factor R (>= 1; less is
/// read as 1): ceil(products / R) - floor(zeros / R), never below 0
/// (nnet_utils dense configs: DIV_ROUNDUP(n_in*n_out, R) - n_zeros / R).
int64_t MultiplierLimit(int64_t products, int64_t zeros, int reuse_factor);

/// hls4ml's derived inp_norm_t of a stable softmax whose input has type
/// `input` (used when the config gives none): ap_ufixed<W-1, I-1> of a signed
/// input, ap_ufixed<W, I> of an unsigned one (every golden parameters.h;
/// W >= 2 for a signed input).
FixedType SoftmaxInpNormDefault(const FixedType& input);

/// The precision of slot `s` of layer `l`: the type of the param of the same
/// name when the param exists and is typed, else the config slot's type;
/// nullopt when neither is resolved (before infer_precision).
std::optional<FixedType> ResolvedType(const Layer& l, Slot s);

/// The constant of a parametrized activation as the firmware holds it
/// (LeakyReLU's alpha, ThresholdedReLU's theta, a clipped ReLU's max_value,
/// ELU's alpha, a hard sigmoid's / hard tanh's slope: Layer::alpha): a
/// fixed-point param_t and the constant's word in it, so no floating point
/// reaches synthesis and the emulator computes with the same word (csim ==
/// emulator bit for bit).
struct ActivationParam {
  FixedType type;      ///< param_t
  int64_t word = 0;    ///< the constant in `type` (fixed_core.h word)
  bool exact = true;   ///< the word's value equals Layer::alpha exactly
  bool operator==(const ActivationParam&) const = default;
};

/// The param_t of a parametrized activation whose input has type `input`
/// (nullopt for other layers). The config's "param" precision when resolved
/// (alpha quantized by its modes); else ("auto"):
///  * ThresholdedReLU: signed <W+1, I+1> of the input <W, I> with the word
///    floor(theta * 2^F) clamped to the input's range widened by one step:
///    x > param is then exactly x > theta for every input value (hls4ml
///    gives theta the input's precision);
///  * LeakyReLU, ReLU max_value: the narrowest type holding alpha exactly
///    (F >= 0 fractional bits, at most 40 bits), else alpha rounded to
///    float32 held exactly (the framework's own arithmetic), else a 24-bit
///    type rounding it (exact = false).
std::optional<ActivationParam> ActivationParamOf(const Layer& l, const std::optional<FixedType>& input);

/// The activation constant every consumer (emulator, HLS and Verilog
/// backends) computes with: the layer's hardware plan
/// (LayerPlan::activation_param, set by lower_hardware) when it has one,
/// else the same rule (ActivationParamOf) for a layer not planned yet.
std::optional<ActivationParam> PlannedActivationParam(const Layer& l, const std::optional<FixedType>& input);

/// The shift of a hard sigmoid / hard tanh (Layer::beta; hls4ml's shift_t):
/// the narrowest type holding it exactly by the rule of the automatic
/// param_t above (the config has no slot for it); nullopt for other layers.
std::optional<ActivationParam> ActivationShiftOf(const Layer& l);

/// Products of a layer per sample (one inference), by the hardware they need;
/// weights taken as their quantized words.
struct ProductCounts {
  int64_t multiplier = 0;    ///< non-zero products needing a multiplier
  int64_t xnor = 0;          ///< XNOR-popcount products (ProductKind::Xnor)
  int64_t add_sub = 0;       ///< sign flip / shift only: +-1 or ternary data, or a weight word of magnitude 2^k
  int64_t zero_skipped = 0;  ///< products by a zero weight word: no hardware
  bool operator==(const ProductCounts&) const = default;
};

/// A lookup table of an activation or softmax layer.
struct TablePlan {
  Slot slot = Slot::Table;   ///< slot of the entries' type (Table, ExpTable, InvTable)
  int64_t entries = 0;       ///< TableSize
  FixedType value_type;      ///< type of the stored entries
  /// Softmax tables: the type whose top `index_bits` bits index the table
  /// (exp table: inp_norm_t for the stable softmax, the input type for the
  /// latency one; 1/sum table: inv_inp_t). Sigmoid/tanh/legacy tables are
  /// indexed by a scaled input (hls4ml: x * N / range + N / 2): nullopt.
  std::optional<FixedType> index_type;
  int index_bits = 0;        ///< ceil(log2(entries))
  bool operator==(const TablePlan&) const = default;
};

/// How a kernel is scheduled (Vitis HLS UG1399, "Optimizing for Throughput":
/// a PIPELINE pragma on a function or loop unrolls every loop below it;
/// DATAFLOW runs the functions of a region as concurrent processes).
enum class Schedule {
  /// The whole kernel one pipeline, `#pragma HLS PIPELINE II=pipeline_ii`,
  /// every loop inside unrolled (Latency Dense, single-pass Conv,
  /// element-wise and table layers).
  Pipeline,
  /// The kernel's outer loop pipelined at II=pipeline_ii with its body
  /// unrolled: the reuse loop of a Resource Dense (R iterations), the pixel
  /// loop of a multi-pass Conv (pixels / PF iterations), the window scan of
  /// an io_stream Conv/Pooling (one padded input pixel per iteration).
  LoopPipeline,
};
const char* ToString(Schedule s);

/// The schedule of the top function (hls4ml's PipelineStyle 'auto', its
/// Vivado backend optimizer set_pipeline_style): DATAFLOW for io_stream, and
/// for io_parallel as soon as one layer's kernel is a LoopPipeline (Resource
/// strategy, multi-pass Conv: pipelining the top would unroll those loops
/// and undo the reuse); else PIPELINE (II = the largest layer II).
struct TopPlan {
  bool dataflow = false;
  /// Top II as designed: the largest layer II (a DATAFLOW region starts a new
  /// sample when its slowest process is ready; a pipelined top at that II).
  int64_t ii_cycles = 1;
  std::vector<std::string> warnings;  ///< QoR warnings (shown by consumers)
  bool operator==(const TopPlan&) const = default;
};

/// The implementation plan of one layer (LayerPlan::io_type etc. are as
/// finally applied, after snapping and the io type override).
struct LayerPlan {
  IOType io_type = IOType::Parallel;  ///< Graph::io_type when the pass ran
  Strategy strategy = Strategy::Latency;
  int requested_reuse_factor = 1;     ///< LayerConfig::reuse_factor
  /// Applied reuse factor. Dense and Conv: hls4ml's valid value nearest to
  /// the request (ValidDenseReuseFactors of the per-evaluation product);
  /// other layers: the request (at least 1).
  int reuse_factor = 1;
  int requested_parallelization_factor = 1;  ///< LayerConfig value (Conv/Pooling)
  /// Applied: Conv in io_parallel: the divisor of the output pixel count
  /// nearest to the request (output pixels computed per pipeline step);
  /// 1 everywhere else (io_stream computes one pixel per window step).
  int parallelization_factor = 1;

  // ---- products (Dense, Conv, ScaleShift, Merge Multiply) ----------------
  bool has_products = false;
  ProductKind product = ProductKind::Multiplier;
  /// Inputs and outputs of one evaluation of the product: Dense n_in x n_out;
  /// Conv the per-pixel dense product K = kh*kw*c_in x c_out (depthwise
  /// weights expanded with zeros to [K, c_out]); ScaleShift: elements per
  /// kernel call (n_in = n_out); Merge Multiply: elements per kernel call.
  int64_t n_in = 0, n_out = 0;
  /// Weight words of one evaluation (Dense/Conv: n_in*n_out) and the zero
  /// words among them that cost nothing (hls4ml n_zeros: counted only when
  /// ZeroWeightIsFree(product); depthwise: including the expansion zeros).
  int64_t weights = 0, n_zeros = 0;
  /// Zero words among the layer's own weight param (no expansion), counted
  /// the same way; `inspect`'s "zeros".
  int64_t zero_weights = 0;
  /// hls4ml multiplier_limit of one evaluation: Dense/Conv
  /// ceil(weights / R) - floor(n_zeros / R); ScaleShift ceil(n_in / R);
  /// Merge Multiply n_in.
  int64_t multiplier_limit = 0;
  /// Physical multiplier instances: multiplier_limit x parallelization_factor.
  int64_t multipliers = 0;
  /// Evaluations per sample (Conv: output pixels; ScaleShift/Merge in
  /// io_stream: stream words; else 1).
  int64_t evaluations = 1;
  ProductCounts ops;  ///< per sample

  /// Element-wise layers (Activation, ScaleShift, Quantize, Threshold) in
  /// io_stream whose input and output words have the same size run their
  /// kernel once per stream word (per_stream_word); elements_per_call is then
  /// one word, else the whole input tensor.
  bool per_stream_word = false;
  int64_t elements_per_call = 0;

  /// Softmax with `Skip: true` (hls4ml's way to leave the softmax out of the
  /// firmware): the layer is an identity, its output tensor takes the input's
  /// type; the emulator copies, the backends emit no softmax.
  bool skip = false;
  /// LeakyReLU / ThresholdedReLU / clipped ReLU: ActivationParamOf.
  std::optional<ActivationParam> activation_param;

  std::vector<TablePlan> tables;  ///< activation / softmax tables
  /// Stable/latency softmax: inp_norm_t (the config's, else
  /// SoftmaxInpNormDefault of the input type); the stable one's exp table index.
  std::optional<FixedType> softmax_inp_norm;

  // ---- schedule and timing (cycles of the clock the design is synthesized for)
  Schedule schedule = Schedule::Pipeline;
  /// II requested by the kernel's PIPELINE pragma (of the function for
  /// Schedule::Pipeline, of its outer loop for LoopPipeline): R for a Latency
  /// Dense/Conv pass, 1 for a Resource Dense's reuse loop, R per window step
  /// in io_stream, 1 for other layers.
  int64_t pipeline_ii = 1;
  /// Initiation interval of the layer's kernel as designed: the II its
  /// PIPELINE pragmas request (UG1399), per sample. Dense: R (Latency:
  /// PIPELINE II=R; Resource: a reuse loop of R iterations at II=1); Conv
  /// io_parallel: R * pixels / PF; Conv/Pooling io_stream: R per input pixel
  /// (R * padded input pixels); element-wise io_stream layers: one stream
  /// word per cycle; other layers: R (1 when they have none).
  int64_t ii_cycles = 1;
  /// ESTIMATE of the layer's latency, not a synthesis result: ii_cycles plus
  /// the depth of one evaluation: products 1 cycle + an adder tree of
  /// ceil(log2(n_in)) levels for Dense/Conv, 2 for table lookups, 1 otherwise.
  int64_t latency_cycles = 1;

  /// Warnings of the pass for this layer (snapped factors, tables whose index
  /// does not cover their input), each naming the layer. Stored, not printed:
  /// consumers show them once (the HLS writer through HlsOptions::warn,
  /// `inspect` on stderr).
  std::vector<std::string> warnings;

  bool operator==(const LayerPlan&) const = default;
};

}  // namespace hlsforge::ir
