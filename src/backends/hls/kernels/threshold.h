// hlsforge HLS kernel library: BatchNormalization + sign / ternary folded to
// integer thresholds (hls4ml normalize_binary_tanh / normalize_ternary_tanh):
//   binary : x >= t[c] -> +1 else -1; into an XNOR-encoded result
//            (CONFIG_T::xnor_output, ap_uint<1>) as 1 / 0
//   ternary: res = x > hi[c] ? 1 : (x <= lo[c] ? -1 : 0)
// Comparisons are exact (each operand in its own type).
#ifndef HLSFORGE_NNET_THRESHOLD_H_
#define HLSFORGE_NNET_THRESHOLD_H_

#include "activation.h"
#include "nnet_common.h"

namespace nnet {

struct threshold_config {
  static const unsigned n_in = 10;
  static const unsigned n_scale_bias = 10;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  static const bool xnor_output = true;
  typedef fixed_t<16, 6> threshold_t;
};

template <class data_T, class res_T, typename CONFIG_T>
void normalize_binary_tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                           const typename CONFIG_T::threshold_t threshold[CONFIG_T::n_scale_bias]) {
  #pragma HLS PIPELINE
  #pragma HLS ARRAY_PARTITION variable=threshold complete
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    if (data[i] >= threshold[i % CONFIG_T::n_scale_bias]) res[i] = SignValue<res_T, CONFIG_T::xnor_output>::pos();
    else res[i] = SignValue<res_T, CONFIG_T::xnor_output>::neg();
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void normalize_ternary_tanh(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
                            const typename CONFIG_T::threshold_t threshold_hi[CONFIG_T::n_scale_bias],
                            const typename CONFIG_T::threshold_t threshold_lo[CONFIG_T::n_scale_bias]) {
  #pragma HLS PIPELINE
  #pragma HLS ARRAY_PARTITION variable=threshold_hi complete
  #pragma HLS ARRAY_PARTITION variable=threshold_lo complete
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    const unsigned c = i % CONFIG_T::n_scale_bias;
    int_t<2> v;
    if (data[i] > threshold_hi[c]) v = 1;
    else if (data[i] <= threshold_lo[c]) v = -1;
    else v = 0;
    res[i] = (res_T)v;
  }
}

}  // namespace nnet

#endif
