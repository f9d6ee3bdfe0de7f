// hlsforge HLS kernel library: Max/Average pooling 1-D/2-D and the Global
// variants (channels-last).
//
// Semantics (hls4ml nnet_pooling.h; hlsforge emulator src/emu/pooling.cpp):
//  * Max: the largest input word of the window's cells inside the image (the
//    most negative data_T word if none), assigned to accum_t, then to res_T.
//  * Average: acc = 0 (accum_t); acc = acc + x for each cell inside the image
//    in window order (the exact sum assigned to accum_t); then acc / n with n
//    the number of cells inside the image (count_pad = false, Keras 'same')
//    or the whole window (count_pad = true): the vendor's ap_fixed / unsigned
//    keeps acc's format and truncates toward zero; assigned to res_T.
// Global pooling is pooling with one window covering the whole image.
//   io_parallel: pooling_2d, a loop over output pixels.
//   io_stream: pooling_2d_stream (line buffer of pool_height rows, conv.h)
//     and global_pooling_stream (running max / sum per channel).
// A 1-D layer is a 2-D one with in_height = pool_height = 1.
#ifndef HLSFORGE_NNET_POOLING_H_
#define HLSFORGE_NNET_POOLING_H_

#include "conv.h"

namespace nnet {

enum pool_op { max_pool = 0, average_pool = 1 };

/// Base of the generated pooling configs (parameters.h).
struct pooling_config {
  static const unsigned in_height = 1, in_width = 10, n_chan = 1;
  static const unsigned pool_height = 1, pool_width = 2;
  static const unsigned stride_height = 1, stride_width = 2;
  static const unsigned pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  static const unsigned out_height = 1, out_width = 5;
  static const unsigned pool_op = max_pool;
  static const bool count_pad = false;
  static const unsigned reuse_factor = 1;
  typedef fixed_t<16, 6> accum_t;
};

/// Pools one channel of one window: cells[k] with inside[k] (k < N).
/// a / n for a count n in 1..D, each case a division by the constant D, D-1,
/// ... 1 (the same quotient as a / n: truncated toward zero).
template <class A, unsigned D> struct div_by_count {
  static A apply(A a, unsigned n) {
    #pragma HLS INLINE
    return n == D ? A(a / D) : div_by_count<A, D - 1>::apply(a, n);
  }
};
template <class A> struct div_by_count<A, 1> {
  static A apply(A a, unsigned) { return a; }
};

template <class data_T, class res_T, typename CONFIG_T, unsigned N>
res_T pool_cells(const data_T cells[N], const bool inside[N]) {
  #pragma HLS INLINE
  typedef typename CONFIG_T::accum_t accum_t;
  if (CONFIG_T::pool_op == max_pool) {
    data_T m = min_of<data_T>();
    bool any = false;
    for (unsigned k = 0; k < N; k++) {
      #pragma HLS UNROLL
      if (inside[k] && (!any || cells[k] > m)) {
        m = cells[k];
        any = true;
      }
    }
    accum_t a = m;
    return (res_T)a;
  } else {
    accum_t acc = 0;
    unsigned n = 0;
    for (unsigned k = 0; k < N; k++) {
      #pragma HLS UNROLL
      if (inside[k]) {
        acc = acc + cells[k];
        n++;
      }
    }
    if (CONFIG_T::count_pad) n = N;
    // Divide by the count of cells: one constant divisor per possible count
    // (a runtime divider would be a long combinational path).
    if (n > 0) acc = div_by_count<accum_t, N>::apply(acc, n);
    return (res_T)acc;
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling_2d(data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
                res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
  #pragma HLS INLINE off
  #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
  constexpr unsigned N = CONFIG_T::pool_height * CONFIG_T::pool_width;
PixelLoop:
  for (unsigned p = 0; p < CONFIG_T::out_height * CONFIG_T::out_width; p++) {
    const unsigned oy = p / CONFIG_T::out_width, ox = p % CONFIG_T::out_width;
  ChanLoop:
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
      data_T cells[N];
      bool inside[N];
      for (unsigned ky = 0; ky < CONFIG_T::pool_height; ky++)
        for (unsigned kx = 0; kx < CONFIG_T::pool_width; kx++) {
          const int iy = (int)(oy * CONFIG_T::stride_height + ky) - (int)CONFIG_T::pad_top;
          const int ix = (int)(ox * CONFIG_T::stride_width + kx) - (int)CONFIG_T::pad_left;
          const unsigned k = ky * CONFIG_T::pool_width + kx;
          inside[k] = iy >= 0 && iy < (int)CONFIG_T::in_height && ix >= 0 && ix < (int)CONFIG_T::in_width;
          cells[k] = inside[k] ? data[(iy * CONFIG_T::in_width + ix) * CONFIG_T::n_chan + c] : data_T(0);
        }
      res[p * CONFIG_T::n_chan + c] = pool_cells<data_T, res_T, CONFIG_T, N>(cells, inside);
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling_1d(data_T data[CONFIG_T::in_width * CONFIG_T::n_chan], res_T res[CONFIG_T::out_width * CONFIG_T::n_chan]) {
  #pragma HLS INLINE
  pooling_2d<data_T, res_T, CONFIG_T>(data, res);
}

/// Window geometry of a pooling config for the line buffer helpers (conv.h).
template <typename CONFIG_T> struct pool_geometry : CONFIG_T {
  static const unsigned win_height = CONFIG_T::pool_height;
  static const unsigned win_width = CONFIG_T::pool_width;
};

template <class data_T, class res_T, typename CONFIG_T>
void pooling_2d_stream(fifo<data_T>& data, fifo<res_T>& res) {
  #pragma HLS INLINE off
  typedef typename data_T::value_type in_t;
  typedef typename res_T::value_type out_t;
  typedef pool_geometry<CONFIG_T> G;
  constexpr unsigned N = CONFIG_T::pool_height * CONFIG_T::pool_width;
  constexpr unsigned ph = CONFIG_T::in_height + CONFIG_T::pad_top + CONFIG_T::pad_bottom;
  constexpr unsigned pw = CONFIG_T::in_width + CONFIG_T::pad_left + CONFIG_T::pad_right;
  line_buffer<in_t, CONFIG_T::pool_height, pw, CONFIG_T::n_chan> lb;
  #pragma HLS ARRAY_PARTITION variable=lb.cell complete dim=1
  #pragma HLS ARRAY_PARTITION variable=lb.cell cyclic factor=CONFIG_T::pool_width dim=2
  #pragma HLS ARRAY_PARTITION variable=lb.cell complete dim=3
  #pragma HLS ARRAY_PARTITION variable=lb.inside complete dim=1
  #pragma HLS ARRAY_PARTITION variable=lb.inside cyclic factor=CONFIG_T::pool_width dim=2
RowLoop:
  for (unsigned y = 0; y < ph; y++) {
  ColLoop:
    for (unsigned x = 0; x < pw; x++) {
      #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
      line_buffer_push<data_T, G>(data, lb, y, x);
      if (!window_ends_at<G>(y, x)) continue;
      res_T w;
      for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        #pragma HLS UNROLL
        in_t cells[N];
        bool inside[N];
        for (unsigned ky = 0; ky < CONFIG_T::pool_height; ky++)
          for (unsigned kx = 0; kx < CONFIG_T::pool_width; kx++) {
            const unsigned slot = (y + 1 - CONFIG_T::pool_height + ky) % CONFIG_T::pool_height;
            const unsigned col = x + 1 - CONFIG_T::pool_width + kx;
            cells[ky * CONFIG_T::pool_width + kx] = lb.cell[slot][col][c];
            inside[ky * CONFIG_T::pool_width + kx] = lb.inside[slot][col];
          }
        w[c] = pool_cells<in_t, out_t, CONFIG_T, N>(cells, inside);
      }
      res.write(w);
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void pooling_1d_stream(fifo<data_T>& data, fifo<res_T>& res) {
  #pragma HLS INLINE
  pooling_2d_stream<data_T, res_T, CONFIG_T>(data, res);
}

/// Global pooling over a stream: a running max / sum per channel (the same
/// order and casts as the window of pool_cells covering the whole image).
template <class data_T, class res_T, typename CONFIG_T>
void global_pooling_stream(fifo<data_T>& data, fifo<res_T>& res) {
  #pragma HLS INLINE off
  typedef typename data_T::value_type in_t;
  typedef typename CONFIG_T::accum_t accum_t;
  constexpr unsigned N = CONFIG_T::in_height * CONFIG_T::in_width;
  in_t m[CONFIG_T::n_chan];
  accum_t acc[CONFIG_T::n_chan];
  #pragma HLS ARRAY_PARTITION variable=m complete
  #pragma HLS ARRAY_PARTITION variable=acc complete
  for (unsigned c = 0; c < CONFIG_T::n_chan; c++) acc[c] = 0;
PixelLoop:
  for (unsigned p = 0; p < N; p++) {
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    data_T px = data.read();
    for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
      #pragma HLS UNROLL
      if (CONFIG_T::pool_op == max_pool) {
        if (p == 0 || px[c] > m[c]) m[c] = px[c];
      } else {
        acc[c] = acc[c] + px[c];
      }
    }
  }
  res_T w;
  for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
    #pragma HLS UNROLL
    if (CONFIG_T::pool_op == max_pool) {
      accum_t a = m[c];
      w[c] = a;
    } else {
      w[c] = (accum_t)(acc[c] / N);
    }
  }
  res.write(w);
}

}  // namespace nnet

#endif
