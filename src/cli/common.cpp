#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>

#include "commands.h"
#include "nonfinite.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/util/progress.h"

namespace hlsforge::cli {

void AddModelOptions(CLI::App& sub, ModelArgs& args, bool with_config) {
  sub.add_option("model", args.model, "model file: .onnx (ONNX/QONNX), .json (+ .h5 weights), .h5, .keras")
      ->required();
  sub.add_option("--weights", args.weights, "HDF5 weights of a Keras JSON model (default <stem>_weights.h5)");
  if (with_config)
    sub.add_option("-c,--config", args.config,
                   "hls4ml-layout YAML config (default: fixed<16,6>, ReuseFactor 1, Latency)");
}

void ThrowIfError(const Status& st) {
  if (!st.ok()) throw Error(st.message());
}

StatusOr<ir::Graph> PrepareModel(const ModelArgs& args) {
  flow::Options options;
  options.weights_path = args.weights;
  return flow::LoadConfiguredModel(args.model, args.config, options);
}

std::vector<int64_t> InputShape(const ir::Graph& g) {
  if (g.inputs.size() != 1) throw Error(g.source_path + ": models with " + std::to_string(g.inputs.size()) +
                                        " inputs are not supported by the CLI (expected 1)");
  return g.tensor(g.inputs[0]).shape;
}

namespace {
std::vector<int64_t> WithoutOnes(std::vector<int64_t> s) {
  s.erase(std::remove(s.begin(), s.end(), int64_t{1}), s.end());
  return s;
}
}  // namespace

Status FitInput(const ir::Graph& g, NDArray& a, const std::string& what) {
  std::vector<int64_t> want = InputShape(g);
  int64_t size = 1;
  for (int64_t d : want) size *= d;
  std::vector<int64_t> per(a.shape.size() > 1 ? a.shape.begin() + 1 : a.shape.end(), a.shape.end());
  int64_t rows = a.rows();
  if (a.shape.size() == 1) {  // a single sample
    per = a.shape;
    rows = 1;
  }
  int64_t per_size = 1;
  for (int64_t d : per) per_size *= d;
  // A channels-first model's input given in its own layout [N, C, (H,) W]:
  // transpose every row to the IR's channels-last layout.
  if (g.input_channels_first && want.size() >= 2 && per.size() == want.size() && per_size == size) {
    std::vector<int64_t> cf{want.back()};
    cf.insert(cf.end(), want.begin(), want.end() - 1);
    if (per == cf && per != want) {
      const int64_t c = want.back(), p = size / c;
      std::vector<double> row(static_cast<size_t>(size));
      for (int64_t r = 0; r < rows; ++r) {
        double* d = a.data.data() + r * size;
        for (int64_t q = 0; q < c; ++q)
          for (int64_t k = 0; k < p; ++k) row[static_cast<size_t>(k * c + q)] = d[q * p + k];
        std::copy(row.begin(), row.end(), d);
      }
      per = want;
    }
  }
  bool ok = per_size == size && (per.size() == 1 || WithoutOnes(per) == WithoutOnes(want));
  if (!ok || a.shape.empty()) {
    std::string exp = "[N" + (want.empty() ? std::string("]") : ", " + ShapeToString(want).substr(1));
    return Status::Fail(what + ": input shape " + ShapeToString(a.shape) + " does not fit the model input '" +
                        g.inputs[0] + "': expected " + exp +
                        (want.size() > 1 ? " or [N, " + std::to_string(size) + "]" : std::string()) +
                        (g.input_channels_first ? " (or the model's channels-first layout [N, C, ...])" : ""));
  }
  a.shape = {rows};
  a.shape.insert(a.shape.end(), want.begin(), want.end());
  return Status::Ok();
}

void ToSourceLayout(const ir::Graph& g, NDArray& y) {
  if (!g.output_channels_first || g.outputs.empty()) return;
  const auto& shape = g.tensor(g.outputs[0]).shape;
  if (shape.size() < 2 || y.shape.size() != shape.size() + 1) return;
  const int64_t c = shape.back();
  int64_t size = 1;
  for (int64_t d : shape) size *= d;
  const int64_t p = size / c;
  std::vector<double> row(static_cast<size_t>(size));
  for (int64_t r = 0; r < y.rows(); ++r) {
    double* d = y.data.data() + r * size;
    for (int64_t q = 0; q < c; ++q)
      for (int64_t k = 0; k < p; ++k) row[static_cast<size_t>(q * p + k)] = d[k * c + q];
    std::copy(row.begin(), row.end(), d);
  }
  y.shape = {y.rows(), c};
  y.shape.insert(y.shape.end(), shape.begin(), shape.end() - 1);
}

StatusOr<NDArray> ReadInput(const ir::Graph& g, const std::string& path) {
  auto h = ReadNpyHeader(path);
  if (!h.ok()) return h.status();
  if (!IsFloatDtype(h->descr))
    return Status::Fail(path + ": input dtype '" + h->descr + "' not accepted: expected float32 ('<f4') or "
                        "float64 ('<f8') values");
  auto a = ReadNpy(path);
  if (!a.ok()) return a.status();
  HLSFORGE_RETURN_IF_ERROR(FitInput(g, *a, path));
  WarnNonFinite(*a, path);
  return a;
}

int64_t WarnNonFinite(const NDArray& x, const std::string& path) {
  int64_t nan = 0, pos = 0, neg = 0;
  for (double v : x.data) {
    if (std::isnan(v)) ++nan;
    else if (std::isinf(v)) ++(v > 0 ? pos : neg);
  }
  return WarnNonFiniteCounts(nan, pos, neg, path);
}

int64_t WarnNonFiniteCounts(int64_t nan, int64_t pos, int64_t neg, const std::string& path) {
  if (nan + pos + neg == 0) return 0;
  std::fprintf(stderr,
               "hlsforge: warning: %s: %lld non-finite input values (%lld NaN, %lld +Inf, %lld -Inf): fixed-point "
               "inference reads NaN as 0 and +-Inf as the input type's max/min (0 when it wraps)\n",
               path.c_str(), static_cast<long long>(nan + pos + neg), static_cast<long long>(nan),
               static_cast<long long>(pos), static_cast<long long>(neg));
  return nan + pos + neg;
}

StatusOr<NDArray> PredictWithProgress(const ir::Graph& g, const NDArray& x, bool float_mode, int threads,
                                      const std::string& label) {
  emu::Options opt;
  opt.float_mode = float_mode;
  opt.threads = threads;
  int64_t n = x.rows(), row = x.row_size();
  // Chunks big enough to keep every thread busy, small enough for a live
  // progress line on big batches.
  const int64_t chunk = std::max<int64_t>(2048, n / 20);
  if (n <= chunk) return emu::Predict(g, x, opt);
  Progress progress(label, n);
  NDArray out;
  for (int64_t start = 0; start < n; start += chunk) {
    int64_t m = std::min(chunk, n - start);
    NDArray part;
    part.shape = x.shape;
    part.shape[0] = m;
    part.data.assign(x.data.begin() + start * row, x.data.begin() + (start + m) * row);
    auto y = emu::Predict(g, part, opt);
    if (!y.ok()) return y.status();
    if (start == 0) {
      out.shape = y->shape;
      out.shape[0] = n;
      out.data.reserve(static_cast<size_t>(n * y->row_size()));
    }
    out.data.insert(out.data.end(), y->data.begin(), y->data.end());
    progress.Update(start + m);
  }
  progress.Finish();
  return out;
}

std::string TraceFileName(const std::string& layer) {
  std::string s = layer;
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.')) c = '_';
  return s;
}

void WriteTextFile(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::trunc);
    if (!f) throw Error(path + ": cannot write: " + std::strerror(errno));
    f << text;
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      throw Error(path + ": write failed");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    std::remove(tmp.c_str());
    throw Error(path + ": cannot rename temporary file into place: " + err);
  }
}

}  // namespace hlsforge::cli
