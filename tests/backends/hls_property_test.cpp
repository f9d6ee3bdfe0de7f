// Property test of the HLS backend: random MLPs, C simulation == emu::Predict
// bit for bit on random inputs.
//   HLSFORGE_PROPERTY_COUNT  number of MLPs (default 24 in CI; the full run
//                            is >= 200: HLSFORGE_PROPERTY_COUNT=200)
//   HLSFORGE_PROPERTY_SEED   first seed (default 12345); MLP k uses seed + k
//   HLSFORGE_PROPERTY_BATCH  MLPs per g++ run (default 40)
//   HLSFORGE_PROPERTY_SEEDS  explicit comma-separated seed list (replaces the above)
// Each MLP draws: 1-4 layers of 1-12 neurons; input/weight/bias/accumulator/
// result precisions of 2-24 bits, signed or unsigned, every quantization and
// overflow mode; Latency or Resource with a random (possibly invalid, then
// snapped) reuse factor 1-8; io_parallel or io_stream; weights fixed-point,
// binary (1-bit XNOR, -1/+1) or ternary (2-bit {-1,0,1}); after each Dense:
// nothing, ReLU, leaky ReLU, sigmoid, tanh, binary tanh (XNOR bit or +-1 in a
// wider type), ternary tanh, or BN+sign / BN+ternary thresholds.
// Several MLPs (distinct namespaces) share one C-simulation program, so the
// 200-MLP run costs a handful of g++ runs. Seeds are printed with each MLP's
// structure; replay one with HLSFORGE_PROPERTY_SEED=<seed> HLSFORGE_PROPERTY_COUNT=1.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>

#include "hls_test_util.h"

using namespace hls_test;
using namespace hlsforge;

