// hlsforge HLS kernel library: layer-by-layer trace of the C simulation
// (like hls4ml's trace). The generated top function calls these after every
// layer only when compiled with HLSFORGE_CSIM_TRACE (hlsforge's g++ C
// simulation defines it on request); synthesis never sees them.
//
// File format: while trace_dir() is set (by the testbench), every call
// appends the layer's N values of one sample, converted exactly to double
// (T::to_double), as raw host-order doubles to <trace_dir>/layer<id>.bin
// (id: the layer's index in the model, listed with its name and shape in
// hlsforge_project.json, "trace"). One sample after the other: the file of a
// layer of N values holds rows * N doubles.
#ifndef HLSFORGE_NNET_TRACE_H_
#define HLSFORGE_NNET_TRACE_H_

#ifndef __SYNTHESIS__
#include <cstdio>
#include <map>
#include <string>

#include "nnet_types.h"

namespace nnet {

class csim_trace {
 public:
  static csim_trace& get() {
    static csim_trace t;
    return t;
  }
  /// Starts writing under `dir` (nullptr or "": tracing off).
  void begin(const char* dir) {
    end();
    dir_ = dir ? dir : "";
  }
  /// Closes every file.
  void end() {
    for (auto& f : files_) std::fclose(f.second);
    files_.clear();
    dir_.clear();
  }
  bool on() const { return !dir_.empty(); }
  /// Appends n doubles to layer `id`'s file.
  void write(unsigned id, const double* v, unsigned n) {
    FILE*& f = files_[id];
    if (!f) {
      f = std::fopen((dir_ + "/layer" + std::to_string(id) + ".bin").c_str(), "wb");
      if (!f) {
        std::fprintf(stderr, "hlsforge trace: cannot write layer%u.bin in %s\n", id, dir_.c_str());
        return;
      }
    }
    std::fwrite(v, sizeof(double), n, f);
  }
  ~csim_trace() { end(); }

 private:
  std::string dir_;
  std::map<unsigned, FILE*> files_;
};

/// The N values of a layer array.
template <class T, unsigned N> void trace_array(const char* /*layer*/, unsigned id, const T data[N]) {
  csim_trace& t = csim_trace::get();
  if (!t.on()) return;
  double buf[256];
  for (unsigned i = 0; i < N; i += 256) {
    const unsigned k = N - i < 256 ? N - i : 256;
    for (unsigned j = 0; j < k; j++) buf[j] = data[i + j].to_double();
    t.write(id, buf, k);
  }
}

/// The WORDS words of a layer stream (nnet::array words of W::size values):
/// read, recorded and written back in order (the C simulation runs the
/// dataflow processes one after the other, so the stream holds the layer's
/// whole output when this runs).
template <class W, unsigned WORDS> void trace_stream(const char* /*layer*/, unsigned id, fifo<W>& s) {
  csim_trace& t = csim_trace::get();
  if (!t.on()) return;
  double buf[256];
  unsigned k = 0;
  for (unsigned w = 0; w < WORDS; w++) {
    const W word = s.read();
    for (unsigned j = 0; j < W::size; j++) {
      buf[k++] = word[j].to_double();
      if (k == 256) {
        t.write(id, buf, k);
        k = 0;
      }
    }
    s.write(word);
  }
  if (k) t.write(id, buf, k);
}

}  // namespace nnet

#endif  // __SYNTHESIS__
#endif
