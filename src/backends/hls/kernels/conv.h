// hlsforge HLS kernel library: Conv1D / Conv2D / DepthwiseConv (channels-last).
//
// Semantics (hls4ml's conv latency/resource kernels, and hlsforge's emulator,
// src/emu/conv.cpp): for every output pixel (oy, ox) the input window is
// gathered in the order (ky, kx, c) into K = filt_height*filt_width*n_chan
// words -- a cell outside the image (explicit padding) holds the word 0 --
// and goes through the Dense product of that pixel with weights [K][n_filt]
// (Keras layout [kh][kw][c_in][c_out]; depthwise layers arrive expanded with
// zero weights, which cost no multiplier): acc = (accum_t) bias; acc +=
// (accum_t) (x * w) per product in window order; res = (res_T) acc.
// CONFIG_T::mult_config is that per-pixel Dense (strategy, reuse factor,
// multiplier limit, product); a 1-D layer is a 2-D one with in_height =
// filt_height = 1.
//
//   io_parallel: conv_2d, im2col style. parallelization_factor output pixels
//     share one PIPELINE iteration (hls4ml ParallelizationFactor), so the
//     design has parallelization_factor copies of the per-pixel product.
//   io_stream: conv_2d_stream, a line buffer of filt_height rows of the padded
//     image; one input word = one pixel of n_chan channels, one output word =
//     one pixel of n_filt channels, both in raster order.
#ifndef HLSFORGE_NNET_CONV_H_
#define HLSFORGE_NNET_CONV_H_

#include "dense.h"

