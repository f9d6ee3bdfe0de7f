// hlsforge HLS kernel library: Merge layers of two inputs (Keras Add,
// Subtract, Multiply, Average, Maximum, Minimum, Concatenate).
//
// Semantics (hls4ml nnet_merge.h; hlsforge emulator src/emu/merge.cpp),
// element by element:
//   add / subtract / multiply: the operation at full precision, assigned to res_T;
//   average: (a + b) / (res_T)2 with the vendor's ap_fixed division;
//   maximum / minimum: a if a > b (a < b) else b, assigned to res_T;
//   concatenate: blocks of a_inner words of a then b_inner words of b, repeated
//     `outer` times (the channels-last layout split at the concatenation axis).
// io_stream: element-wise merges and channel concatenation work word by word
// (one pixel of each input per step); a concatenation along a spatial axis
// copies whole blocks of words of a, then of b.
#ifndef HLSFORGE_NNET_MERGE_H_
#define HLSFORGE_NNET_MERGE_H_

#include "nnet_common.h"

namespace nnet {

enum merge_op { merge_add = 0, merge_subtract, merge_multiply, merge_average, merge_maximum, merge_minimum };

/// Base of the generated merge configs (parameters.h).
struct merge_config {
  static const unsigned n_elem = 10;       ///< elements of each input (element-wise ops)
  static const unsigned op = merge_add;
  static const unsigned reuse_factor = 1;
};

struct concat_config {
  static const unsigned outer = 1;    ///< blocks
  static const unsigned a_inner = 5;  ///< elements of input 1 per block
  static const unsigned b_inner = 5;  ///< elements of input 2 per block
};

// One specialization per op, so that only the chosen op's expression is
// compiled (another op's full-precision type may exceed what the types allow).
template <unsigned OP> struct merge_op_impl;
template <> struct merge_op_impl<merge_add> {
  template <class R, class A, class B> static R run(A a, B b) { return (R)(a + b); }
};
template <> struct merge_op_impl<merge_subtract> {
  template <class R, class A, class B> static R run(A a, B b) { return (R)(a - b); }
};
template <> struct merge_op_impl<merge_multiply> {
  template <class R, class A, class B> static R run(A a, B b) { return (R)(a * b); }
};
template <> struct merge_op_impl<merge_average> {
  template <class R, class A, class B> static R run(A a, B b) { return (R)((a + b) / (R)2); }
};
template <> struct merge_op_impl<merge_maximum> {
  template <class R, class A, class B> static R run(A a, B b) { return a > b ? (R)a : (R)b; }
};
template <> struct merge_op_impl<merge_minimum> {
  template <class R, class A, class B> static R run(A a, B b) { return a < b ? (R)a : (R)b; }
};

template <class a_T, class b_T, class res_T, unsigned OP> res_T merge_elem(a_T a, b_T b) {
  #pragma HLS INLINE
  return merge_op_impl<OP>::template run<res_T>(a, b);
}

template <class a_T, class b_T, class res_T, typename CONFIG_T>
void merge(a_T a[CONFIG_T::n_elem], b_T b[CONFIG_T::n_elem], res_T res[CONFIG_T::n_elem]) {
  #pragma HLS INLINE off
  #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
  for (unsigned i = 0; i < CONFIG_T::n_elem; i++) {
    #pragma HLS UNROLL
    res[i] = merge_elem<a_T, b_T, res_T, CONFIG_T::op>(a[i], b[i]);
  }
}

template <class a_T, class b_T, class res_T, typename CONFIG_T>
void concatenate(a_T a[CONFIG_T::outer * CONFIG_T::a_inner], b_T b[CONFIG_T::outer * CONFIG_T::b_inner],
                 res_T res[CONFIG_T::outer * (CONFIG_T::a_inner + CONFIG_T::b_inner)]) {
  #pragma HLS INLINE off
  #pragma HLS PIPELINE
  for (unsigned o = 0; o < CONFIG_T::outer; o++) {
    for (unsigned i = 0; i < CONFIG_T::a_inner; i++)
      res[o * (CONFIG_T::a_inner + CONFIG_T::b_inner) + i] = a[o * CONFIG_T::a_inner + i];
    for (unsigned i = 0; i < CONFIG_T::b_inner; i++)
      res[o * (CONFIG_T::a_inner + CONFIG_T::b_inner) + CONFIG_T::a_inner + i] = b[o * CONFIG_T::b_inner + i];
  }
}

/// Element-wise merge of two streams of equal words (n_elem elements in all).
template <class a_T, class b_T, class res_T, typename CONFIG_T>
void merge_stream(fifo<a_T>& a, fifo<b_T>& b, fifo<res_T>& res) {
  #pragma HLS INLINE off
  for (unsigned w = 0; w < CONFIG_T::n_elem / res_T::size; w++) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    a_T x = a.read();
    b_T y = b.read();
    res_T r;
    for (unsigned j = 0; j < res_T::size; j++) {
      #pragma HLS UNROLL
      r[j] = merge_elem<typename a_T::value_type, typename b_T::value_type, typename res_T::value_type, CONFIG_T::op>(
          x[j], y[j]);
    }
    res.write(r);
  }
}

/// Concatenation of two streams: per block, a_inner elements of a (words of
/// a_T::size) then b_inner elements of b, written as words of res_T::size.
/// Channel concatenation (a_inner = a_T::size, b_inner = b_T::size) is one
/// word of each input per output word.
template <class a_T, class b_T, class res_T, typename CONFIG_T>
void concatenate_stream(fifo<a_T>& a, fifo<b_T>& b, fifo<res_T>& res) {
  #pragma HLS INLINE off
  typedef typename res_T::value_type out_t;
  constexpr unsigned block = CONFIG_T::a_inner + CONFIG_T::b_inner;
  out_t buf[block];
  #pragma HLS ARRAY_PARTITION variable=buf complete
  for (unsigned o = 0; o < CONFIG_T::outer; o++) {
    #pragma HLS PIPELINE
    for (unsigned w = 0; w < CONFIG_T::a_inner / a_T::size; w++) {
      a_T x = a.read();
      for (unsigned j = 0; j < a_T::size; j++) buf[w * a_T::size + j] = x[j];
    }
    for (unsigned w = 0; w < CONFIG_T::b_inner / b_T::size; w++) {
      b_T x = b.read();
      for (unsigned j = 0; j < b_T::size; j++) buf[CONFIG_T::a_inner + w * b_T::size + j] = x[j];
    }
    for (unsigned w = 0; w < block / res_T::size; w++) {
      res_T r;
      for (unsigned j = 0; j < res_T::size; j++) r[j] = buf[w * res_T::size + j];
      res.write(r);
    }
  }
}

}  // namespace nnet

#endif
