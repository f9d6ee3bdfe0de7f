// ONNX convolutional ops -> IR attributes, independent of the converter's
// state (their node handlers are declared in onnx_ops.h): each function
// takes the node, its activation's ONNX shape (batch included, batch = 1) and
// constant inputs, and returns the IR layer's attributes, params and the
// output's ONNX shape. Window geometry: WindowGeometry (window_geometry.h).
//
// Layouts: `channels_last` = the activation's ONNX shape is [1, (H,) W, C]
// (nodes of QONNX's channels-last domain "qonnx.custom_op.channels_last",
// after ConvertToChannelsLastAndClean, as hls4ml reads them); otherwise the
// standard [1, C, (H,) W]. Weights: standard ONNX W[c_out, c_in/group, (kh,) kw];
// channels-last domain W[c_out, (kh,) kw, c_in/group]. IR weights are
// [(kh,) kw, c_in, c_out] (depthwise [(kh,) kw, c_in, depth_multiplier]).
//
// Errors (hlsforge::Error, message starts with `where`, which names the
// node): auto_pad other than NOTSET/VALID/SAME_UPPER, dilation > 1, group
// conv other than depthwise, a kernel or pool window larger than its (padded)
// input, ceil_mode, non-zero Pad values or non-constant mode, Resize modes
// other than nearest with integer scales, 3-D or larger convolutions.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "hlsforge/ir/graph.h"

namespace hlsforge::frontends::onnx_detail {

struct ConvResult {
  ir::ConvAttrs attrs;
  std::vector<int64_t> weight_shape;  ///< IR layout
  std::vector<double> weight;
  std::vector<int64_t> out_shape;     ///< ONNX layout (same convention as the input)
};

/// Conv. w_shape/w: the constant weight as stored in the model.
ConvResult ConvertConv(const onnx::NodeProto& n, const std::string& where, const std::vector<int64_t>& in_shape,
                       bool channels_last, const std::vector<int64_t>& w_shape, const std::vector<double>& w);

struct PoolResult {
  ir::PoolAttrs attrs;
  std::vector<int64_t> out_shape;
};

/// MaxPool, AveragePool (count_include_pad -> count_pad), GlobalMaxPool,
/// GlobalAveragePool. Global outputs keep ONNX's [1, C, 1, 1] (or
/// [1, 1, 1, C] channels-last).
PoolResult ConvertPool(const onnx::NodeProto& n, const std::string& where, const std::vector<int64_t>& in_shape,
                       bool channels_last);

struct ResizeResult {
  ir::LayerKind kind = ir::LayerKind::ZeroPadding;  ///< ZeroPadding, Cropping or UpSampling
  ir::ResizeAttrs attrs;
  std::vector<int64_t> out_shape;
};

/// Pad (constant mode, value 0, pads on spatial axes only; negative pads on
/// every spatial side = Cropping). pads: the 'pads' input (opset >= 11) or attribute.
ResizeResult ConvertPad(const onnx::NodeProto& n, const std::string& where, const std::vector<int64_t>& in_shape,
                        bool channels_last, const std::vector<double>& pads, double value);

/// Resize / Upsample with mode nearest and integer spatial scales (from
/// `scales`, or `sizes` when scales is empty); batch and channel scale 1.
ResizeResult ConvertResize(const onnx::NodeProto& n, const std::string& where, const std::vector<int64_t>& in_shape,
                           bool channels_last, const std::vector<double>& scales, const std::vector<double>& sizes);

/// IR axis (per sample, channels-last) of ONNX axis `axis` of a rank-r
/// activation. Errors on the batch axis.
int IrAxis(int64_t axis, size_t rank, bool channels_last, const std::string& where);

}  // namespace hlsforge::frontends::onnx_detail
