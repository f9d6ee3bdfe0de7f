// hlsforge HLS kernel library: io_stream plumbing. Streams carry nnet::array
// words (nnet_common.h: one pixel of all channels per word, or a whole 1-D
// vector). Layers without a streaming kernel of their own (Dense, Softmax,
// element-wise activations, ...) run as a DATAFLOW process that reads the
// words of its input into a fully partitioned array, runs the io_parallel
// kernel and writes the words of its output.
#ifndef HLSFORGE_NNET_STREAM_H_
#define HLSFORGE_NNET_STREAM_H_

#include "nnet_common.h"

namespace nnet {

/// Reads N elements (N / word_T::size words) of stream s into a[0..N).
template <class word_T, unsigned N>
void stream_to_array(fifo<word_T>& s, typename word_T::value_type a[N]) {
  for (unsigned w = 0; w < N / word_T::size; w++) {
    #pragma HLS PIPELINE II=1
    word_T x = s.read();
    for (unsigned j = 0; j < word_T::size; j++) {
      #pragma HLS UNROLL
      a[w * word_T::size + j] = x[j];
    }
  }
}

/// Writes a[0..N) to stream s as N / word_T::size words.
template <class word_T, unsigned N>
void array_to_stream(const typename word_T::value_type a[N], fifo<word_T>& s) {
  for (unsigned w = 0; w < N / word_T::size; w++) {
    #pragma HLS PIPELINE II=1
    word_T x;
    for (unsigned j = 0; j < word_T::size; j++) {
      #pragma HLS UNROLL
      x[j] = a[w * word_T::size + j];
    }
    s.write(x);
  }
}

/// Copies every word of `in` (N_WORDS words) to `out1` and `out2`: a tensor
/// read by two layers (a branch before a Merge).
template <class word_T, unsigned N_WORDS>
void clone_stream(fifo<word_T>& in, fifo<word_T>& out1, fifo<word_T>& out2) {
  for (unsigned w = 0; w < N_WORDS; w++) {
    #pragma HLS PIPELINE II=1
    word_T x = in.read();
    out1.write(x);
    out2.write(x);
  }
}

}  // namespace nnet

#endif
