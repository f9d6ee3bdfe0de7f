// The ONNX op registration table: one entry per op type, naming its handler
// on activations (convert) and on constants (fold). Ops outside this table
// are reported as unsupported, naming the node.
#include "onnx_ops.h"

namespace hlsforge::frontends::onnx_detail {

const std::map<std::string, OpHandlers>& OpTable() {
  static const std::map<std::string, OpHandlers> table = {
      // dense
      {"Gemm", {GemmNode, nullptr}},
      {"MatMul", {MatMulNode, FoldMatMul}},
      // element-wise arithmetic (by a constant, or two activations)
      {"Add", {ArithNode, FoldArith}},
      {"Sub", {ArithNode, FoldArith}},
      {"Mul", {ArithNode, FoldArith}},
      {"Div", {ArithNode, FoldArith}},
      {"Pow", {nullptr, FoldArith}},
      {"Max", {MergeNode, nullptr}},
      {"Min", {MergeNode, nullptr}},
      // normalization
      {"BatchNormalization", {BatchNormNode, nullptr}},
      // activations
      {"Relu", {ActivationNode, FoldUnary}},
      {"Sigmoid", {ActivationNode, nullptr}},
      {"Tanh", {ActivationNode, nullptr}},
      {"LeakyRelu", {ActivationNode, nullptr}},
      {"ThresholdedRelu", {ActivationNode, nullptr}},
      {"PRelu", {ActivationNode, nullptr}},
      {"Elu", {ActivationNode, nullptr}},
      {"Selu", {ActivationNode, nullptr}},
      {"Softplus", {ActivationNode, nullptr}},
      {"Softsign", {ActivationNode, nullptr}},
      {"HardSigmoid", {ActivationNode, nullptr}},
      {"Clip", {ActivationNode, nullptr}},
      {"Softmax", {SoftmaxNode, nullptr}},
      {"Sqrt", {nullptr, FoldUnary}},
      {"Neg", {nullptr, FoldUnary}},
      {"Abs", {nullptr, FoldUnary}},
      {"Reciprocal", {nullptr, FoldUnary}},
      // QONNX quantizers
      {"Quant", {QuantNode, FoldQuant}},
      {"BipolarQuant", {BipolarQuantNode, FoldBipolarQuant}},
      {"Trunc", {TruncNode, FoldTrunc}},
      // shape and data movement
      {"Flatten", {ReshapeNode, FoldFlatten}},
      {"Reshape", {ReshapeNode, FoldReshape}},
      {"Transpose", {TransposeNode, FoldTranspose}},
      {"Identity", {IdentityNode, FoldIdentity}},
      {"Dropout", {IdentityNode, FoldIdentity}},
      {"Squeeze", {SqueezeNode, FoldSqueeze}},
      {"Unsqueeze", {SqueezeNode, FoldSqueeze}},
      {"Constant", {nullptr, FoldConstant}},
      {"Shape", {nullptr, FoldShape}},
      {"Cast", {nullptr, FoldCast}},
      {"Gather", {nullptr, FoldGather}},
      {"Concat", {MergeNode, FoldConcat}},
      // convolutional
      {"Conv", {ConvNode, nullptr}},
      {"MaxPool", {PoolNode, nullptr}},
      {"AveragePool", {PoolNode, nullptr}},
      {"GlobalMaxPool", {PoolNode, nullptr}},
      {"GlobalAveragePool", {PoolNode, nullptr}},
      {"Pad", {PadNode, nullptr}},
      {"Resize", {ResizeNode, nullptr}},
      {"Upsample", {ResizeNode, nullptr}},
  };
  return table;
}

}  // namespace hlsforge::frontends::onnx_detail
