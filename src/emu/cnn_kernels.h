// Kernels of the convolutional layers: Conv, Pooling, ZeroPadding,
// Cropping, UpSampling, Merge. Same conventions as kernels.h; Merge is the
// one two-input kernel (BinaryKernel::Run2).
#pragma once

#include "kernels.h"

namespace hlsforge::emu::detail {

/// A kernel of a two-input layer: `a` = words of inputs[0], `b` = inputs[1].
class BinaryKernel : public Kernel {
 public:
  virtual void Run2(const int64_t* a, const int64_t* b, int64_t* out, Scratch& s) const = 0;
};

/// The second input of a Merge layer, types resolved.
struct SecondInput {
  FixedType type;
  std::vector<int64_t> shape;
  int64_t n = 0;
};

StatusOr<std::unique_ptr<Kernel>> MakeConv(const LayerIO& io);
StatusOr<std::unique_ptr<Kernel>> MakePooling(const LayerIO& io);
/// ZeroPadding, Cropping, UpSampling.
StatusOr<std::unique_ptr<Kernel>> MakeResize(const LayerIO& io);
StatusOr<std::unique_ptr<BinaryKernel>> MakeMerge(const LayerIO& io, const SecondInput& b);

/// The kernel of a one-input layer (every kind but Input and Merge), by
/// io.layer->kind. Error: a kind the emulator does not support (names the layer).
StatusOr<std::unique_ptr<Kernel>> MakeKernel(const LayerIO& io);

Status RunFloatConv(const LayerIO& io, const double* in, double* out);
Status RunFloatPooling(const LayerIO& io, const double* in, double* out);
Status RunFloatResize(const LayerIO& io, const double* in, double* out);
Status RunFloatMerge(const LayerIO& io, const SecondInput& b, const double* a, const double* bv, double* out);

}  // namespace hlsforge::emu::detail
