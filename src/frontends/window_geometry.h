// The geometry of a sliding window (a convolution kernel or a pooling window)
// over a 1-D or 2-D image, shared by the ONNX and Keras frontends: each
// frontend parses its own spelling (ONNX kernel_shape / strides / pads /
// auto_pad / dilations, Keras kernel_size / pool_size / strides / padding /
// dilation_rate) into one WindowGeometry, and the checks, the 'same' padding
// rule, the output size and the IR attributes are computed here only.
// Not part of the public API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hlsforge/ir/graph.h"

namespace hlsforge::frontends {

/// Every vector has one entry per spatial axis, in (height,) width order;
/// sizes in image cells.
struct WindowGeometry {
  std::vector<int64_t> kernel;     ///< window size per axis
  std::vector<int64_t> stride;     ///< step between windows per axis
  std::vector<int64_t> dilation;   ///< cells between window taps per axis (only 1 is supported)
  std::vector<int64_t> pad_begin;  ///< zero cells added before the image per axis (top, left)
  std::vector<int64_t> pad_end;    ///< zero cells added after the image per axis (bottom, right)

  /// A geometry of `rank` (1 or 2) spatial axes: kernel as given, stride
  /// and dilation 1, no padding.
  static WindowGeometry Unit(const std::vector<int64_t>& kernel);

  /// Number of spatial axes (1 or 2).
  int rank() const { return static_cast<int>(kernel.size()); }

  /// 'same' padding of an image of spatial size `dims`: output size
  /// ceil(n / s) per axis, total padding max((ceil(n / s) - 1) * s + k - n, 0),
  /// of which floor(total / 2) before and the rest (the odd cell) after.
  /// Sources: TensorFlow's 'SAME' (tf.nn.convolution docs, as Keras
  /// padding='same' uses it) and ONNX auto_pad SAME_UPPER (Conv-11 spec).
  void PadSame(const std::vector<int64_t>& dims);

  /// Throws hlsforge::Error "<where>: <field> <d> is not supported (only 1)"
  /// for the first dilation other than 1 (`field` is the source model's
  /// attribute name: "dilation" for ONNX dilations, "dilation_rate" for Keras).
  void RequireUnitDilation(const std::string& where, const std::string& field) const;

  /// Output size per axis of the window sliding over `dims` (same order):
  /// floor((n + pad_begin + pad_end - k) / s) + 1. Throws hlsforge::Error
  /// naming `where` for a stride < 1, negative pads, or a window (`what`:
  /// "kernel", "pool window") larger than its padded input.
  std::vector<int64_t> OutputDims(const std::vector<int64_t>& dims, const std::string& where,
                                  const std::string& what) const;

  /// The IR attributes: rank, kernel/pool size, strides and pads (width =
  /// the last axis; height only for rank 2). Depthwise fields and the
  /// pooling op / count_pad are left to the caller.
  ir::ConvAttrs ToConv() const;
  ir::PoolAttrs ToPool() const;
};

}  // namespace hlsforge::frontends
