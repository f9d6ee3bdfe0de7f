// hlsforge HLS kernel library: the product of one input and one weight,
// chosen by the types (hls4ml's nnet::product classes, same semantics):
//   mult           a * w at full precision
//   weight_binary  XNOR-encoded weight (ap_uint<1>: 0 = -1, 1 = +1): -a or a
//   data_binary    XNOR-encoded input: -w or w
//   both_binary    both XNOR-encoded: XNOR bit (a == w), popcount-accumulated
//   weight_ternary 2-bit signed weight in {-1,0,1}: -a, 0 or a
// `zero_free` says a zero weight word contributes exactly 0, so it can be
// skipped (no multiplier for zero weights).
#ifndef HLSFORGE_NNET_PRODUCTS_H_
#define HLSFORGE_NNET_PRODUCTS_H_

#include "nnet_common.h"

namespace nnet {
namespace product {

template <class x_T, class w_T> struct mult {
  static const bool zero_free = true;
  static auto product(x_T a, w_T w) -> decltype(a * w) {
    #pragma HLS INLINE
    return a * w;
  }
};

template <class x_T, class w_T> struct weight_binary {
  static const bool zero_free = false;
  static auto product(x_T a, w_T w) -> decltype(-a) {
    #pragma HLS INLINE
    if (w == 0) return -a;
    return a;
  }
};

template <class x_T, class w_T> struct data_binary {
  static const bool zero_free = true;
  static auto product(x_T a, w_T w) -> decltype(-w) {
    #pragma HLS INLINE
    if (a == 0) return -w;
    return w;
  }
};

template <class x_T, class w_T> struct both_binary {
  static const bool zero_free = false;
  static uint_t<1> product(x_T a, w_T w) {
    #pragma HLS INLINE
    return a == w;
  }
};

template <class x_T, class w_T> struct weight_ternary {
  static const bool zero_free = true;
  static auto product(x_T a, w_T w) -> decltype(-a) {
    #pragma HLS INLINE
    if (w == 0) return 0;
    if (w == -1) return -a;
    return a;
  }
};

}  // namespace product

/// Final cast of a Dense accumulator: plain assignment, except for an
/// XNOR-popcount layer (both_binary), whose popcount p over n_in inputs is
/// mapped back to the bipolar sum 2*(p - n_in/2) as hls4ml does.
template <class res_T, typename CONFIG_T, bool XNOR> struct DenseCast {
  static res_T cast(typename CONFIG_T::accum_t x) { return (res_T)x; }
};
template <class res_T, typename CONFIG_T> struct DenseCast<res_T, CONFIG_T, true> {
  static res_T cast(typename CONFIG_T::accum_t x) {
    int_t<ceillog2(CONFIG_T::n_in) + 2> c = trunc_int(x - uint_t<bits_for(CONFIG_T::n_in / 2)>(CONFIG_T::n_in / 2));
    return (res_T)(c * uint_t<2>(2));
  }
};

}  // namespace nnet

#endif
