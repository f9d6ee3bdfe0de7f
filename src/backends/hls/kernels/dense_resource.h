// hlsforge HLS kernel library: Dense, Resource strategy.
// A reuse loop of R = reuse_factor iterations pipelined at II=1 (the
// function's latency is about R cycles); each iteration performs
// block_factor = n_in*n_out / R products, one per multiplier, bounded by the
// ALLOCATION pragma to CONFIG_T::multiplier_limit. Every multiplier has a
// fixed output (R <= n_in) or a fixed partial sum (R > n_in), and its input
// index advances by a constant every iteration: no division or modulo of a
// loop-varying value, no multiplexer in front of the accumulators (the
// structure of hls4ml's dense_resource kernels, written for hlsforge).
//
// Weights arrive in iteration-major order, one row of block_factor words per
// iteration (ARRAY_RESHAPE cyclic by block_factor: one wide BRAM word per
// cycle), w_r[ir * block_factor + im] (written by the HLS writer):
//   R <= n_in (n_in % R == 0, ms = n_in / R multipliers per output):
//     multiplier im = j * ms + k computes output j, input ir * ms + k;
//   R >  n_in (R % n_in == 0, q = R / n_in outputs per multiplier):
//     multiplier im computes output im * q + ir / n_in, input ir % n_in,
//     one output after the other.
// Each output receives its bias, then its products in increasing input
// order, the order of the Latency kernel: both strategies give identical
// results bit for bit, for every accumulator type (saturating ones
// included).
#ifndef HLSFORGE_NNET_DENSE_RESOURCE_H_
#define HLSFORGE_NNET_DENSE_RESOURCE_H_

#include "nnet_common.h"
#include "products.h"

namespace nnet {

template <class data_T, class res_T, typename CONFIG_T>
void dense_resource(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_out],
                    const typename CONFIG_T::weight_t weights[CONFIG_T::n_in * CONFIG_T::n_out],
                    const typename CONFIG_T::bias_t biases[CONFIG_T::n_out]) {
  #pragma HLS INLINE off
  constexpr unsigned n_in = CONFIG_T::n_in;
  constexpr unsigned n_out = CONFIG_T::n_out;
  constexpr unsigned rf = CONFIG_T::reuse_factor;
  constexpr unsigned block_factor = DIV_ROUNDUP(n_in * n_out, rf);
  constexpr bool rf_le_nin = rf <= n_in;
  constexpr unsigned ms = rf_le_nin ? n_in / rf : 1;  // multipliers per output (R <= n_in)
  constexpr unsigned q = rf_le_nin ? 1 : rf / n_in;   // outputs per multiplier (R > n_in)
  static_assert(rf_le_nin ? n_in % rf == 0 : (rf % n_in == 0 && n_out % q == 0),
                "dense_resource: reuse_factor must be one of hls4ml's valid values for n_in x n_out");
  #pragma HLS ARRAY_RESHAPE variable=weights cyclic factor=block_factor
  #pragma HLS ARRAY_PARTITION variable=biases complete
  constexpr int mult_limit = CONFIG_T::multiplier_limit;
  #pragma HLS ALLOCATION operation instances=mul limit=mult_limit
  typedef typename CONFIG_T::accum_t accum_t;
  typedef typename CONFIG_T::template product<data_T, typename CONFIG_T::weight_t> prod_t;

  accum_t acc[n_out];
  #pragma HLS ARRAY_PARTITION variable=acc complete

  if (rf_le_nin) {
  InitAccum:
    for (unsigned j = 0; j < n_out; j++) {
      #pragma HLS UNROLL
      acc[j] = (accum_t)biases[j];
    }
    unsigned in_base = 0;  // ir * ms
  ReuseLoop:
    for (unsigned ir = 0; ir < rf; ir++) {
      #pragma HLS PIPELINE II=1 rewind
    OutLoop:
      for (unsigned j = 0; j < n_out; j++) {
        #pragma HLS UNROLL
      MultLoop:
        for (unsigned k = 0; k < ms; k++) {
          #pragma HLS UNROLL
          const typename CONFIG_T::weight_t w = weights[ir * block_factor + j * ms + k];
          if (!(prod_t::zero_free && w == 0)) {
            accum_t m = prod_t::product(data[in_base + k], w);
            acc[j] += m;
          }
        }
      }
      in_base += ms;
    }
  } else {
    accum_t part[block_factor];  // the running sum of each multiplier's current output
    #pragma HLS ARRAY_PARTITION variable=part complete
    unsigned in_index = 0, out_block = 0;  // ir % n_in, ir / n_in
  ReuseLoopBlocks:
    for (unsigned ir = 0; ir < rf; ir++) {
      #pragma HLS PIPELINE II=1 rewind
    MultLoopBlocks:
      for (unsigned im = 0; im < block_factor; im++) {
        #pragma HLS UNROLL
        accum_t a = in_index == 0 ? (accum_t)biases[im * q + out_block] : part[im];
        const typename CONFIG_T::weight_t w = weights[ir * block_factor + im];
        if (!(prod_t::zero_free && w == 0)) {
          accum_t m = prod_t::product(data[in_index], w);
          a += m;
        }
        part[im] = a;
        if (in_index == n_in - 1) acc[im * q + out_block] = a;
      }
      if (in_index == n_in - 1) {
        in_index = 0;
        out_block++;
      } else {
        in_index++;
      }
    }
  }
Result:
  for (unsigned j = 0; j < n_out; j++) {
    #pragma HLS UNROLL
    res[j] = DenseCast<res_T, CONFIG_T, CONFIG_T::xnor_popcount>::cast(acc[j]);
  }
}

}  // namespace nnet

#endif
