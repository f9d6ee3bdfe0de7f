// The Keras layer registration table: one entry per Keras class_name,
// naming its handler. Classes outside this table are reported as
// unsupported, naming the layer and class.
#include "keras_builder.h"

namespace hlsforge::frontends::keras {

const std::map<std::string, LayerHandler>& LayerTable() {
  static const std::map<std::string, LayerHandler> table = {
      // core
      {"InputLayer", AddInput},
      {"Dense", AddDense},
      {"QDense", AddDense},  // QKeras: the same handler, weights through the layer's quantizers
      {"BinaryDense", AddDense},
      {"TernaryDense", AddDense},
      {"Dropout", AddDropout},
      {"SpatialDropout1D", AddDropout},
      {"SpatialDropout2D", AddDropout},
      // activations
      {"Activation", AddActivationLayer},
      {"QActivation", AddActivationLayer},
      {"ReLU", AddReLU},
      {"LeakyReLU", AddLeakyReLU},
      {"ELU", AddParametrizedActivation},
      {"ThresholdedReLU", AddParametrizedActivation},
      {"PReLU", AddParametrizedActivation},
      {"Softmax", AddSoftmax},
      // normalization
      {"BatchNormalization", AddBatchNorm},
      {"QBatchNormalization", AddBatchNorm},
      // convolution and pooling
      {"Conv1D", AddConv},
      {"Conv2D", AddConv},
      {"DepthwiseConv1D", AddConv},
      {"DepthwiseConv2D", AddConv},
      {"SeparableConv1D", AddConv},
      {"SeparableConv2D", AddConv},
      {"QConv1D", AddConv},
      {"QConv2D", AddConv},
      {"QDepthwiseConv2D", AddConv},
      {"QSeparableConv1D", AddConv},
      {"QSeparableConv2D", AddConv},
      {"MaxPooling1D", AddPooling},
      {"MaxPooling2D", AddPooling},
      {"AveragePooling1D", AddPooling},
      {"AveragePooling2D", AddPooling},
      {"GlobalMaxPooling1D", AddPooling},
      {"GlobalMaxPooling2D", AddPooling},
      {"GlobalAveragePooling1D", AddPooling},
      {"GlobalAveragePooling2D", AddPooling},
      {"QAveragePooling1D", AddPooling},
      {"QAveragePooling2D", AddPooling},
      {"QGlobalAveragePooling1D", AddPooling},
      {"QGlobalAveragePooling2D", AddPooling},
      // HGQ proxy models (hls4ml FixedPointQuantizer)
      {"FixedPointQuantizer", AddFixedPointQuantizer},
      // reshaping
      {"Flatten", AddReshape},
      {"Reshape", AddReshape},
      {"ZeroPadding1D", AddResize},
      {"ZeroPadding2D", AddResize},
      {"Cropping1D", AddResize},
      {"Cropping2D", AddResize},
      {"UpSampling1D", AddResize},
      {"UpSampling2D", AddResize},
      // merging
      {"Add", AddMerge},
      {"Subtract", AddMerge},
      {"Multiply", AddMerge},
      {"Average", AddMerge},
      {"Maximum", AddMerge},
      {"Minimum", AddMerge},
      {"Concatenate", AddMerge},
  };
  return table;
}

}  // namespace hlsforge::frontends::keras
