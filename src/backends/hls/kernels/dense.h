// hlsforge HLS kernel library: Dense dispatcher (CONFIG_T::strategy).
#ifndef HLSFORGE_NNET_DENSE_H_
#define HLSFORGE_NNET_DENSE_H_

#include "dense_latency.h"
#include "dense_resource.h"

namespace nnet {

/// Base of the generated per-layer Dense configs (parameters.h).
struct dense_config {
  static const unsigned n_in = 10;
  static const unsigned n_out = 10;
  static const unsigned io_type = io_parallel;
  static const unsigned strategy = latency;
  static const unsigned reuse_factor = 1;
  static const unsigned n_zeros = 0;
  static const unsigned multiplier_limit = 100;
  static const bool xnor_popcount = false;
  typedef fixed_t<16, 6> accum_t;
  typedef fixed_t<16, 6> bias_t;
  typedef fixed_t<16, 6> weight_t;
  template <class x_T, class y_T> using product = nnet::product::mult<x_T, y_T>;
};

template <class data_T, class res_T, typename CONFIG_T>
void dense(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
           const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
           const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
  #pragma HLS INLINE
  if (CONFIG_T::strategy == latency) {
    dense_latency<data_T, res_T, CONFIG_T>(data, res, weights, biases);
  } else {
    dense_resource<data_T, res_T, CONFIG_T>(data, res, weights, biases);
  }
}

}  // namespace nnet

#endif
