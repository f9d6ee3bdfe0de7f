// hlsforge HLS kernel library: softmax over n_in values (hls4ml semantics).
//   stable : d_i = (inp_norm_t)(max - x_i); e_i = exp_table[top bits of d_i]
//            (table of exp(-v) over inp_norm_t's top bits); sum in accum_t by
//            a balanced adder tree, assigned to inv_inp_t; inv =
//            inv_table[top bits of the sum]; res_i = e_i * inv.
//   latency: as stable without the max subtraction (table of exp(v) over
//            data_T's top bits).
//   legacy : exp table over [-8, 8) indexed by trunc((x_j - x_i) * N / 16) +
//            N/2, summed per output in table_t; 1/x table over [0, 64).
//   argmax : one-hot of the first maximum.
// Tables: float math (std::exp, 1/x), each entry assigned to its table type.
#ifndef HLSFORGE_NNET_SOFTMAX_H_
#define HLSFORGE_NNET_SOFTMAX_H_

#include <cmath>
#include <limits>

#include "activation.h"
#include "nnet_common.h"

namespace nnet {

struct softmax_config {
  static const unsigned n_in = 10;
  static const unsigned exp_table_size = 1024;
  static const unsigned inv_table_size = 1024;
  static const unsigned io_type = io_parallel;
  static const unsigned reuse_factor = 1;
  static const softmax_implementation implementation = softmax_implementation::stable;
  typedef fixed_t<18, 8> table_t;
  typedef fixed_rnd_sat_t<18, 8> exp_table_t;
  typedef fixed_rnd_sat_t<18, 8> inv_table_t;
  typedef fixed_rnd_sat_t<18, 8> accum_t;
  typedef fixed_rnd_sat_t<18, 8> inv_inp_t;
  typedef ufixed_t<18, 8> inp_norm_t;
};

/// exp table addressed by the top bits of idx_T; `negate`: entry = exp(-v).
template <class idx_T, typename CONFIG_T, bool negate>
void init_exp_table(typename CONFIG_T::exp_table_t table[CONFIG_T::exp_table_size]) {
  constexpr int N = ceillog2(CONFIG_T::exp_table_size);
  for (unsigned i = 0; i < CONFIG_T::exp_table_size; i++) {
    float x = value_of_top_bits<idx_T, N>(i);  // the exp argument (hls4ml's exp_scale is 1)
    if (negate) x = -x;
    table[i] = std::exp(x);
  }
}

/// 1/v table addressed by the top bits of idx_T (1/0 -> 1/FLT_MIN, saturating).
template <class idx_T, typename CONFIG_T>
void init_invert_table(typename CONFIG_T::inv_table_t table[CONFIG_T::inv_table_size]) {
  constexpr int N = ceillog2(CONFIG_T::inv_table_size);
  for (unsigned i = 0; i < CONFIG_T::inv_table_size; i++) {
    float x = value_of_top_bits<idx_T, N>(i);
    float safe = x == 0.0f ? std::numeric_limits<float>::min() : x;
    table[i] = 1 / safe;
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_stable(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  typedef typename CONFIG_T::accum_t accum_t;
#ifdef __SYNTHESIS__
  bool initialized = false;
  typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size];
  typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size];
#else
  static bool initialized = false;
  static typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size];
  static typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size];
#endif
  if (!initialized) {
    init_exp_table<typename CONFIG_T::inp_norm_t, CONFIG_T, true>(exp_table);
    init_invert_table<typename CONFIG_T::inv_inp_t, CONFIG_T>(inv_table);
    initialized = true;
  }
  data_T x_max = reduce<data_T, CONFIG_T::n_in, Op_max<data_T>>(data, Op_max<data_T>());
  accum_t exp_res[CONFIG_T::n_in];
  #pragma HLS ARRAY_PARTITION variable=exp_res complete
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    #pragma HLS UNROLL
    typename CONFIG_T::inp_norm_t d = x_max - data[i];
    exp_res[i] = exp_table[top_bits<typename CONFIG_T::inp_norm_t, ceillog2(CONFIG_T::exp_table_size)>(d)];
  }
  typename CONFIG_T::inv_inp_t exp_sum =
      reduce<accum_t, CONFIG_T::n_in, Op_add<accum_t>>(exp_res, Op_add<accum_t>());
  typename CONFIG_T::inv_table_t inv_sum =
      inv_table[top_bits<typename CONFIG_T::inv_inp_t, ceillog2(CONFIG_T::inv_table_size)>(exp_sum)];
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    #pragma HLS UNROLL
    res[i] = exp_res[i] * inv_sum;
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_latency(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  typedef typename CONFIG_T::accum_t accum_t;
#ifdef __SYNTHESIS__
  bool initialized = false;
  typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size];
  typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size];
