// hlsforge HLS kernel library: Dense, Latency strategy.
// Fully unrolled multiply-accumulate, PIPELINE II=reuse_factor, the number of
// multipliers limited to CONFIG_T::multiplier_limit.
// Semantics (hls4ml dense_latency): acc[j] = (accum_t) bias[j]; then for
// i = 0..n_in-1 in order, acc[j] += (accum_t) product(data[i], w[i][j]) (the
// product at full precision, cast to accum_t, the sum cast to accum_t);
// res[j] = cast(acc[j]).  Weights: [n_in][n_out] row-major (Keras layout).
#ifndef HLSFORGE_NNET_DENSE_LATENCY_H_
#define HLSFORGE_NNET_DENSE_LATENCY_H_

#include "nnet_common.h"
#include "products.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void dense_latency(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                   const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                   const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
  #pragma HLS INLINE off
  // One instance per call site with its own constant weights, so that the
  // constants fold into the logic (zero weights cost nothing).
  #pragma HLS FUNCTION_INSTANTIATE variable=weights,biases
  #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
  #pragma HLS ARRAY_PARTITION variable=biases complete
  constexpr int mult_limit = CONFIG_T::multiplier_limit;
  #pragma HLS ALLOCATION operation instances=mul limit=mult_limit
  typedef typename CONFIG_T::accum_t accum_t;
  typedef typename CONFIG_T::template product<data_T, typename CONFIG_T::weight_t> prod_t;

  accum_t acc[CONFIG_T::n_out];
  #pragma HLS ARRAY_PARTITION variable=acc complete

ResetAccum:
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
    #pragma HLS UNROLL
    acc[j] = (accum_t)biases[j];
  }
Product1:
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    #pragma HLS UNROLL
    data_T x = data[i];
  Product2:
    for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
      #pragma HLS UNROLL
      const unsigned k = i * CONFIG_T::n_out + j;
      if (prod_t::zero_free && weights[k] == 0) continue;  // zero weight: no multiplier
      accum_t m = prod_t::product(x, weights[k]);
      acc[j] += m;
    }
  }
Result:
  for (unsigned j = 0; j < CONFIG_T::n_out; j++) {
    #pragma HLS UNROLL
    res[j] = DenseCast<res_T, CONFIG_T, CONFIG_T::xnor_popcount>::cast(acc[j]);
  }
}

}  // namespace nnet

#endif
