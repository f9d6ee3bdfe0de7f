// Helpers shared by the HLS backend tests: hand-built graphs with resolved
// precisions, random inputs, exact comparison of C simulation and emulator.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/emu/emulator.h"

namespace hls_test {

namespace fs = std::filesystem;
using namespace hlsforge;

inline fs::path TmpDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("hlsforge_hls_test_" + std::to_string(getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p.parent_path());
  return p;
}

/// Weight kinds of a random Dense layer.
enum class WeightKind { Fixed, Binary /* 1-bit XNOR: -1/+1 */, Ternary /* 2-bit {-1,0,1} */ };

/// Adds a Dense layer with resolved precisions (weights uniform in [-1.5,
/// 1.5], every 7th zero for Fixed; +-1 for Binary; {-1,0,1} for Ternary).
inline void AddDense(ir::Graph& g, const std::string& name, const std::string& in, int n_in, int n_out,
                     FixedType w_t, FixedType b_t, FixedType acc, FixedType res, std::mt19937& rng,
                     ir::Strategy st = ir::Strategy::Latency, int rf = 1, WeightKind kind = WeightKind::Fixed) {
  ir::Layer l;
  l.name = name;
  l.kind = ir::LayerKind::Dense;
  l.inputs = {in};
  l.output = name + "_out";
  std::uniform_real_distribution<double> u(-1.5, 1.5);
  ir::Param w;
  w.shape = {n_in, n_out};
  for (int i = 0; i < n_in * n_out; ++i) {
    double v = u(rng);
    if (kind == WeightKind::Binary) v = v > 0 ? 1 : -1;
    else if (kind == WeightKind::Ternary) v = v > 0.5 ? 1 : (v < -0.5 ? -1 : 0);
    else if (i % 7 == 3) v = 0;  // some zero weights
    w.values.push_back(v);
  }
  w.type = w_t;
  ir::Param b;
  b.shape = {n_out};
  for (int i = 0; i < n_out; ++i) b.values.push_back(u(rng));
  b.type = b_t;
  l.params["weight"] = w;
  l.params["bias"] = b;
  l.config.precision["accum"].type = acc;
  l.config.strategy = st;
  l.config.reuse_factor = rf;
  g.layers.push_back(l);
  ir::Tensor t;
  t.name = l.output;
  t.shape = {n_out};
  t.type = res;
  g.tensors[t.name] = t;
}

inline void AddTensor(ir::Graph& g, const std::string& name, int n, FixedType t) {
  ir::Tensor x;
  x.name = name;
  x.shape = {n};
  x.type = t;
  g.tensors[name] = x;
}

inline void AddAct(ir::Graph& g, const std::string& name, const std::string& in, int n, ir::ActivationKind k,
                   FixedType res, double alpha = 0) {
  ir::Layer l;
  l.name = name;
  l.kind = ir::LayerKind::Activation;
  l.activation = k;
  l.alpha = alpha;
  l.inputs = {in};
  l.output = name + "_out";
  l.config.precision["table"].type = FixedType(18, 8);
  g.layers.push_back(l);
  AddTensor(g, l.output, n, res);
}

/// BN+sign (binary: one threshold per channel) or BN+ternary (lo/hi) folded
/// thresholds, values in [-range, range].
inline void AddThreshold(ir::Graph& g, const std::string& name, const std::string& in, int n, bool ternary,
                         FixedType res, std::mt19937& rng, double range) {
  ir::Layer l;
  l.name = name;
  l.kind = ir::LayerKind::Threshold;
  l.inputs = {in};
  l.output = name + "_out";
  std::uniform_real_distribution<double> u(-range, range);
  if (!ternary) {
    ir::Param t;
    t.shape = {n};
    for (int i = 0; i < n; ++i) t.values.push_back(u(rng));
    l.params["threshold"] = t;
  } else {
    ir::Param lo, hi;
    lo.shape = hi.shape = {n};
    for (int i = 0; i < n; ++i) {
      double a = u(rng), b = u(rng);
      lo.values.push_back(std::min(a, b));
      hi.values.push_back(std::max(a, b));
    }
    l.params["threshold_lo"] = lo;
    l.params["threshold_hi"] = hi;
  }
  g.layers.push_back(l);
  AddTensor(g, l.output, n, res);
}

inline ir::Graph StartGraph(const std::string& name, int n_in, FixedType in_t) {
  ir::Graph g;
  g.name = name;
  ir::Layer l;
  l.name = "input_1";
  l.kind = ir::LayerKind::Input;
  l.output = "input_1";
  g.layers.push_back(l);
  AddTensor(g, "input_1", n_in, in_t);
  g.inputs = {"input_1"};
  return g;
}

inline NDArray RandomInput(int rows, int n, std::mt19937& rng, double scale = 2.0) {
  NDArray x;
  x.shape = {rows, n};
  std::normal_distribution<double> d(0, scale);
  for (int i = 0; i < rows * n; ++i) x.data.push_back(static_cast<float>(d(rng)));
  return x;
}

/// Number of values where csim and emulator differ (exact comparison);
/// `first` receives a description of the first difference.
inline int64_t CountDiff(const NDArray& y, const NDArray& e, std::string* first) {
  if (y.data.size() != e.data.size()) {
    *first = "sizes differ: csim " + std::to_string(y.data.size()) + " vs emulator " + std::to_string(e.data.size());
    return -1;
  }
  int64_t diff = 0;
  const int64_t rs = std::max<int64_t>(1, y.row_size());
  for (size_t i = 0; i < y.data.size(); ++i)
    if (y.data[i] != e.data[i]) {
      if (!diff) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "row %lld output %lld: csim %.17g vs emulator %.17g",
                      static_cast<long long>(i / rs), static_cast<long long>(i % rs), y.data[i], e.data[i]);
        *first = buf;
      }
      ++diff;
    }
  return diff;
}

