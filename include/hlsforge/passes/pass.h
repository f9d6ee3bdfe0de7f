// Passes: each a file of its own under src/passes/, registered by name.
// A pipeline is a list of pass names (data), so any sub-pipeline can be run:
//   hlsforge convert --passes fold_constants,fuse_batchnorm,infer_precision
// (`convert` and `inspect` append lower_hardware when the list does not end
// with it: the backends and the report read its plan).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hlsforge/ir/graph.h"
#include "hlsforge/util/status.h"

namespace hlsforge::passes {

struct PassInfo {
  std::string name;         ///< short name, e.g. "fuse_batchnorm"
  std::string description;  ///< one line
  /// Returns true if the graph changed; errors as Status (via StatusOr).
  std::function<StatusOr<bool>(ir::Graph&)> run;
};

/// All registered passes, in registration order.
const std::vector<PassInfo>& Registry();
const PassInfo* FindPass(const std::string& name);
/// The default pipeline, as names.
const std::vector<std::string>& DefaultPipeline();
/// Runs the named passes in order; unknown name -> error naming it.
Status RunPipeline(ir::Graph& g, const std::vector<std::string>& names);

// ---- the individual passes (each defined in src/passes/<name>.cpp) --------

/// fold_constants: IR-level simplifications that keep the float semantics:
/// merges a ScaleShift into a following ScaleShift (its only consumer, result
/// precision auto, float params) as hls4ml merges consecutive ApplyAlpha /
/// BatchNormalization; drops Linear activations with result `auto` (hls4ml
/// removes linear activations) and Reshape layers (no data movement in the
/// flat channels-last layout). Dropped layers' names become aliases of the
/// producer of their input.
PassInfo FoldConstantsPass();
/// fuse_batchnorm: Dense -> ScaleShift (sole consumer) folded into the Dense's
/// weight/bias, only when the Dense's params are float (not fixed by a
/// quantizer) and its result precision is auto.
PassInfo FuseBatchnormPass();
/// fold_quantizers: a Quantize layer that is the sole consumer of a layer
/// whose result precision is auto, and that is exactly a fixed-point cast
/// (QuantToFixed), becomes that layer's result precision.
PassInfo FoldQuantizersPass();
/// binary_threshold: ScaleShift (scale > 0), or Dense with bias, followed by
/// BinaryTanh / bipolar Quantize / TernaryTanh -> Threshold layer; also an
/// all-`auto` ScaleShift followed by a ternary QONNX Quant (2-bit narrow
/// signed, scale 1; thresholds exact vs float mode on the input grid).
/// Threshold semantics (per channel c, input x on the input type's grid):
///   binary  (result ap_uint<1>, XNOR encoding 1 = +1, 0 = -1): x >= threshold[c]
///   ternary (result ap_int<2>): +1 if x > threshold_hi[c], -1 if x <= threshold_lo[c], else 0
/// The pass stores the real thresholds; infer_precision snaps them exactly to
/// the input grid (params' type = input type, as hls4ml).
PassInfo BinaryThresholdPass();
/// infer_precision: fills every `auto` precision with hls4ml's rules and sets
/// every Tensor::type and Param::type (rules: src/passes/infer_precision.cpp).
PassInfo InferPrecisionPass();
/// Channels-first Flatten (PyTorch ONNX) read by a Dense: the permutation moves
/// into the Dense weight rows (src/passes/fold_flatten_order.cpp).
PassInfo FoldFlattenOrderPass();
/// Dense weight rows that read a 0-bit (constant zero) element of an HGQ
/// quantizer (Layer::element_types) become zero weights; results unchanged.
PassInfo ZeroPrunedInputsPass();
/// lower_hardware (last in the default pipeline, after infer_precision):
/// stores PlanLayer(g, l) as every layer's Layer::plan (ir/hw_plan.h). Run it
/// after setting Graph::io_type (a command-line io type override). Never
/// fails; warnings (snapped factors, coarse softmax tables) are stored in the
/// plans (LayerPlan::warnings) for the consumers to show.
PassInfo LowerHardwarePass();

/// The hardware plan of layer `l` of `g` for io type `io` (the rules of
/// lower_hardware, src/passes/lower_hardware.cpp): a pure function of the
/// graph, the layer's config and `io`. Best effort before infer_precision
/// (unresolved types: products counted as multipliers unless the data or
/// weights are recognizably binary).
ir::LayerPlan PlanLayer(const ir::Graph& g, const ir::Layer& l, ir::IOType io);

/// Reuse factors valid for a dense product of n_in x n_out (hls4ml's rule):
/// rf divides n_in*n_out, and either rf < n_in with ceil(n_in*n_out/rf) a
/// multiple of n_out, or rf >= n_in with rf a multiple of n_in. Ascending.
std::vector<int> ValidDenseReuseFactors(int n_in, int n_out);
/// The top function's schedule for io type `io` (ir::TopPlan rules), from
/// the layers' plans (PlanLayer for a layer without one for `io`).
ir::TopPlan PlanTop(const ir::Graph& g, ir::IOType io);
/// The valid value nearest to `chosen` (ties: the smaller); `chosen` when
/// `valid` is empty.
int ClosestReuseFactor(const std::vector<int>& valid, int chosen);

/// The fixed-point type a QONNX Quant / QKeras quantizer is exactly equal to,
/// when there is one: scalar power-of-two scale, zero point 0, integer
/// bit width 1..64, rounding ROUND -> RND_CONV, ROUND_TO_ZERO -> TRN_ZERO,
/// FLOOR -> TRN; narrow -> SAT_SYM (signed only), else SAT. I = bits + log2(scale).
/// nullopt for bipolar / trunc / anything else.
std::optional<FixedType> QuantToFixed(const ir::QuantParams& q);

/// True when the tensor carries XNOR-encoded binary values (hls4ml
/// XnorPrecisionType): output of a BinaryTanh activation, a bipolar Quantize
/// or a binary Threshold layer.
bool IsXnorTensor(const ir::Graph& g, const std::string& tensor);
/// True when a param is a binary (bipolar, ±1) quantized constant.
bool IsXnorParam(const ir::Param& p);

}  // namespace hlsforge::passes
