// Helpers shared by the HLS backend tests: hand-built graphs with resolved
// precisions, random inputs, exact comparison of C simulation and emulator.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "../support/varying.h"
#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/ir/family.h"
#include "hlsforge/passes/pass.h"
#include "hlsforge/testing/differential.h"
#include "hlsforge/testing/random_model.h"

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

/// Number of values where y (the simulation `side`: csim, verilator) and
/// the emulator's e differ (exact comparison); `first` receives a
/// description of the first difference.
inline int64_t CountDiff(const NDArray& y, const NDArray& e, std::string* first, const std::string& side = "csim") {
  if (y.data.size() != e.data.size()) {
    *first = "sizes differ: " + side + " " + std::to_string(y.data.size()) + " vs emulator " + std::to_string(e.data.size());
    return -1;
  }
  int64_t diff = 0;
  const int64_t rs = std::max<int64_t>(1, y.row_size());
  for (size_t i = 0; i < y.data.size(); ++i)
    if (y.data[i] != e.data[i]) {
      if (!diff) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "row %lld output %lld: %s %.17g vs emulator %.17g",
                      static_cast<long long>(i / rs), static_cast<long long>(i % rs), side.c_str(), y.data[i],
                      e.data[i]);
        *first = buf;
      }
      ++diff;
    }
  return diff;
}

/// Writes, simulates (one project, one compile, traced) and compares the
/// output and every layer's output with the emulator.
inline void ExpectCsimMatchesEmulator(const ir::Graph& g, const NDArray& x, const std::string& tag,
                                      std::optional<ir::IOType> io = std::nullopt) {
  backends::HlsOptions opt;
  opt.backend = ir::FamilyOf(g) == Family::AC ? "catapult" : "vitis";
  opt.io_type = io;
  opt.warn = [](const std::string&) {};
  fs::path dir = TmpDir(tag);
  Status st = backends::WriteHlsProject(g, opt, dir.string());
  ASSERT_TRUE(st.ok()) << st.message();
  backends::CsimOptions co;
  std::vector<std::map<std::string, NDArray>> traces;
  co.traces = &traces;
  auto y = backends::RunCsim(dir.string(), x, co);
  ASSERT_TRUE(y.ok()) << y.status().message();
  auto e = emu::Predict(g, x);
  ASSERT_TRUE(e.ok()) << e.status().message();
  std::string first;
  EXPECT_EQ(CountDiff(*y, *e, &first), 0) << tag << ": " << first;
  auto et = emu::Trace(g, x);
  ASSERT_TRUE(et.ok()) << et.status().message();
  EXPECT_EQ(hlsforge::testing::FirstTraceDifference(g, traces.at(0), *et), "") << tag;
  fs::remove_all(dir);
}

/// Gives every stable softmax of g an explicit inp_norm ap_ufixed<16,5,TRN,SAT>:
/// max - x in [0, 32) indexes the exp table in bins of 2^(5 - log2(table
/// size)) (1/32 for 1024 entries) instead of the default type's bins, which
/// make hls4ml's stable softmax return the constant 1/N.
inline void ExplicitInpNorm(ir::Graph& g) {
  for (auto& l : g.layers)
    if (l.kind == ir::LayerKind::Softmax && l.config.softmax_impl == ir::SoftmaxImpl::Stable)
      l.config.precision["inp_norm"].type = FixedType(16, 5, false, Quant::TRN, Overflow::SAT);
}

/// Plans g again for io type `io` (the lower_hardware pass) after a test
/// changed a layer's config (strategy, reuse or parallelization factor, a
/// precision): the writer implements Layer::plan, which is otherwise the plan
/// of the config as loaded.
inline void Replan(ir::Graph& g, ir::IOType io) {
  g.io_type = io;
  const Status st = passes::RunPipeline(g, {"lower_hardware"});
  ASSERT_TRUE(st.ok()) << st.message();
}

/// The distinct values a case requires of its compared layer outputs: `all`
/// for every layer (capped by what its type holds, binary 2, ternary 3:
/// hlsforge::testing::RequiredDistinct), except the layers listed.
struct Distinct {
  int64_t all;
  std::map<std::string, int64_t> layer = {};
};

/// Every layer output of `trace` (emu::Trace of g) must take its required
/// number of distinct values; with softmax_constant, a Softmax output must
/// instead be one constant (hls4ml's 1/N pitfall under the config tested).
inline void ExpectLayersVary(const ir::Graph& g, const std::map<std::string, NDArray>& trace, const Distinct& want,
                             bool softmax_constant, const std::string& what) {
  for (const auto& l : g.layers) {
    auto it = trace.find(l.name);
    ASSERT_NE(it, trace.end()) << what << ": layer " << l.name << " not traced";
    const std::string w = what + " layer '" + l.name + "'";
    auto o = want.layer.find(l.name);
    if (softmax_constant && l.kind == ir::LayerKind::Softmax) hlsforge::testing::ExpectConstant(it->second, w);
    else if (o != want.layer.end()) hlsforge::testing::ExpectVarying(it->second, o->second, w);
    else hlsforge::testing::ExpectVarying(it->second, hlsforge::testing::RequiredDistinct(g, l, want.all), w);
  }
}

