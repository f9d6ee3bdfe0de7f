#include "window_geometry.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "hlsforge/util/status.h"

namespace hlsforge::frontends {

WindowGeometry WindowGeometry::Unit(const std::vector<int64_t>& kernel) {
  WindowGeometry g;
  g.kernel = kernel;
  g.stride.assign(kernel.size(), 1);
  g.dilation.assign(kernel.size(), 1);
  g.pad_begin.assign(kernel.size(), 0);
  g.pad_end.assign(kernel.size(), 0);
  return g;
}

void WindowGeometry::PadSame(const std::vector<int64_t>& dims) {
  const size_t r = dims.size();
  pad_begin.assign(r, 0);
  pad_end.assign(r, 0);
  for (size_t k = 0; k < r; ++k) {
    if (stride[k] < 1) continue;  // OutputDims reports it
    const int64_t out = (dims[k] + stride[k] - 1) / stride[k];
    const int64_t total = std::max<int64_t>(0, (out - 1) * stride[k] + kernel[k] - dims[k]);
    pad_begin[k] = total / 2;
    pad_end[k] = total - total / 2;
  }
}

void WindowGeometry::RequireUnitDilation(const std::string& where, const std::string& field) const {
  for (int64_t d : dilation)
    if (d != 1) throw Error(where + ": " + field + " " + std::to_string(d) + " is not supported (only 1)");
}

std::vector<int64_t> WindowGeometry::OutputDims(const std::vector<int64_t>& dims, const std::string& where,
                                                const std::string& what) const {
  for (size_t k = 0; k < dims.size(); ++k)
    if (pad_begin[k] < 0 || pad_end[k] < 0) throw Error(where + ": negative pads are not supported");
  std::vector<int64_t> out(dims.size());
  for (size_t k = 0; k < dims.size(); ++k) {
    if (stride[k] < 1) throw Error(where + ": stride " + std::to_string(stride[k]) + " < 1");
    const int64_t padded = dims[k] + pad_begin[k] + pad_end[k];
    if (kernel[k] < 1 || kernel[k] > padded)
      throw Error(where + ": " + what + " of size " + std::to_string(kernel[k]) + " on axis " + std::to_string(k) +
                  " is larger than its input " + std::to_string(dims[k]) +
                  (padded != dims[k] ? " (padded " + std::to_string(padded) + ")" : ""));
    out[k] = (padded - kernel[k]) / stride[k] + 1;
  }
  return out;
}

namespace {

/// Fills the fields ConvAttrs and PoolAttrs share (rank, strides, pads) and
/// returns (window height, window width).
template <typename Attrs>
std::pair<int64_t, int64_t> FillCommon(const WindowGeometry& g, Attrs& a) {
  const int r = g.rank();
  a.rank = r;
  a.stride_w = g.stride.back();
  a.pad_left = g.pad_begin.back();
  a.pad_right = g.pad_end.back();
  if (r == 2) {
    a.stride_h = g.stride[0];
    a.pad_top = g.pad_begin[0];
    a.pad_bottom = g.pad_end[0];
  }
  return {r == 2 ? g.kernel[0] : 1, g.kernel.back()};
}

}  // namespace

ir::ConvAttrs WindowGeometry::ToConv() const {
  ir::ConvAttrs a;
  std::tie(a.kernel_h, a.kernel_w) = FillCommon(*this, a);
  return a;
}

ir::PoolAttrs WindowGeometry::ToPool() const {
  ir::PoolAttrs a;
  std::tie(a.pool_h, a.pool_w) = FillCommon(*this, a);
  return a;
}

}  // namespace hlsforge::frontends