namespace {

struct Mlp {
  uint32_t seed;
  ir::Graph g;
  ir::IOType io;
  NDArray x;
  std::string summary;
};

Mlp RandomMlp(uint32_t seed) {
  static const Quant qs[] = {Quant::TRN, Quant::RND, Quant::RND_CONV, Quant::TRN_ZERO,
                             Quant::RND_ZERO, Quant::RND_INF, Quant::RND_MIN_INF};
  static const Overflow os[] = {Overflow::WRAP, Overflow::SAT, Overflow::SAT_SYM, Overflow::SAT_ZERO};
  std::mt19937 rng(seed);
  auto ri = [&](int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng); };
  auto rtype = [&](int wmin, int wmax) {
    const int w = ri(wmin, wmax);
    const bool s = ri(0, 1);
    const int i = ri(-2, std::min(w, 10));
    return FixedType(w, i, s, qs[ri(0, 6)], os[ri(0, 3)]);
  };
  Mlp m;
  m.seed = seed;
  std::ostringstream sum;
  const int n_in = ri(2, 12);
  const FixedType in_t = rtype(2, 16);
  m.g = StartGraph("prop" + std::to_string(seed), n_in, in_t);
  sum << "in " << n_in << " " << in_t.ToString();
  std::string cur = "input_1";
  int n = n_in;
  const int depth = ri(1, 4);
  const auto st = ri(0, 1) ? ir::Strategy::Resource : ir::Strategy::Latency;
  for (int d = 0; d < depth; ++d) {
    const int n_out = ri(1, 12);
    const FixedType data_t = *m.g.tensor(cur).type;
    const bool data_xnor = data_t.width() == 1 && !data_t.is_signed();
    // weight kind: fixed, binary (XNOR), ternary
    const int wk = ri(0, 5);
    WeightKind kind = wk == 4 ? WeightKind::Binary : wk == 5 ? WeightKind::Ternary : WeightKind::Fixed;
    if (data_xnor && ri(0, 1)) kind = WeightKind::Binary;  // exercise XNOR-popcount
    FixedType w_t = kind == WeightKind::Binary ? FixedType::Int(1, false)
                  : kind == WeightKind::Ternary ? FixedType::Int(2, true) : rtype(2, 16);
    while (data_t.width() + w_t.width() > 48) w_t = rtype(2, 8);
    const FixedType acc = rtype(std::min(24, std::max(2, data_t.width() + w_t.width() / 2)), 24);
    const FixedType res = rtype(2, 24);
    const std::string name = "dense_" + std::to_string(d);
    AddDense(m.g, name, cur, n, n_out, w_t, rtype(2, 16), acc, res, rng, st, ri(1, 8), kind);
    sum << " | dense " << n_out << (kind == WeightKind::Binary ? " binary-w" : kind == WeightKind::Ternary ? " ternary-w" : "")
        << (data_xnor ? " xnor-in" : "") << " w=" << w_t.ToString() << " acc=" << acc.ToString() << " res=" << res.ToString();
    cur = name + "_out";
    n = n_out;
    const std::string an = "act_" + std::to_string(d);
    const int act = ri(0, 9);
    FixedType act_t = rtype(2, 18);
    switch (act) {
      case 0: continue;
      case 1: AddAct(m.g, an, cur, n, ir::ActivationKind::ReLU, act_t); sum << " relu"; break;
      case 2: AddAct(m.g, an, cur, n, ir::ActivationKind::LeakyReLU, act_t, 0.125 * ri(1, 3)); sum << " leaky"; break;
      case 3: AddAct(m.g, an, cur, n, ir::ActivationKind::Sigmoid, act_t); sum << " sigmoid"; break;
      case 4: AddAct(m.g, an, cur, n, ir::ActivationKind::Tanh, act_t); sum << " tanh"; break;
      case 5:
        act_t = ri(0, 2) ? FixedType::Int(1, false) : FixedType::Int(ri(2, 4), true);
        AddAct(m.g, an, cur, n, ir::ActivationKind::BinaryTanh, act_t);
        sum << " binary_tanh";
        break;
      case 6:
        act_t = FixedType::Int(ri(2, 4), true);
        AddAct(m.g, an, cur, n, ir::ActivationKind::TernaryTanh, act_t);
        sum << " ternary_tanh";
        break;
      case 7: case 8: {
        const bool ternary = act == 8;
        act_t = ternary ? FixedType::Int(ri(2, 3), true) : (ri(0, 2) ? FixedType::Int(1, false) : FixedType::Int(2, true));
        AddThreshold(m.g, an, cur, n, ternary, act_t, rng, std::min(4.0, res.max_value()));
        sum << (ternary ? " bn+ternary" : " bn+sign");
        break;
      }
      default: AddAct(m.g, an, cur, n, ir::ActivationKind::ReLU, act_t); sum << " relu"; break;
    }
    sum << " " << act_t.ToString();
    cur = an + "_out";
  }
  m.g.outputs = {cur};
  m.io = ri(0, 1) ? ir::IOType::Stream : ir::IOType::Parallel;
  m.x = RandomInput(64, n_in, rng, 3.0);
  m.summary = sum.str() + "; " + ir::ToString(st) + ", " + (m.io == ir::IOType::Stream ? "io_stream" : "io_parallel");
  return m;
}

// For a failing MLP: simulates every prefix of the graph (outputs = layer k's
// output) in one program and names the first layer whose C simulation
// differs from the emulator.
std::string FirstDifferingLayer(const Mlp& m, const fs::path& root) {
  std::vector<std::string> dirs;
  std::vector<NDArray> inputs;
  std::vector<ir::Graph> prefixes;
  for (size_t k = 1; k < m.g.layers.size(); ++k) {
    ir::Graph p = m.g;
    p.layers.resize(k + 1);
    p.outputs = {p.layers.back().output};
    auto dir = WriteBatchProject(p, m.io, "prefix" + std::to_string(k), root / ("prefix_" + std::to_string(m.seed)));
    if (!dir.ok()) return "(prefix not writable)";
    dirs.push_back(*dir);
    inputs.push_back(m.x);
    prefixes.push_back(std::move(p));
  }
  auto ys = backends::RunCsimBatch(dirs, inputs, (root / ("prefix_" + std::to_string(m.seed)) / "batch").string());
  if (!ys.ok()) return "(prefixes do not simulate: " + ys.status().message().substr(0, 300) + ")";
  for (size_t k = 0; k < prefixes.size(); ++k) {
    auto e = emu::Predict(prefixes[k], m.x);
    if (!e.ok()) return "(emulator: " + e.status().message() + ")";
    std::string first;
    if (CountDiff((*ys)[k], *e, &first) != 0)
      return "layer '" + prefixes[k].layers.back().name + "': " + first;
  }
  return "(no prefix differs)";
}

}  // namespace

