// hlsforge HLS kernel library: simulation-only helpers (never synthesized).
#ifndef HLSFORGE_NNET_HELPERS_H_
#define HLSFORGE_NNET_HELPERS_H_

#ifndef __SYNTHESIS__
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#endif

namespace nnet {

#ifndef __SYNTHESIS__
/// Loads SIZE comma/space-separated numbers of file `path` into w (each value
/// assigned to T, i.e. rounded by T's own modes; the files written by hlsforge
/// hold the exact quantized values, so the assignment is exact). Exits the
/// simulation with a message if the file is missing or short.
/// `path` is tried as given, then as weights/<file> and
/// ../../../../firmware/weights/<file> (where Vitis/Vivado HLS run the C
/// simulation: <project>_prj/solution1/csim/build, with the weights folder
/// copied there by build_prj.tcl's `add_files -tb firmware/weights`).
template <class T, unsigned SIZE> void load_weights_from_txt(T* w, const char* path) {
  std::ifstream f(path);
  if (!f) {
    const std::string p(path);
    const std::string file = p.substr(p.find_last_of('/') == std::string::npos ? 0 : p.find_last_of('/') + 1);
    f.clear();
    f.open(("weights/" + file).c_str());
    if (!f) { f.clear(); f.open(("../../../../firmware/weights/" + file).c_str()); }
  }
  if (!f) {
    std::fprintf(stderr, "hlsforge csim: cannot open weights file %s\n", path);
    std::exit(3);
  }
  std::string tok;
  unsigned n = 0;
  char c;
  while (n < SIZE && f.get(c)) {
    if (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      if (!tok.empty()) { w[n++] = T(std::strtod(tok.c_str(), nullptr)); tok.clear(); }
    } else {
      tok.push_back(c);
    }
  }
  if (n < SIZE && !tok.empty()) w[n++] = T(std::strtod(tok.c_str(), nullptr));
  if (n != SIZE) {
    std::fprintf(stderr, "hlsforge csim: %s holds %u values, expected %u\n", path, n, SIZE);
    std::exit(3);
  }
}
#endif

}  // namespace nnet

#endif
