// hlsforge HLS kernel library: ZeroPadding, Cropping and UpSampling (nearest)
// 1-D/2-D, channels-last: pure data movement; every copied element is
// assigned to res_T, padded cells are 0 (hls4ml nnet_padding.h / nnet_image.h;
// hlsforge emulator src/emu/reshape_ops.cpp). For output pixel (y, x) the
// source pixel is (y - pad_top, x - pad_left) for padding, (y + pad_top,
// x + pad_left) for cropping (pad_* = rows/columns removed) and
// (y / scale_height, x / scale_width) for upsampling.
#ifndef HLSFORGE_NNET_IMAGE_H_
#define HLSFORGE_NNET_IMAGE_H_

#include "nnet_common.h"

namespace nnet {

enum resize_op { zero_padding = 0, cropping = 1, upsampling = 2 };

/// Base of the generated padding / cropping / upsampling configs.
struct resize_config {
  static const unsigned in_height = 1, in_width = 10, n_chan = 1;
  static const unsigned out_height = 1, out_width = 12;
  static const unsigned pad_top = 0, pad_left = 1;  ///< padding added / rows and columns cropped
  static const unsigned scale_height = 1, scale_width = 1;
  static const unsigned op = zero_padding;
};

template <class data_T, class res_T, typename CONFIG_T>
void resize_2d(data_T data[CONFIG_T::in_height * CONFIG_T::in_width * CONFIG_T::n_chan],
               res_T res[CONFIG_T::out_height * CONFIG_T::out_width * CONFIG_T::n_chan]) {
  #pragma HLS INLINE off
  #pragma HLS PIPELINE
  for (unsigned y = 0; y < CONFIG_T::out_height; y++) {
    for (unsigned x = 0; x < CONFIG_T::out_width; x++) {
      int iy, ix;
      if (CONFIG_T::op == zero_padding) {
        iy = (int)y - (int)CONFIG_T::pad_top;
        ix = (int)x - (int)CONFIG_T::pad_left;
      } else if (CONFIG_T::op == cropping) {
        iy = (int)(y + CONFIG_T::pad_top);
        ix = (int)(x + CONFIG_T::pad_left);
      } else {
        iy = (int)(y / CONFIG_T::scale_height);
        ix = (int)(x / CONFIG_T::scale_width);
      }
      const bool inside = iy >= 0 && iy < (int)CONFIG_T::in_height && ix >= 0 && ix < (int)CONFIG_T::in_width;
      for (unsigned c = 0; c < CONFIG_T::n_chan; c++) {
        res[(y * CONFIG_T::out_width + x) * CONFIG_T::n_chan + c] =
            inside ? (res_T)data[(iy * CONFIG_T::in_width + ix) * CONFIG_T::n_chan + c] : res_T(0);
      }
    }
  }
}

/// Streaming version: padding writes zero words around the input words,
/// cropping drops the words outside the kept window, upsampling keeps one
/// input row in a buffer and writes it scale_height times, each pixel
/// scale_width times.
template <class data_T, class res_T, typename CONFIG_T>
void resize_2d_stream(fifo<data_T>& data, fifo<res_T>& res) {
  #pragma HLS INLINE off
  typedef typename res_T::value_type out_t;
  if (CONFIG_T::op == zero_padding) {
    for (unsigned y = 0; y < CONFIG_T::out_height; y++) {
      for (unsigned x = 0; x < CONFIG_T::out_width; x++) {
        #pragma HLS PIPELINE II=1
        const bool inside = y >= CONFIG_T::pad_top && y < CONFIG_T::pad_top + CONFIG_T::in_height &&
                            x >= CONFIG_T::pad_left && x < CONFIG_T::pad_left + CONFIG_T::in_width;
        res_T r;
        if (inside) {
          data_T px = data.read();
          for (unsigned c = 0; c < CONFIG_T::n_chan; c++) r[c] = px[c];
        } else {
          for (unsigned c = 0; c < CONFIG_T::n_chan; c++) r[c] = out_t(0);
        }
        res.write(r);
      }
    }
  } else if (CONFIG_T::op == cropping) {
    for (unsigned y = 0; y < CONFIG_T::in_height; y++) {
      for (unsigned x = 0; x < CONFIG_T::in_width; x++) {
        #pragma HLS PIPELINE II=1
        data_T px = data.read();
        if (y < CONFIG_T::pad_top || y >= CONFIG_T::pad_top + CONFIG_T::out_height || x < CONFIG_T::pad_left ||
            x >= CONFIG_T::pad_left + CONFIG_T::out_width)
          continue;
        res_T r;
        for (unsigned c = 0; c < CONFIG_T::n_chan; c++) r[c] = px[c];
        res.write(r);
      }
    }
  } else {
    data_T row[CONFIG_T::in_width];
    for (unsigned y = 0; y < CONFIG_T::in_height; y++) {
      for (unsigned x = 0; x < CONFIG_T::in_width; x++) {
        #pragma HLS PIPELINE II=1
        row[x] = data.read();
      }
      for (unsigned sy = 0; sy < CONFIG_T::scale_height; sy++) {
        for (unsigned x = 0; x < CONFIG_T::out_width; x++) {
          #pragma HLS PIPELINE II=1
          res_T r;
          for (unsigned c = 0; c < CONFIG_T::n_chan; c++) r[c] = row[x / CONFIG_T::scale_width][c];
          res.write(r);
        }
      }
    }
  }
}

/// Flatten of a channels-first model: res[c * n_pixels + p] = data[p * n_chan + c]
/// (the channels-last image read in channels-first order, as PyTorch's
/// Flatten of an NCHW tensor), each element assigned to res_T.
struct flatten_config {
  static const unsigned n_pixels = 16, n_chan = 4;
};

template <class data_T, class res_T, typename CONFIG_T>
void flatten_channels_first(data_T data[CONFIG_T::n_pixels * CONFIG_T::n_chan],
                            res_T res[CONFIG_T::n_pixels * CONFIG_T::n_chan]) {
  #pragma HLS INLINE off
  #pragma HLS PIPELINE
  for (unsigned c = 0; c < CONFIG_T::n_chan; c++)
    for (unsigned p = 0; p < CONFIG_T::n_pixels; p++)
      res[c * CONFIG_T::n_pixels + p] = (res_T)data[p * CONFIG_T::n_chan + c];
}

}  // namespace nnet

#endif