TEST(HlsProperty, RandomMlpsBatched) {
  int count = EnvInt("HLSFORGE_PROPERTY_COUNT", 24);
  const uint32_t base = static_cast<uint32_t>(EnvInt("HLSFORGE_PROPERTY_SEED", 12345));
  const int batch = std::max(1, EnvInt("HLSFORGE_PROPERTY_BATCH", 40));
  std::vector<uint32_t> seeds;
  if (const char* e = std::getenv("HLSFORGE_PROPERTY_SEEDS"); e && *e) {
    std::stringstream ss(e);
    std::string tok;
    while (std::getline(ss, tok, ',')) seeds.push_back(static_cast<uint32_t>(std::stoul(tok)));
    count = static_cast<int>(seeds.size());
    std::printf("[ property ] %d random MLPs, seeds %s, %d per g++ run\n", count, e, batch);
  } else {
    for (int c = 0; c < count; ++c) seeds.push_back(base + static_cast<uint32_t>(c));
    std::printf("[ property ] %d random MLPs, seeds %u..%u, %d per g++ run\n", count, base,
                base + static_cast<uint32_t>(count) - 1, batch);
  }
  const auto t0 = std::chrono::steady_clock::now();
  double compile_total = 0;
  int passed = 0;
  for (int start = 0; start < count; start += batch) {
    const int end = std::min(count, start + batch);
    const fs::path root = TmpDir("prop_" + std::to_string(seeds[start]));
    std::vector<Mlp> mlps;
    std::vector<std::string> dirs;
    std::vector<NDArray> inputs;
    for (int c = start; c < end; ++c) {
      Mlp m = RandomMlp(seeds[c]);
      std::printf("[ property ] seed %u: %s\n", m.seed, m.summary.c_str());
      auto dir = WriteBatchProject(m.g, m.io, "prop" + std::to_string(m.seed), root);
      ASSERT_TRUE(dir.ok()) << "seed " << m.seed << ": " << dir.status().message();
      dirs.push_back(*dir);
      inputs.push_back(m.x);
      mlps.push_back(std::move(m));
    }
    backends::CsimOptions co;
    double compile_s = 0;
    co.compile_seconds = &compile_s;
    auto ys = backends::RunCsimBatch(dirs, inputs, (root / "batch").string(), co);
    compile_total += compile_s;
    ASSERT_TRUE(ys.ok()) << "seeds " << seeds[start] << ".." << seeds[end - 1] << ": " << ys.status().message();
    for (size_t k = 0; k < mlps.size(); ++k) {
      auto e = emu::Predict(mlps[k].g, mlps[k].x);
      ASSERT_TRUE(e.ok()) << "seed " << mlps[k].seed << ": " << e.status().message();
      std::string first;
      const int64_t diff = CountDiff((*ys)[k], *e, &first);
      EXPECT_EQ(diff, 0) << "property seed " << mlps[k].seed << " (" << mlps[k].summary
                         << "): " << first << " (replay: HLSFORGE_PROPERTY_SEED=" << mlps[k].seed
                         << " HLSFORGE_PROPERTY_COUNT=1)";
      passed += diff == 0;
      if (diff != 0)
        std::printf("[ property ] seed %u: first differing layer: %s\n", mlps[k].seed,
                    FirstDifferingLayer(mlps[k], root).c_str());
    }
    if (!::testing::Test::HasFailure()) fs::remove_all(root);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ property ] %d/%d MLPs bit-exact; %.1f s total, %.1f s in g++\n", passed, count, secs, compile_total);
}
