// Internal interface of the bit-exact emulator: one compiled kernel per IR
// layer. A kernel is built once per Predict/Trace call (weights quantized to
// words, tables filled, formats resolved) and then run on every sample with
// no allocation: words in, words out (int64_t per element, the fixed_core.h
// word convention: sign-extended for signed formats).
//
// Semantics: hls4ml's io_parallel firmware (Vitis backend, nnet_utils at
// hls4ml 1.4.0.dev17 / commit ef92ebdf2) compiled against the vendor ap_fixed
// types; every rounding/overflow goes through fixed_core.h.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hlsforge/fixed/fixed_core.h"
#include "hlsforge/fixed/fixed_type.h"
#include "hlsforge/ir/graph.h"
#include "hlsforge/util/status.h"

namespace hlsforge::emu::detail {

using fx::Format;

inline Format Fmt(const FixedType& t) {
  return Format{t.width(), t.integer(), t.is_signed(), t.quant(), t.overflow(), t.family()};
}

/// Assignment of words of one format to another, with a fast path for the
/// common TRN/WRAP target (a shift and a wrap); otherwise fx::cast.
class FastCast {
 public:
  FastCast() = default;
  FastCast(Format from, Format to) : from_(from), to_(to) {
    sh_ = fx::frac(from) - fx::frac(to);
    simple_ = to.q == fx::Quant::TRN && to.o == fx::Overflow::WRAP && from.w < 64 && to.w < 64 &&
              sh_ > -63 && sh_ < 63;
  }
  bool simple() const { return simple_; }
  /// The TRN/WRAP path only (simple() must be true).
  int64_t Simple(int64_t word) const {
    const uint64_t v = sh_ >= 0 ? static_cast<uint64_t>(word >> sh_) : static_cast<uint64_t>(word) << -sh_;
    const uint64_t u = v << (64 - to_.w);
    return to_.s ? (static_cast<int64_t>(u) >> (64 - to_.w)) : static_cast<int64_t>(u >> (64 - to_.w));
  }
  int64_t operator()(int64_t word) const {
    if (!simple_) return fx::cast(word, from_, to_);
    // floor(word * 2^-sh) (TRN), then the low to.w bits
    const uint64_t v = sh_ >= 0 ? static_cast<uint64_t>(word >> sh_) : static_cast<uint64_t>(word) << -sh_;
    const uint64_t u = v << (64 - to_.w);
    return to_.s ? (static_cast<int64_t>(u) >> (64 - to_.w)) : static_cast<int64_t>(u >> (64 - to_.w));
  }

 private:
  Format from_{}, to_{};
  int sh_ = 0;
  bool simple_ = false;
};

/// Per-thread scratch space, grown on first use and then reused.
struct Scratch {
  std::vector<double> d;
  std::vector<double> d2;
  std::vector<int64_t> i;
  std::vector<int64_t> j;
};

class Kernel {
 public:
  virtual ~Kernel() = default;
  /// in: n_in words of the input format; out: n_out words of the result format.
  virtual void Run(const int64_t* in, int64_t* out, Scratch& s) const = 0;
};

/// Everything a kernel factory needs about one layer, types resolved.
struct LayerIO {
  const ir::Graph* g = nullptr;
  const ir::Layer* layer = nullptr;
  FixedType in_type;
  FixedType out_type;
  std::vector<int64_t> in_shape;
  std::vector<int64_t> out_shape;
  int64_t n_in = 0;
  int64_t n_out = 0;
  /// "layer \"name\" (Kind)" for messages.
  std::string where() const;
};

/// ir::ResolvedType(*io.layer, s): the param's own type if the param exists
/// and is typed, else the config slot. Fails (naming layer and slot) when
/// neither is resolved.
StatusOr<FixedType> NeedType(const LayerIO& io, ir::Slot s);

/// hls4ml's ceillog2 (nnet_common.h): ceillog2(x) = x <= 2 ? 1 : 1 + ceillog2((x+1)/2).
int CeilLog2(int64_t x);

/// hls4ml's `int i = x * N / D` on a fixed-point x of format f (word `word`):
/// the product is exact and keeps x's LSB 2^-F (F = fractional bits of f);
/// the quotient keeps the dividend's LSB too (ap_fixed_base / ac_fixed
/// `operator/`: quotient type with W1 + max(F2, 0) + S2 bits, I1 + F2 + S2
/// integer bits, i.e. F1 fractional bits; its word is the dividend's word
/// divided, truncated toward zero); then the conversion to int truncates
/// toward zero. So for F >= 0 the index is trunc0(x * N / D), and for F < 0
/// (an LSB of 2^-F > 1) it is trunc0(word * N / D) * 2^-F: x = 2 of
/// ap_fixed<4,5> (word 1), N = 1000, D = 16 gives 62 * 2 = 124, not 125.
/// |result| is capped at 2^62 (callers clamp to their table).
int64_t ScaledIndex(int64_t word, Format f, int64_t mul, int64_t div);

// ---- factories (one per source file) --------------------------------------
StatusOr<std::unique_ptr<Kernel>> MakeDense(const LayerIO& io);
StatusOr<std::unique_ptr<Kernel>> MakeActivation(const LayerIO& io);
StatusOr<std::unique_ptr<Kernel>> MakeSoftmax(const LayerIO& io);
StatusOr<std::unique_ptr<Kernel>> MakeScaleShift(const LayerIO& io);
StatusOr<std::unique_ptr<Kernel>> MakeThreshold(const LayerIO& io);
/// Quantize and Reshape: assignment of the input word to the result type.
StatusOr<std::unique_ptr<Kernel>> MakeQuantize(const LayerIO& io);

/// Float mode: the layer evaluated in double (ONNX/QONNX/Keras float
/// semantics). in: n_in values, out: n_out values.
Status RunFloatLayer(const LayerIO& io, const double* in, double* out);

/// Float mode Dense of one row, precompiled: out[j] = bias[j] (0 if bias is
/// null), then for i = 0..n_in-1 with in[i] != 0: out[j] += in[i] * w[i*n_out + j]
/// (separately rounded multiply and add, i ascending: the same doubles as the
/// Dense case of RunFloatLayer). w: [n_in, n_out] row-major. No allocation
/// once `s` has grown.
void FloatDenseRow(const double* w, const double* bias, int64_t n_in, int64_t n_out, const double* in, double* out,
                   Scratch& s);

}  // namespace hlsforge::emu::detail