/// One variant of an acceptance case: every layer of its C-simulation trace
/// `csim` equals emu::Trace(g, x) (adds the layers compared to *layers);
/// with `check_vary`, every layer also takes its required distinct values
/// (ExpectLayersVary).
inline void ExpectTraceEqualAndVarying(const ir::Graph& g, const NDArray& x,
                                       const std::map<std::string, NDArray>& csim, int64_t* layers,
                                       bool check_vary, const Distinct& want, bool softmax_constant,
                                       const std::string& what) {
  auto t = emu::Trace(g, x);
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(hlsforge::testing::FirstTraceDifference(g, csim, *t), "") << what;
  *layers += static_cast<int64_t>(csim.size());
  if (check_vary) ExpectLayersVary(g, *t, want, softmax_constant, what);
}

/// Writes g as project `name` (C++ namespace ns_<name>, warnings dropped)
/// into root/name, ready for RunCsimBatch; returns that directory.
inline StatusOr<std::string> WriteBatchProject(const ir::Graph& g, std::optional<ir::IOType> io,
                                               const std::string& name, const fs::path& root) {
  backends::HlsOptions opt;
  opt.backend = ir::FamilyOf(g) == Family::AC ? "catapult" : "vitis";
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

/// The property test of one model family: the random models of the seeds
/// (env PREFIX_SEEDS = a comma-separated list, else PREFIX_COUNT models from
/// PREFIX_SEED on), simulated PREFIX_BATCH per g++ run; every layer of every
/// model must equal the emulator and take its minimum of distinct values
/// (random_model.h). PREFIX_IO=io_parallel|io_stream forces the io type;
/// PREFIX_STOP=1 stops after the first program with a failing model.
inline void RunRandomModels(hlsforge::testing::ModelFamily family, const std::string& prefix, int default_count,
                            uint32_t default_seed, int default_batch) {
  const char* what = family == hlsforge::testing::ModelFamily::Mlp ? "MLP" : "CNN";
  std::vector<uint32_t> seeds;
  if (const char* e = std::getenv((prefix + "_SEEDS").c_str()); e && *e) {
    std::stringstream ss(e);
    std::string tok;
    while (std::getline(ss, tok, ',')) seeds.push_back(static_cast<uint32_t>(std::stoul(tok)));
  } else {
    const int count = EnvInt((prefix + "_COUNT").c_str(), default_count);
    const uint32_t base = static_cast<uint32_t>(EnvInt((prefix + "_SEED").c_str(), static_cast<int>(default_seed)));
    for (int c = 0; c < count; ++c) seeds.push_back(base + static_cast<uint32_t>(c));
  }
  ASSERT_FALSE(seeds.empty());
  hlsforge::testing::RandomModelOptions ro;
  ro.family = family;
  if (const char* io = std::getenv((prefix + "_IO").c_str()); io && *io)
    ro.io = std::string(io) == "io_stream" ? ir::IOType::Stream : ir::IOType::Parallel;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<hlsforge::testing::RandomModel> models;
  for (uint32_t s : seeds) {
    auto m = hlsforge::testing::GenerateRandomModel(s, ro);
    ASSERT_TRUE(m.ok()) << m.status().message();
    models.push_back(std::move(m).value());
  }
  const double gen_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  hlsforge::testing::DifferentialOptions d;
  d.work_dir = TmpDir(prefix).string();
  d.batch = std::max(1, EnvInt((prefix + "_BATCH").c_str(), default_batch));
  d.stop_at_first_failure = EnvInt((prefix + "_STOP").c_str(), 0) != 0;
  d.log = [](const std::string& s) { std::printf("[ property ] %s\n", s.c_str()); };
  double compile_s = 0;
  d.compile_seconds = &compile_s;
  auto reports = hlsforge::testing::CompareWithCsim(models, d);
  ASSERT_TRUE(reports.ok()) << reports.status().message();
  int agree = 0, layers = 0;
  std::string failed;
  for (size_t k = 0; k < models.size(); ++k) {
    const auto& r = (*reports)[k];
    agree += r.agree && r.varying;
    layers += r.layers;
    if (r.agree && r.varying) continue;
    failed += (failed.empty() ? "" : ",") + std::to_string(r.seed);
    ADD_FAILURE() << what << " seed " << r.seed << ": " << r.message << " (replay: " << prefix << "_SEEDS=" << r.seed
                  << ")\n      " << models[k].summary;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ property ] %d/%zu random %ss: every layer (%d layer outputs) bit-exact vs emu::Trace and varying; "
              "seeds %u..%u; %.1f s total (%.1f s generating, %.1f s in g++)%s%s\n",
              agree, models.size(), what, layers, seeds.front(), seeds.back(), secs, gen_s, compile_s,
              failed.empty() ? "" : "; failing seeds: ", failed.c_str());
  if (!::testing::Test::HasFailure()) fs::remove_all(d.work_dir);
}


}  // namespace hls_test
