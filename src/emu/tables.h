// Internal: the emulator's resolved constants of its table and comparator
// kernels (lookup tables, formats, thresholds), built once here and read both
// by the emulator's kernels and by the Verilog backend (src/backends/rtl/),
// so that the hardware ROMs hold exactly the emulator's words.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels.h"

namespace hlsforge::emu::detail {

/// The table of a table activation of an Activation layer (activation.cpp):
/// sigmoid, tanh, softplus, softsign (over [-8, 8), tanh [-4, 4)): index of a
/// word x of the input format clamp(ScaledIndex(x, in_f, table_size, div) +
/// offset, 0, table_size - 1) with offset = table_size / 2; ELU / SELU
/// (negative inputs, over (-8, 0]): div = -8, offset = 0.
struct TableActivation {
  int64_t table_size = 0;
  int64_t div = 16;                 ///< 16 ([-8, 8)), 8 (tanh, [-4, 4)) or -8 (ELU/SELU)
  int64_t offset = 0;               ///< table_size / 2, or 0 (ELU/SELU)
  Format table_f{};                 ///< table_t
  std::vector<int64_t> table_words; ///< entries as table_t words
  std::vector<int64_t> table_res;   ///< entries assigned to res_t
};
StatusOr<TableActivation> ResolveTableActivation(const LayerIO& io);

/// Every constant of a Softmax layer (softmax.cpp, whose header documents
/// the arithmetic of each implementation).
struct SoftmaxSpec {
  ir::SoftmaxImpl impl = ir::SoftmaxImpl::Stable;
  int64_t n = 0, slice = 0;
  Format in_f{}, res_f{};
  // stable / latency
  Format norm_f{}, exp_f{}, acc_f{}, inv_inp_f{}, inv_f{};
  int exp_bits = 10, inv_bits = 10;
  std::vector<int64_t> exp_acc;    ///< 2^exp_bits exp table entries as accum words
  std::vector<int64_t> inv_table;  ///< 2^inv_bits inv_table_t words
  // legacy
  Format table_f{};
  int64_t table_size = 1024;
  std::vector<int64_t> exp_legacy, inv_legacy_res;
  int64_t one_table = 0;
};
StatusOr<SoftmaxSpec> ResolveSoftmax(const LayerIO& io);
/// Top n bits of a w-bit word, as ap_uint<n> (the softmax table address).
int64_t TopBits(int64_t word, Format f, int n);

/// A Threshold layer (threshold.cpp): per channel c (element i, c = i % C)
/// binary: +1 iff x > gt[c]; ternary: +1 iff x > gt[c], -1 iff x <= le[c],
/// thresholds restated as words of the input format; results r_plus /
/// r_zero / r_minus are words of the result type.
struct ThresholdSpec {
  int64_t n = 0, c = 1;
  bool ternary = false;
  std::vector<int64_t> gt, le;
  int64_t r_plus = 1, r_zero = 0, r_minus = 0;
};
StatusOr<ThresholdSpec> ResolveThreshold(const LayerIO& io);

/// A ScaleShift layer (scale_shift.cpp): per channel c (element i, c = i % C)
/// res = convert((x * scale[c]) << p_shift + bias[c] << b_shift, sum_frac, res_f),
/// scale words of format s_f (a 1-bit unsigned scale became +-1 in {2,2,signed}),
/// bias words of b_f.
struct ScaleShiftSpec {
  int64_t n = 0, c = 1;
  Format in_f{}, s_f{}, b_f{}, res_f{};
  std::vector<int64_t> scale, bias;
  int sum_frac = 0, p_shift = 0, b_shift = 0;
};
StatusOr<ScaleShiftSpec> ResolveScaleShift(const LayerIO& io);

}  // namespace hlsforge::emu::detail
