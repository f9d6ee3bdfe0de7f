// hlsforge HLS kernel library: per-channel scale and shift (BatchNormalization
// folded, hls4ml "normalize"): res[i] = data[i] * scale[c] + bias[c] with
// c = i % n_scale_bias (channels-last), product and sum at full precision,
// assigned to res_T.
#ifndef HLSFORGE_NNET_NORMALIZE_H_
#define HLSFORGE_NNET_NORMALIZE_H_

#include "nnet_common.h"

namespace nnet {

struct batchnorm_config {
  static const unsigned n_in = 10;
  static const unsigned n_scale_bias = 10;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  static const unsigned multiplier_limit = 10;
  typedef fixed_t<16, 6> scale_t;
  typedef fixed_t<16, 6> bias_t;
};

template <class data_T, class res_T, typename CONFIG_T>
void normalize(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in],
               const typename CONFIG_T::scale_t scale[CONFIG_T::n_scale_bias],
               const typename CONFIG_T::bias_t bias[CONFIG_T::n_scale_bias]) {
  #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
  #pragma HLS ARRAY_PARTITION variable=scale complete
  #pragma HLS ARRAY_PARTITION variable=bias complete
  constexpr int mult_limit = CONFIG_T::multiplier_limit;
  #pragma HLS ALLOCATION operation instances=mul limit=mult_limit
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    const unsigned c = i % CONFIG_T::n_scale_bias;
    res[i] = data[i] * scale[c] + bias[c];
  }
}

}  // namespace nnet

#endif
