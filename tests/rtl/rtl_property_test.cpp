// Property test of the Verilog backend: random MLPs with random precisions
// (widths 1..32, integer bits around them, signed/unsigned), every
// quantization and overflow mode on inputs, accumulators and results, binary
// (1-bit XNOR), ternary and fixed weights, and every supported layer between
// the Dense layers (activations incl. tables, thresholds, scale/shift,
// quantize, softmax implementations). Each design's Verilator output equals
// emu::Predict bit for bit on random rows and the latency equals the
// reported one. All designs of a batch share one Verilator build.
//   HLSFORGE_RTL_PROP_MODELS  designs (default 36; scripts/rtl_property.sh runs 240)
//   HLSFORGE_RTL_PROP_SEED    first seed (default 1)
//   HLSFORGE_RTL_PROP_BATCH   designs per Verilator build (default 40)
#include "rtl_property.h"

using namespace rtl_test;

TEST(RtlProperty, RandomMlpsMatchEmulator) {
  const int models = EnvInt("HLSFORGE_RTL_PROP_MODELS", 36);
  const int seed0 = EnvInt("HLSFORGE_RTL_PROP_SEED", 1);
  const int batch = std::max(1, EnvInt("HLSFORGE_RTL_PROP_BATCH", 40));
  int64_t designs = 0, values = 0, skipped = 0;
  std::map<std::string, int> coverage;
  double build_s = 0, run_s = 0;
  for (int first = 0; first < models; first += batch) {
    std::vector<Case> cases;
    for (int m = first; m < std::min(models, first + batch); ++m) {
      std::mt19937 rng(static_cast<uint32_t>(seed0 * 100003 + m));
      Case c;
      c.tag = "p" + std::to_string(seed0) + "_" + std::to_string(m);
      std::vector<std::string> used;
      c.g = RandomMlp(c.tag, rng, &used);
      c.x = RandomRows(c.g, rng, 120);
      auto e = emu::Predict(c.g, c.x);  // a combination the emulator rejects is not a test case
      if (!e.ok() || !backends::CheckRtlGraph(c.g).ok()) {
        ++skipped;
        continue;
      }
      for (const std::string& u : used) ++coverage[u];
      cases.push_back(std::move(c));
    }
    const fs::path root = RtlTmpDir("prop_" + std::to_string(seed0) + "_" + std::to_string(first));
    const BatchStats st = ExpectRtlMatchesEmulator(cases, root);
    designs += st.designs;
    values += st.values;
    build_s += st.build_s;
    run_s += st.run_s;
  }
  std::string cov;
  for (const auto& [k, v] : coverage) cov += " " + k + ":" + std::to_string(v);
  std::printf("[ covered  ] %lld random MLPs (%lld skipped as the emulator rejects them), %lld values bit-exact; "
              "Verilator builds %.1f s, simulation %.1f s\n[ covered  ]%s\n",
              static_cast<long long>(designs), static_cast<long long>(skipped), static_cast<long long>(values), build_s,
              run_s, cov.c_str());
  EXPECT_GE(designs, models * 3 / 4);
}

// HLSFORGE_RTL_PROP_DEBUG=m: localizes a failing design of the property test
// (seed HLSFORGE_RTL_PROP_SEED, index m): prints its layers and types and
// simulates every prefix of the graph, so the first failing layer shows.
TEST(RtlProperty, DebugOneDesign) {
  const int m = EnvInt("HLSFORGE_RTL_PROP_DEBUG", -1);
  if (m < 0) GTEST_SKIP() << "set HLSFORGE_RTL_PROP_DEBUG to a design index";
  const int seed0 = EnvInt("HLSFORGE_RTL_PROP_SEED", 1);
  std::mt19937 rng(static_cast<uint32_t>(seed0 * 100003 + m));
  std::vector<std::string> used;
  const std::string tag = "p" + std::to_string(seed0) + "_" + std::to_string(m);
  ir::Graph g = RandomMlp(tag, rng, &used);
  NDArray x = RandomRows(g, rng, 120);
  std::printf("input %s\n", g.tensor(g.inputs[0]).type->ToString().c_str());
  std::vector<Case> cases;
  for (size_t k = 1; k < g.layers.size(); ++k) {
    const ir::Layer& l = g.layers[k];
    std::string prec;
    for (const auto& [key, p] : l.config.precision) prec += " " + std::string(ir::SlotKey(key)) + "=" + (p.type ? p.type->ToString() : "auto");
    for (const auto& [key, p] : l.params) prec += " param " + key + "=" + (p.type ? p.type->ToString() : "-");
    std::printf("layer %s %s act=%s -> %s;%s\n", l.name.c_str(), ir::ToString(l.kind), ir::ToString(l.activation),
                g.tensor(l.output).type->ToString().c_str(), prec.c_str());
    Case c;
    c.tag = tag + "_upto" + std::to_string(k);
    c.g = g;
    c.g.layers.resize(k + 1);
    c.g.outputs = {l.output};
    c.x = x;
    cases.push_back(std::move(c));
  }
  ExpectRtlMatchesEmulator(cases, RtlTmpDir("debug_" + tag));
}