/// Writes, simulates (one project, one compile) and compares with the emulator.
inline void ExpectCsimMatchesEmulator(const ir::Graph& g, const NDArray& x, const std::string& tag,
                                      std::optional<ir::IOType> io = std::nullopt) {
  backends::HlsOptions opt;
  opt.io_type = io;
  opt.warn = [](const std::string&) {};
  fs::path dir = TmpDir(tag);
  Status st = backends::WriteHlsProject(g, opt, dir.string());
  ASSERT_TRUE(st.ok()) << st.message();
  auto y = backends::RunCsim(dir.string(), x);
  ASSERT_TRUE(y.ok()) << y.status().message();
  auto e = emu::Predict(g, x);
  ASSERT_TRUE(e.ok()) << e.status().message();
  std::string first;
  EXPECT_EQ(CountDiff(*y, *e, &first), 0) << tag << ": " << first;
  fs::remove_all(dir);
}


/// Writes g as project `name` (C++ namespace ns_<name>, warnings dropped)
/// into root/name, ready for RunCsimBatch; returns that directory.
inline StatusOr<std::string> WriteBatchProject(const ir::Graph& g, std::optional<ir::IOType> io,
                                               const std::string& name, const fs::path& root) {
  backends::HlsOptions opt;
  opt.io_type = io;
  opt.project_name = name;
  opt.cpp_namespace = "ns_" + name;
  opt.warn = [](const std::string&) {};
  const fs::path dir = root / name;
  HLSFORGE_RETURN_IF_ERROR(backends::WriteHlsProject(g, opt, dir.string()));
  return dir.string();
}

/// The first `rows` rows of x.
inline NDArray Rows(const NDArray& x, int64_t rows) {
  NDArray r;
  r.shape = x.shape;
  rows = std::min(rows, x.rows());
  r.shape[0] = rows;
  r.data.assign(x.data.begin(), x.data.begin() + rows * x.row_size());
  return r;
}

/// Rows of a followed by rows of b (same row shape).
inline NDArray Concat(const NDArray& a, const NDArray& b) {
  NDArray r = a;
  r.shape[0] += b.rows();
  r.data.insert(r.data.end(), b.data.begin(), b.data.end());
  return r;
}

/// Integer environment variable `name`, or dflt when unset/empty.
inline int EnvInt(const char* name, int dflt) {
  const char* e = std::getenv(name);
  return e && *e ? std::atoi(e) : dflt;
}

}  // namespace hls_test
