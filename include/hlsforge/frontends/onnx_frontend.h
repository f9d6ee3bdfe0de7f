// ONNX / QONNX frontend: reads a .onnx file into an ir::Graph.
//
// Float ONNX (Gemm, MatMul+Add, Relu, LeakyRelu, Sigmoid, Tanh, Softmax,
// BatchNormalization, Flatten, Reshape, Transpose of weights, Identity,
// Dropout, Constant) and QONNX (Quant, BipolarQuant, Trunc in the domains
// qonnx.custom_op.general, finn.custom_op.general, onnx.brevitas).
// Conv, pooling, Pad, Resize/Upsample, Concat and merges of two activations
// (src/frontends/onnx/onnx_conv.cpp). Shape subgraphs and constant
// element-wise chains are folded. One handler per op type, registered in
// src/frontends/onnx/onnx_op_table.cpp.
#pragma once

#include <string>

#include "hlsforge/ir/graph.h"
#include "hlsforge/util/status.h"

namespace hlsforge::frontends {

/// Reads `path` (.onnx, float ONNX or QONNX) into an ir::Graph.
///
/// Names: layers carry QONNX clean-up names ("<OpType>_<k>" per op type in
/// level-wise topological order, Gemm counted as MatMul+Add, folded nodes
/// not counted; identical to the node names of an already clean model).
/// Aliases: the original node name, merged nodes (MatMul+Add -> Dense keeps
/// "MatMul_k", aliases "Add_k", "Dense_MatMul_k"), folded constant producers
/// (weight Quant/BipolarQuant/Transpose), constant inputs as
/// "<node>_param<k>" plus their original initializer names, and for
/// Identity/Dropout/Squeeze/Unsqueeze (no layer) their names on the layer
/// producing their input. The single Input layer is named after the graph
/// input tensor and aliased "global_in". Shapes: batch dropped; rank >= 3
/// channels moved last ([1,28,28] NCHW -> [28,28,1]).
///
/// Layers: Gemm/MatMul(+Add const) -> Dense (weight [n_in,n_out]);
/// BatchNormalization -> ScaleShift with scale = gamma/sqrt(var+eps),
/// bias = beta - mean*scale computed in float32 (as numpy on the model's
/// float32 arrays; raw gamma/beta/mean/var are not kept);
/// Mul/Add/Sub/Div of an activation by a constant -> ScaleShift (params
/// "scale","bias" [C], scalars expanded to C; c - x -> scale -1);
/// Flatten/Reshape -> Reshape; Relu/LeakyRelu/Sigmoid/Tanh -> Activation;
/// Softmax (last axis) -> Softmax.
/// QONNX (docs/qonnx-custom-ops): Quant/BipolarQuant/Trunc on constants are
/// folded (values quantized in float); a Quant with power-of-two scale(s)
/// and zero point 0 sets Param::type (+type_from_quantizer) to the exact
/// type (signed: ap_fixed<b, b+log2 s>, unsigned ap_ufixed; ROUND ->
/// AP_RND_CONV, overflow AP_SAT, narrow signed AP_SAT_SYM, the modes hls4ml
/// uses); differing per-channel powers of two get the common type with the
/// largest integer part and finest step. Quant on an activation -> Quantize
/// layer (QuantParams = float semantics; result precision + tensor type =
/// the exact type when it exists). Otherwise (non power-of-two scale or
/// zero point != 0): ScaleShift "<q>_prescale" (x/s + z) -> Quantize "<q>"
/// on the integer grid (scale 1, zero point 0, type ap_int/ap_uint<b> with
/// the same modes) -> ScaleShift "<q>_postscale" (q*s - z*s).
/// BipolarQuant on an activation -> Activation BinaryTanh with `quant`
/// {bipolar=true, scale} (QONNX: x >= 0 -> +scale, else -scale); result
/// ap_fixed<2, log2(s)+2> when s is a power of two. Trunc on an activation
/// -> Quantize with quant.trunc, bit_width = out_bit_width, param
/// "in_bit_width". Quant/Trunc attributes signed, narrow, rounding_mode are
/// required (a missing one is an error, not the spec default).
///
/// Errors (Status): unreadable/truncated/garbage file (names the file),
/// unsupported op (names node and op type), missing or bad attribute
/// (names node, op, attribute), shape mismatch.
/// Precisions of tensors and params are left unset except where a quantizer
/// fixes them (Param::type_from_quantizer / Quantize layers).
StatusOr<ir::Graph> LoadOnnx(const std::string& path);

}  // namespace hlsforge::frontends