namespace nnet {

/// Base of the generated conv configs (parameters.h).
struct conv_config {
  static const unsigned in_height = 1, in_width = 10, n_chan = 1;
  static const unsigned filt_height = 1, filt_width = 3, n_filt = 1;
  static const unsigned stride_height = 1, stride_width = 1;
  static const unsigned pad_top = 0, pad_bottom = 0, pad_left = 0, pad_right = 0;
  static const unsigned out_height = 1, out_width = 8;
  static const unsigned reuse_factor = 1;
  static const unsigned parallelization_factor = 1;
  typedef dense_config mult_config;
};

/// The window of output pixel (oy, ox) from the flat input image.
template <class data_T, typename CONFIG_T>
void conv_window(const data_T data[], unsigned oy, unsigned ox,
                 data_T window[CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan]) {
  #pragma HLS INLINE
  for (unsigned ky = 0; ky < CONFIG_T::filt_height; ky++) {
    for (unsigned kx = 0; kx < CONFIG_T::filt_width; kx++) {
      const int iy = (int)(oy * CONFIG_T::stride_height + ky) - (int)CONFIG_T::pad_top;
      const int ix = (int)(ox * CONFIG_T::stride_width + kx) - (int)CONFIG_T::pad_left;
      const bool inside = iy >= 0 && iy < (int)CONFIG_T::in_height && ix >= 0 && ix < (int)CONFIG_T::in_width;
      for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        const unsigned k = (ky * CONFIG_T::filt_width + kx) * CONFIG_T::n_chan + c;
        window[k] = inside ? data[(iy * CONFIG_T::in_width + ix) * CONFIG_T::n_chan + c] : data_T(0);
      }
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void conv_2d(data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
             res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_filt],
             const typename CONFIG_T::mult_config::weight_t weights[CONFIG_T::filt_height * CONFIG_T::filt_width *
                                                                    CONFIG_T::n_chan * CONFIG_T::n_filt],
             const typename CONFIG_T::mult_config::bias_t biases[CONFIG_T::n_filt]) {
  #pragma HLS INLINE off
  constexpr unsigned K = CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan;
  constexpr unsigned n_pixels = CONFIG_T::out_height * CONFIG_T::out_width;
  constexpr unsigned pf = CONFIG_T::parallelization_factor;
PixelLoop:
  for (unsigned p = 0; p < n_pixels; p++) {
    #pragma HLS UNROLL factor=pf
    #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
    data_T window[K];
    #pragma HLS ARRAY_PARTITION variable=window complete
    conv_window<data_T, CONFIG_T>(data, p / CONFIG_T::out_width, p % CONFIG_T::out_width, window);
    // The pixel's outputs in a local array, then copied: no pointer with a
    // per-iteration offset into the partitioned result.
    res_T px[CONFIG_T::n_filt];
    #pragma HLS ARRAY_PARTITION variable=px complete
    dense<data_T, res_T, typename CONFIG_T::mult_config>(window, px, weights, biases);
  CopyOut:
    for (unsigned j = 0; j < CONFIG_T::n_filt; j++) {
      #pragma HLS UNROLL
      res[p * CONFIG_T::n_filt + j] = px[j];
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void conv_1d(data_T data[CONFIG_T::in_width * CONFIG_T::n_chan], res_T res[CONFIG_T::out_width * CONFIG_T::n_filt],
             const typename CONFIG_T::mult_config::weight_t weights[CONFIG_T::filt_width * CONFIG_T::n_chan *
                                                                    CONFIG_T::n_filt],
             const typename CONFIG_T::mult_config::bias_t biases[CONFIG_T::n_filt]) {
  #pragma HLS INLINE
  conv_2d<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

/// Line buffer of a streaming window layer: the last `rows` rows of the padded
/// image (row y lives in slot y % rows), with a flag per cell telling whether
/// it lies inside the image (padding cells hold zero words).
template <class T, unsigned rows, unsigned width, unsigned chan> struct line_buffer {
  T cell[rows][width][chan];
  bool inside[rows][width];
};

/// Stores padded cell (y, x) in the line buffer: reads one word from `in` if
/// the cell lies inside the image (G: in_height/in_width, pads, win_height).
template <class word_T, typename G, class LB>
void line_buffer_push(fifo<word_T>& in, LB& lb, unsigned y, unsigned x) {
  #pragma HLS INLINE
  const bool inside = y >= G::pad_top && y < G::pad_top + G::in_height && x >= G::pad_left &&
                      x < G::pad_left + G::in_width;
  const unsigned slot = y % G::win_height;
  word_T px;
  if (inside) px = in.read();
  for (unsigned c = 0; c < word_T::size; c++) {
    #pragma HLS UNROLL
    lb.cell[slot][x][c] = inside ? px[c] : typename word_T::value_type(0);
  }
  lb.inside[slot][x] = inside;
}

/// Whether padded cell (y, x) is the bottom-right corner of an output window
/// (windows start every stride cells).
template <typename G> bool window_ends_at(unsigned y, unsigned x) {
  #pragma HLS INLINE
  return y + 1 >= G::win_height && x + 1 >= G::win_width && (y + 1 - G::win_height) % G::stride_height == 0 &&
         (x + 1 - G::win_width) % G::stride_width == 0;
}

/// Window geometry of a conv config for the line buffer helpers.
template <typename CONFIG_T> struct conv_geometry : CONFIG_T {
  static const unsigned win_height = CONFIG_T::filt_height;
  static const unsigned win_width = CONFIG_T::filt_width;
};

template <class data_T, class res_T, typename CONFIG_T>
void conv_2d_stream(fifo<data_T>& data, fifo<res_T>& res,
                    const typename CONFIG_T::mult_config::weight_t weights[CONFIG_T::filt_height *
                                                                           CONFIG_T::filt_width * CONFIG_T::n_chan *
                                                                           CONFIG_T::n_filt],
                    const typename CONFIG_T::mult_config::bias_t biases[CONFIG_T::n_filt]) {
  #pragma HLS INLINE off
  typedef typename data_T::value_type in_t;
  typedef typename res_T::value_type out_t;
  typedef conv_geometry<CONFIG_T> G;
  constexpr unsigned K = CONFIG_T::filt_height * CONFIG_T::filt_width * CONFIG_T::n_chan;
  constexpr unsigned ph = CONFIG_T::in_height + CONFIG_T::pad_top + CONFIG_T::pad_bottom;
  constexpr unsigned pw = CONFIG_T::in_width + CONFIG_T::pad_left + CONFIG_T::pad_right;
  line_buffer<in_t, CONFIG_T::filt_height, pw, CONFIG_T::n_chan> lb;
  // Rows and channels in registers, columns in filt_width banks: the window's
  // filt_width consecutive columns are read in one cycle (II 1 without
  // relying on automatic partitioning).
  #pragma HLS ARRAY_PARTITION variable=lb.cell complete dim=1
  #pragma HLS ARRAY_PARTITION variable=lb.cell cyclic factor=CONFIG_T::filt_width dim=2
  #pragma HLS ARRAY_PARTITION variable=lb.cell complete dim=3
  #pragma HLS ARRAY_PARTITION variable=lb.inside complete dim=1
  #pragma HLS ARRAY_PARTITION variable=lb.inside cyclic factor=CONFIG_T::filt_width dim=2
RowLoop:
  for (unsigned y = 0; y < ph; y++) {
  ColLoop:
    for (unsigned x = 0; x < pw; x++) {
      #pragma HLS PIPELINE II=CONFIG_T::reuse_factor
      line_buffer_push<data_T, G>(data, lb, y, x);
      if (!window_ends_at<G>(y, x)) continue;
      in_t window[K];
      #pragma HLS ARRAY_PARTITION variable=window complete
      for (unsigned ky = 0; ky < CONFIG_T::filt_height; ky++)
        for (unsigned kx = 0; kx < CONFIG_T::filt_width; kx++)
          for (unsigned c = 0; c < CONFIG_T::n_chan; c++)
            window[(ky * CONFIG_T::filt_width + kx) * CONFIG_T::n_chan + c] =
                lb.cell[(y + 1 - CONFIG_T::filt_height + ky) % CONFIG_T::filt_height][x + 1 - CONFIG_T::filt_width + kx][c];
      out_t px[CONFIG_T::n_filt];
      #pragma HLS ARRAY_PARTITION variable=px complete
      dense<in_t, out_t, typename CONFIG_T::mult_config>(window, px, weights, biases);
      res_T w;
      for (unsigned j = 0; j < CONFIG_T::n_filt; j++) w[j] = px[j];
      res.write(w);
    }
  }
}

template <class data_T, class res_T, typename CONFIG_T>
void conv_1d_stream(fifo<data_T>& data, fifo<res_T>& res,
                    const typename CONFIG_T::mult_config::weight_t weights[CONFIG_T::filt_width * CONFIG_T::n_chan *
                                                                           CONFIG_T::n_filt],
                    const typename CONFIG_T::mult_config::bias_t biases[CONFIG_T::n_filt]) {
  #pragma HLS INLINE
  conv_2d_stream<data_T, res_T, CONFIG_T>(data, res, weights, biases);
}

}  // namespace nnet

#endif
