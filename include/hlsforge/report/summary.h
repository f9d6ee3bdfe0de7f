// Model summary ("hlsforge inspect"): per layer its kind, output shape,
// precisions, parameter count, zero weights, MACs, multipliers at the reuse
// factor and BOPs; plus totals. All counts are per sample (one inference).
// Reuse and parallelization factors, zeros, multipliers and the operation
// counts are those of each layer's hardware plan (Layer::plan, set by the
// lower_hardware pass, or passes::PlanLayer when absent): exactly what the
// HLS writer puts into parameters.h, so `inspect` and `convert` agree.
//
// BOPs (bit operations) of a dense layer with n inputs and m outputs,
// activation width b_a, weight width b_w and fraction f_p of zero (pruned)
// weights, as defined in arXiv:2103.05579 (after Baskin et al.):
//   BOPs = m·n·((1 − f_p)·b_a·b_w + b_a + b_w + log2 n)
// i.e. per product of the dense n x m: (1 − f_p)·b_a·b_w + b_a + b_w + log2 n,
// n being the length of the accumulation the product belongs to.
//
// Zero weights (zero quantized weight words: pruned weights, ternary zeros;
// hls4ml's n_zeros) cost nothing: MACs count the products by non-zero weights
// only, and the multipliers follow hls4ml's multiplier_limit of a dense
// product of n x m at the applied reuse factor R (hls4ml's valid value
// nearest to the configured one): ceil(n·m / R) − floor(n_zeros / R).
//
// Per layer kind:
//  * Dense n -> m: MACs n·m − zeros; multipliers as above; BOPs as above.
//  * Conv (1-D/2-D) with P output pixels (all output dims but channels):
//    per pixel the dense product of the kernel window, K = kh·kw·c_in inputs
//    x c_out outputs (hls4ml's conv "mult" config: n_in = K, n_out = c_out).
//    Depthwise (weight [kh,kw,c_in,dm]): output channel c·dm+m accumulates
//    kh·kw products, kh·kw·c_in·dm products per pixel. MACs = P · (non-zero
//    weights). Padded pixels count like the others (the hardware computes
//    them). Multipliers, io_parallel: (ceil(W/R) − floor(zeros/R)) · PF, W =
//    K·c_out (depthwise: expanded with zero weights, which count as zeros),
//    PF = ParallelizationFactor (output pixels computed at once, the divisor
//    of P nearest to the configured value); io_stream: one pixel at a time
//    (PF not used). BOPs = P · (BOPs of the per-pixel dense product), with n
//    = K (depthwise kh·kw), m = c_out (depthwise c_in·dm).
//  * Pooling: Max no arithmetic (comparisons); Average: per output element
//    window−1 additions (add-ops) and a division by the cell count, a
//    multiplication by a constant (mul-ops) unless the count is 2^k (a
//    shift). No MACs, no BOPs. Global pooling: the window is the input.
//  * Merge: Add/Subtract/Average one addition per output element (add-ops;
//    Average's halving is a shift); Multiply one product per element (MACs,
//    mul-ops, BOPs with n = 1 and b_w = the second input's width;
//    multipliers: all elements in io_parallel, one stream word in
//    io_stream); Maximum/Minimum/Concatenate: none.
//  * ZeroPadding/Cropping/UpSampling/Reshape: data movement only.
//
// Operations of a dense or conv layer per sample, by what the product needs
// (weights taken as their quantized words, the values the firmware and the
// emulator use; a zero word costs nothing: pruned weights, ternary zeros):
//  * XNOR: 1-bit (XNOR-encoded ±1) data times 1-bit weights (hls4ml
//    both_binary: an XNOR gate and a popcount);
//  * add-only: ±1 / ternary data (1-bit XNOR or 2-bit integer words) or a
//    weight of magnitude 2^k (±1 for binary/ternary weights): the product is
//    a sign flip and a shift, summed by adders, no multiplier;
//  * multiplier: every other non-zero product.
// A ScaleShift (BatchNormalization) counts one product per element by its
// channel's scale word, classified the same way; its multipliers are
// ceil(elements per kernel call / R) (one stream word in io_stream).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "hlsforge/ir/graph.h"

namespace hlsforge::report {

struct LayerSummary {
  std::string name;
  std::string kind;        ///< ir::LayerKind, with the activation for Activation layers
  std::string source_op;
  std::vector<int64_t> output_shape;  ///< per sample
  /// (slot, type) pairs in display order: "result", "weight", "bias", "accum", ...;
  /// type in hls4ml config spelling, "auto" when unresolved.
  std::vector<std::pair<std::string, std::string>> precisions;
  int reuse_factor = 1;     ///< applied (LayerPlan::reuse_factor)
  /// Conv/Pooling: applied ParallelizationFactor (LayerPlan); 0 for layers it does not apply to
  int parallelization_factor = 0;
  int64_t params = 0;        ///< all values of all params
  int64_t zero_weights = 0;  ///< zero quantized words of the weight param, free in hardware (LayerPlan::zero_weights)
  int64_t macs = 0;          ///< multiply-accumulates by non-zero weights per sample (header comment)
  int64_t multipliers = 0;   ///< multipliers at the reuse factor (and ParallelizationFactor), see above
  int64_t mult_ops = 0;      ///< non-zero products needing a multiplier, per sample
  int64_t xnor_ops = 0;      ///< binary x binary products (XNOR-popcount), per sample (Dense, Conv)
  int64_t add_ops = 0;       ///< sign/shift-only products and additions (pooling, merges), per sample
  double bops = 0;           ///< see header comment; 0 when widths are unresolved or no products
};

struct ModelSummary {
  std::string name;
  std::vector<int64_t> input_shape, output_shape;
  std::string input_type, output_type;
  std::vector<LayerSummary> layers;
  int64_t total_params = 0, total_zero_weights = 0, total_macs = 0, total_multipliers = 0;
  int64_t total_mult_ops = 0, total_xnor_ops = 0, total_add_ops = 0;
  double total_bops = 0;
  /// The layers' hardware plan warnings (snapped reuse / parallelization
  /// factors, coarse softmax tables), in layer order.
  std::vector<std::string> warnings;
};

/// Summarizes `g` (any stage; best after infer_precision so every width is
/// known). Never fails: unknown values are shown as "auto"/0.
ModelSummary Summarize(const ir::Graph& g);

/// BOPs of one dense layer (formula above).
double DenseBops(int64_t n_in, int64_t n_out, int b_a, int b_w, double pruned_fraction);

/// hls4ml's multiplier_limit (ir/hw_plan.h).
using ir::MultiplierLimit;

/// A human-readable table of the summary (fixed-width text, for a terminal).
std::string FormatSummary(const ModelSummary& s);

}  // namespace hlsforge::report
