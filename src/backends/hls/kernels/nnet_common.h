// hlsforge HLS kernel library: common definitions (namespace nnet, the names
// hls4ml users know). Header-only, synthesizable C++ (Vitis HLS / Vivado HLS);
// compiled for C simulation against hlsforge's own ap_fixed.h / hls_stream.h
// (Catapult HLS projects: ac_fixed.h / ac_channel.h; see nnet_types.h).
// Written for hlsforge; semantics follow hls4ml's nnet_utils so that results
// are bit-exact with hls4ml's C simulation and with hlsforge's emulator.
#ifndef HLSFORGE_NNET_COMMON_H_
#define HLSFORGE_NNET_COMMON_H_

#include "nnet_types.h"  // the type family: ap_fixed / hls::stream, or ac_fixed / ac_channel

#ifndef DIV_ROUNDUP
#define DIV_ROUNDUP(n, d) (((n) + (d) - 1) / (d))
#endif

// Large layer arrays of the generated top function are `static` in C
// simulation only: an image layer's array easily exceeds the default 8 MB
// stack of g++ programs. Synthesis sees plain local arrays.
#ifdef __SYNTHESIS__
#define NNET_CSIM_STATIC
#else
#define NNET_CSIM_STATIC static
#endif

namespace nnet {

enum io_type { io_parallel = 0, io_stream };
enum strategy { latency = 0, resource };
enum class softmax_implementation { latency = 0, legacy = 1, stable = 2, argmax = 3 };

/// One io_stream word: N elements of T (hls4ml nnet::array). A tensor's
/// stream carries one pixel (all channels) per word for images ([H, W, C] or
/// [W, C] -> words of C elements) and the whole vector in one word for 1-D
/// tensors (Dense/Softmax inputs and outputs).
template <class T, unsigned N> struct array {
  typedef T value_type;
  static const unsigned size = N;
  T data[N];
  T& operator[](unsigned i) { return data[i]; }
  const T& operator[](unsigned i) const { return data[i]; }
};

/// ceil(log2(x)) for x >= 1 (number of address bits of a table of x entries).
constexpr int ceillog2(int x) { return x <= 1 ? 0 : 1 + ceillog2((x + 1) / 2); }
/// floor(log2(x)) for x >= 1.
constexpr int floorlog2(int x) { return x < 2 ? 0 : 1 + floorlog2(x / 2); }
/// 2^x.
constexpr int pow2(int x) { return x <= 0 ? 1 : 2 * pow2(x - 1); }
/// Bits needed to hold the unsigned value x.
constexpr int bits_for(unsigned x) { return x <= 1 ? 1 : 1 + bits_for(x / 2); }

template <class T> struct Op_add {
  T operator()(T a, T b) const { return a + b; }
};
template <class T> struct Op_max {
  T operator()(T a, T b) const { return a >= b ? a : b; }
};

/// Balanced binary-tree reduction of x[0..N): the left part holds the largest
/// power of two below N (every intermediate result is of type T).
template <class T, int N, class Op> struct Reducer {
  static T run(const T* x, Op op) {
    #pragma HLS INLINE
    constexpr int left = pow2(floorlog2(N - 1));
    return op(Reducer<T, left, Op>::run(x, op), Reducer<T, N - left, Op>::run(x + left, op));
  }
};
template <class T, class Op> struct Reducer<T, 1, Op> {
  static T run(const T* x, Op) { return x[0]; }
};
template <class T, class Op> struct Reducer<T, 2, Op> {
  static T run(const T* x, Op op) {
    #pragma HLS INLINE
    return op(x[0], x[1]);
  }
};
template <class T, int N, class Op> T reduce(const T* x, Op op) { return Reducer<T, N, Op>::run(x, op); }

/// The most negative value of T (its word with only the sign bit set when T is
/// signed, zero otherwise).
template <class T> T min_of() {
  #pragma HLS INLINE
  T x = 0;
  x[T::width - 1] = 1;
  if (x < 0) return x;
  return T(0);
}

/// Real value of the T word whose top N bits are i (other bits zero).
template <class T, int N> float value_of_top_bits(unsigned i) {
  T x = 0;
  set_top_bits<T, N>(x, i);
  return (float)x.to_double();
}

}  // namespace nnet

#endif