#else
  static bool initialized = false;
  static typename CONFIG_T::exp_table_t exp_table[CONFIG_T::exp_table_size];
  static typename CONFIG_T::inv_table_t inv_table[CONFIG_T::inv_table_size];
#endif
  if (!initialized) {
    init_exp_table<data_T, CONFIG_T, false>(exp_table);
    init_invert_table<typename CONFIG_T::inv_inp_t, CONFIG_T>(inv_table);
    initialized = true;
  }
  accum_t exp_res[CONFIG_T::n_in];
  #pragma HLS ARRAY_PARTITION variable=exp_res complete
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    #pragma HLS UNROLL
    exp_res[i] = exp_table[top_bits<data_T, ceillog2(CONFIG_T::exp_table_size)>(data[i])];
  }
  typename CONFIG_T::inv_inp_t exp_sum =
      reduce<accum_t, CONFIG_T::n_in, Op_add<accum_t>>(exp_res, Op_add<accum_t>());
  typename CONFIG_T::inv_table_t inv_sum =
      inv_table[top_bits<typename CONFIG_T::inv_inp_t, ceillog2(CONFIG_T::inv_table_size)>(exp_sum)];
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    #pragma HLS UNROLL
    res[i] = exp_res[i] * inv_sum;
  }
}

template <typename CONFIG_T> void init_exp_table_legacy(typename CONFIG_T::table_t table[CONFIG_T::exp_table_size]) {
  const int n = CONFIG_T::exp_table_size;
  for (int i = 0; i < n; i++) {
    float in_val = 2 * 8.0 * (i - float(n) / 2.0) / float(n);
    table[i] = std::exp(in_val);
  }
}
template <typename CONFIG_T> void init_invert_table_legacy(typename CONFIG_T::table_t table[CONFIG_T::inv_table_size]) {
  const int n = CONFIG_T::inv_table_size;
  for (int i = 0; i < n; i++) {
    float in_val = 64.0 * i / float(n);
    if (in_val > 0.0) table[i] = 1.0 / in_val;
    else table[i] = 0.0;
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_legacy(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  typedef typename CONFIG_T::table_t table_t;
#ifdef __SYNTHESIS__
  bool initialized = false;
  table_t exp_table[CONFIG_T::exp_table_size];
  table_t inv_table[CONFIG_T::inv_table_size];
#else
  static bool initialized = false;
  static table_t exp_table[CONFIG_T::exp_table_size];
  static table_t inv_table[CONFIG_T::inv_table_size];
#endif
  if (!initialized) {
    init_exp_table_legacy<CONFIG_T>(exp_table);
    init_invert_table_legacy<CONFIG_T>(inv_table);
    initialized = true;
  }
  #pragma HLS PIPELINE
  table_t exp_res[CONFIG_T::n_in];
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    exp_res[i] = 0;
    for (unsigned j = 0; j < CONFIG_T::n_in; j++) {
      table_t e;
      if (i == j) {
        e = 1;
      } else {
        e = exp_table[lut_index<decltype(data[j] - data[i]), CONFIG_T::exp_table_size, 16>(data[j] - data[i])];
      }
      exp_res[i] += e;
    }
  }
  // A local copy: passing the static const member itself to uint_t's
  // constructor odr-uses it, which needs an out-of-class definition (link error).
  const unsigned inv_n = CONFIG_T::inv_table_size;
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) {
    int idx = trunc_int(exp_res[i] * uint_t<bits_for(CONFIG_T::inv_table_size)>(inv_n) / uint_t<7>(64));
    if (idx < 0) idx = 0;
    if (idx > (int)CONFIG_T::inv_table_size - 1) idx = CONFIG_T::inv_table_size - 1;
    res[i] = (res_T)inv_table[idx];
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax_argmax(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS PIPELINE
  data_T mx = data[0];
  unsigned idx = 0;
  for (unsigned i = 1; i < CONFIG_T::n_in; i++) {
    if (data[i] > mx) { mx = data[i]; idx = i; }
  }
  for (unsigned i = 0; i < CONFIG_T::n_in; i++) res[i] = (res_T)(i == idx ? 1 : 0);
}

template <class data_T, class res_T, typename CONFIG_T>
void softmax(data_T data[CONFIG_T::n_in], res_T res[CONFIG_T::n_in]) {
  #pragma HLS INLINE
  switch (CONFIG_T::implementation) {
    case softmax_implementation::latency: softmax_latency<data_T, res_T, CONFIG_T>(data, res); break;
    case softmax_implementation::stable: softmax_stable<data_T, res_T, CONFIG_T>(data, res); break;
    case softmax_implementation::legacy: softmax_legacy<data_T, res_T, CONFIG_T>(data, res); break;
    case softmax_implementation::argmax: softmax_argmax<data_T, res_T, CONFIG_T>(data, res); break;
  }
}

}  // namespace nnet

#endif
