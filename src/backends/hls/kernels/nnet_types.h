// hlsforge HLS kernel library: the thin traits layer between the kernels and
// the vendor type family of the project (the model's Family, decided once by
// the compiler; no kernel decides it).
//   default            ap_fixed / ap_int / hls::stream   (Vitis HLS, Vivado HLS)
//   HLSFORGE_AC_TYPES  ac_fixed / ac_int / ac_channel    (Catapult HLS; the
//                      Catapult project's defines.h defines it before
//                      including this library)
// The kernels spell types and type-API calls only through these names:
//   nnet::fifo<T>                        a FIFO between processes (io_stream)
//   nnet::uint_t<W>, nnet::int_t<W>      W-bit integers
//   nnet::fixed_t<W,I>, ufixed_t<W,I>    fixed point, TRN / WRAP
//   nnet::fixed_rnd_sat_t<W,I>           fixed point, RND / SAT
//   nnet::trunc_int(x)                   the integer part of x, truncated toward
//                                        zero (AP's to_int; AC's to_int floors,
//                                        fixed_core.h family difference 1, so
//                                        AC negates around it)
//   nnet::top_bits<T,N>(x)               the top N bits of x's word, unsigned
//                                        (a table index)
//   nnet::set_top_bits<T,N>(x, i)        x's word with its top N bits set to i
// Everything else the kernels use (+ - * /, comparisons, assignment with
// the target's modes, x[i] bit access, to_double, T::width) has the same
// spelling and, through fixed_core.h, the semantics of the type's family.
#ifndef HLSFORGE_NNET_TYPES_H_
#define HLSFORGE_NNET_TYPES_H_

#ifdef HLSFORGE_AC_TYPES
#include "ac_channel.h"
#include "ac_fixed.h"
#include "ac_int.h"
#else
#include "ap_fixed.h"
#include "ap_int.h"
#include "hls_stream.h"
#endif

namespace nnet {

#ifdef HLSFORGE_AC_TYPES

template <class T> using fifo = ac_channel<T>;
template <int W> using uint_t = ac_int<W, false>;
template <int W> using int_t = ac_int<W, true>;
template <int W, int I> using fixed_t = ac_fixed<W, I, true>;
template <int W, int I> using ufixed_t = ac_fixed<W, I, false>;
template <int W, int I> using fixed_rnd_sat_t = ac_fixed<W, I, true, AC_RND, AC_SAT>;

template <class T> int trunc_int(const T& x) {
  return x < 0 ? -((-x).to_int()) : x.to_int();
}
// slc of a signed type is a signed ac_int: read its N bits as unsigned (a
// negative word's top bits index the upper half of the table, as ap's range).
template <class T, int N> unsigned top_bits(T x) { return ac_int<N, false>(x.template slc<N>(T::width - N)).to_uint(); }
template <class T, int N> void set_top_bits(T& x, unsigned i) { x.set_slc(T::width - N, ac_int<N, false>(i)); }

#else

template <class T> using fifo = hls::stream<T>;
template <int W> using uint_t = ap_uint<W>;
template <int W> using int_t = ap_int<W>;
template <int W, int I> using fixed_t = ap_fixed<W, I>;
template <int W, int I> using ufixed_t = ap_ufixed<W, I>;
template <int W, int I> using fixed_rnd_sat_t = ap_fixed<W, I, AP_RND, AP_SAT>;

template <class T> int trunc_int(const T& x) {
  #pragma HLS INLINE
  return x.to_int();
}
template <class T, int N> unsigned top_bits(T x) {
  #pragma HLS INLINE
  return (unsigned)x.range(T::width - 1, T::width - N).to_uint();
}
template <class T, int N> void set_top_bits(T& x, unsigned i) { x.range(T::width - 1, T::width - N) = i; }

#endif

}  // namespace nnet

#endif
