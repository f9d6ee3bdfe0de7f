// The ONNX op handlers, by family; registered by op type in OpTable
// (onnx_op_table.cpp). Each throws hlsforge::Error naming the node. Not part
// of the public API.
#pragma once

#include "onnx_converter.h"

namespace hlsforge::frontends::onnx_detail {

// ---- onnx_fold.cpp: constant folding (shape subgraphs, constant chains)
Const FoldConstant(Converter& cv, int i);   ///< Constant (value, value_float(s), value_int(s))
Const FoldShape(Converter& cv, int i);      ///< Shape (start, end) of a constant or an activation
Const FoldIdentity(Converter& cv, int i);   ///< Identity, Dropout
Const FoldCast(Converter& cv, int i);       ///< Cast (to an integer type truncates)
Const FoldArith(Converter& cv, int i);      ///< Add, Sub, Mul, Div, Pow with broadcasting
Const FoldUnary(Converter& cv, int i);      ///< Sqrt, Neg, Abs, Reciprocal, Relu
Const FoldSqueeze(Converter& cv, int i);    ///< Squeeze, Unsqueeze
Const FoldReshape(Converter& cv, int i);    ///< Reshape
Const FoldFlatten(Converter& cv, int i);    ///< Flatten
Const FoldTranspose(Converter& cv, int i);  ///< Transpose (keeps a quantizer's type)
Const FoldGather(Converter& cv, int i);     ///< Gather
Const FoldConcat(Converter& cv, int i);     ///< Concat
Const FoldMatMul(Converter& cv, int i);     ///< MatMul of two 2-D constants

// ---- onnx_ops_dense.cpp
void GemmNode(Converter& cv, int i);    ///< Gemm -> Dense (alpha, beta, transB)
void MatMulNode(Converter& cv, int i);  ///< MatMul by a constant -> Dense
/// Add of a constant to the sole output of a bias-less Dense -> its bias.
/// Returns false (nothing changed) when the Add cannot merge.
bool MergeDenseBias(Converter& cv, int i, const Act& in, int act_input, const Const& c);

// ---- onnx_ops_norm.cpp
void BatchNormNode(Converter& cv, int i);  ///< BatchNormalization -> ScaleShift
/// Add, Sub, Mul, Div: of two activations -> Merge (MergeNode); of an
/// activation and a constant -> Dense bias (MergeDenseBias) or ScaleShift.
void ArithNode(Converter& cv, int i);

// ---- onnx_ops_activation.cpp
void ActivationNode(Converter& cv, int i);  ///< Relu, Sigmoid, Tanh, LeakyRelu
void SoftmaxNode(Converter& cv, int i);     ///< Softmax on the last axis

// ---- onnx_ops_quant.cpp: QONNX quantizers on activations and constants
void QuantNode(Converter& cv, int i);
void BipolarQuantNode(Converter& cv, int i);
void TruncNode(Converter& cv, int i);
Const FoldQuant(Converter& cv, int i);
Const FoldBipolarQuant(Converter& cv, int i);
Const FoldTrunc(Converter& cv, int i);
/// The fake quantizer `qp` (scale / zero point: one value or one per channel)
/// on activation `in`, output tensor `out_name`, layers named after node i:
/// one Quantize layer whose result type performs it exactly (QuantExactType),
/// else AddIntegerGridQuant + AddDequantScale. Returns the output activation.
Act AddFakeQuant(Converter& cv, int i, const Act& in, const ir::QuantParams& qp, const std::string& out_name);
/// ScaleShift x*(1/s) + z ("<node>_prescale") then a Quantize of `qp` on the
/// integer grid (scale 1, zero point 0) writing `out_name`; s, z one per
/// channel. Returns the Quantize's activation.
Act AddIntegerGridQuant(Converter& cv, int i, const Act& in, const std::vector<double>& s, const std::vector<double>& z,
                        const ir::QuantParams& qp, const std::string& out_name);
/// ScaleShift layer `name`: y = q*s - z*s = (q - z)*s, s and z one per
/// channel. Returns its layer index.
int AddDequantScale(Converter& cv, int i, const Act& q_act, const std::vector<double>& s, const std::vector<double>& z,
                    const std::string& name, const std::string& out_name);

// ---- onnx_ops_qdq.cpp: ONNX QuantizeLinear / DequantizeLinear
void QuantizeLinearNode(Converter& cv, int i);    ///< Q (fused with its DequantizeLinear: a fake quantizer)
void DequantizeLinearNode(Converter& cv, int i);  ///< DQ on an activation
Const FoldQuantizeLinear(Converter& cv, int i);    ///< Q of a constant: the integers, typed by the zero point
Const FoldDequantizeLinear(Converter& cv, int i);  ///< DQ of constant integers: the values and their exact type

// ---- onnx_ops_shape.cpp
void ReshapeNode(Converter& cv, int i);    ///< Flatten, Reshape
void TransposeNode(Converter& cv, int i);  ///< layout relabel at the model boundary, or identity
void IdentityNode(Converter& cv, int i);   ///< Identity, inference Dropout (aliases)
void SqueezeNode(Converter& cv, int i);    ///< Squeeze, Unsqueeze of size-1 axes (aliases)

// ---- onnx_conv.cpp
void ConvNode(Converter& cv, int i);    ///< Conv
void PoolNode(Converter& cv, int i);    ///< MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool
void PadNode(Converter& cv, int i);     ///< Pad -> ZeroPadding / Cropping
void ResizeNode(Converter& cv, int i);  ///< Resize, Upsample -> UpSampling
/// Concat of two activations; Add/Sub/Mul/Max/Min of two activations of equal shape -> Merge.
void MergeNode(Converter& cv, int i);

}  // namespace hlsforge::frontends::onnx_detail
