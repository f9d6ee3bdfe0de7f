// The Catapult HLS backend (docs/CATAPULT.md) against the emulator, with the
// models' types in the AC family (ac_fixed / ac_int, io_stream through
// ac_channel):
//  * the dense and CNN models of the corpus, io_parallel and io_stream: every
//    layer of the C simulation (traced, our AC simulation headers) equals
//    emu::Trace bit for bit; all projects are compiled in ONE g++ run;
//  * the random-model property harness (src/testing) with the AC family;
//  * the same model under the ap and the ac family: equal wherever the
//    families agree (SAT_SYM results, RND/SAT casts, a sigmoid table index of
//    negative inputs, which the kernels truncate toward zero in both
//    families), and, with one result in the AC-only mode RND_CONV_ODD instead
//    of RND_CONV, different exactly at the ties of that result; the AC model's
//    C simulation equals its emulation.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <set>

#include "hlsforge/flow/flow.h"
#include "hlsforge/ir/family.h"
#include "hls_test_util.h"
#include "test_data.h"

using namespace hls_test;
using namespace hlsforge;

namespace {

/// Normal(0, scale) inputs of the model's input shape, float32-exact.
NDArray ModelInput(const ir::Graph& g, int rows, uint32_t seed, double scale) {
  NDArray x;
  x.shape = {rows};
  int64_t n = 1;
  for (int64_t d : g.tensor(g.inputs.at(0)).shape) x.shape.push_back(d), n *= d;
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0, scale);
  for (int64_t i = 0; i < rows * n; ++i) x.data.push_back(static_cast<float>(d(rng)));
  return x;
}

int64_t Distinct(const NDArray& a) { return static_cast<int64_t>(std::set<double>(a.data.begin(), a.data.end()).size()); }

/// Every model file of the corpus (models/onnx, models/qonnx: *.onnx;
/// models/keras: *.json with its *_weights.h5 or, for the HGQ proxy models,
/// its .h5, and *.keras), sorted.
std::vector<std::string> CorpusModels() {
  std::vector<std::string> rels;
  for (const char* sub : {"models/onnx", "models/qonnx", "models/keras"}) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(test_data::Root() + "/" + sub, ec)) {
      const std::string file = e.path().filename().string();
      const std::string ext = e.path().extension().string();
      if (ext == ".onnx" || ext == ".keras" || (ext == ".json" && file.find("_weights") == std::string::npos))
        rels.push_back(std::string(sub) + "/" + file);
    }
  }
  std::sort(rels.begin(), rels.end());
  return rels;
}

TEST(CatapultAcceptance, EveryCorpusModelBothIoTypesEqualsTheEmulatorLayerByLayer) {
  const std::vector<std::string> models = CorpusModels();
  const auto t0 = std::chrono::steady_clock::now();
  const fs::path root = TmpDir("catapult_acceptance");
  std::vector<ir::Graph> graphs;
  std::vector<std::string> dirs, names;
  std::vector<NDArray> inputs;
  for (const std::string& rel : models) {
    const std::string path = test_data::Find(rel);
    for (const ir::IOType io : {ir::IOType::Parallel, ir::IOType::Stream}) {
      flow::Options o;
      o.family = Family::AC;  // what convert --backend catapult does
      o.io_type = io;
      auto g = flow::LoadConfiguredModel(path, std::string(), o);
      ASSERT_TRUE(g.ok()) << rel << ": " << g.status().message();
      ASSERT_EQ(ir::FamilyOf(*g), Family::AC);
      EXPECT_EQ(ir::FamilyMismatch(*g), std::nullopt) << rel;
      const std::string name = fmt::format("m{}_{}", graphs.size() / 2, io == ir::IOType::Stream ? "stream" : "parallel");
      auto dir = WriteBatchProject(*g, std::nullopt, name, root);
      ASSERT_TRUE(dir.ok()) << rel << ": " << dir.status().message();
      dirs.push_back(*dir);
      names.push_back(rel + (io == ir::IOType::Stream ? " io_stream" : " io_parallel"));
      // 48 rows, fewer for a large input (at most ~100,000 input values).
      int64_t n = 1;
      for (int64_t d : g->tensor(g->inputs.at(0)).shape) n *= d;
      const int rows = static_cast<int>(std::clamp<int64_t>(100000 / n, 1, 48));
      inputs.push_back(ModelInput(*g, rows, 11 + static_cast<uint32_t>(graphs.size()), 1.5));
      graphs.push_back(std::move(*g));
    }
  }
  // The corpus has 13 dense and 7 convolutional models besides the proxies;
  // tests/data alone (a clone without ../shared) has fewer.
  if (test_data::Root() == test_data::SharedDir()) EXPECT_GE(models.size(), 20u);
  if (graphs.empty()) GTEST_SKIP() << "no model of the corpus found";
  backends::CsimOptions co;
  std::vector<std::map<std::string, NDArray>> traces;
  co.traces = &traces;
  double compile_s = 0;
  co.compile_seconds = &compile_s;
  auto ys = backends::RunCsimBatch(dirs, inputs, (root / "batch").string(), co);
  ASSERT_TRUE(ys.ok()) << ys.status().message();
  int64_t layers = 0;
  for (size_t k = 0; k < graphs.size(); ++k) {
    auto e = emu::Predict(graphs[k], inputs[k]);
    ASSERT_TRUE(e.ok()) << e.status().message();
    std::string first;
    EXPECT_EQ(CountDiff((*ys)[k], *e, &first), 0) << names[k] << ": " << first;
    auto et = emu::Trace(graphs[k], inputs[k]);
    ASSERT_TRUE(et.ok()) << et.status().message();
    EXPECT_EQ(hlsforge::testing::FirstTraceDifference(graphs[k], traces.at(k), *et), "") << names[k];
    layers += static_cast<int64_t>(traces.at(k).size());
    // The comparison can fail: some layer varies widely over the rows (the
    // output may be the constant 1/N of the stable softmax under the default
    // config, hls4ml's pitfall).
    int64_t widest = 0;
    for (const auto& [layer, a] : *et) widest = std::max(widest, Distinct(a));
    EXPECT_GE(widest, 16) << names[k];
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("[ catapult ] %zu models, %zu projects (ac_fixed, both io types), %lld layer outputs bit-exact vs emu::Trace; "
              "one g++ run %.1f s, %.1f s total\n", models.size(), graphs.size(), static_cast<long long>(layers), compile_s, secs);
  if (!HasFailure()) fs::remove_all(root);
}

// The random-model property harness with the AC family: a few MLPs and CNNs
// (every layer equal to the emulator and varying), simulated in one program.
// HLSFORGE_CATAPULT_PROP_COUNT=N runs N models instead of 4 (MLPs and CNNs in
// turn, seeds 101.. and 201..; HLSFORGE_CATAPULT_PROP_BATCH per g++ run).
TEST(CatapultProperty, RandomModelsWithAcTypes) {
  std::vector<hlsforge::testing::RandomModel> models;
  const int count = EnvInt("HLSFORGE_CATAPULT_PROP_COUNT", 4);  // seed 103: a latency softmax indexed by a signed type
  for (int k = 0; k < count; ++k) {
    hlsforge::testing::RandomModelOptions ro;
    const bool cnn = k % 3 == 2;
    ro.family = cnn ? hlsforge::testing::ModelFamily::Cnn : hlsforge::testing::ModelFamily::Mlp;
    const uint32_t seed = (cnn ? 201u + static_cast<uint32_t>(k / 3) : 101u + static_cast<uint32_t>(k - k / 3));
    auto m = hlsforge::testing::GenerateRandomModel(seed, ro);
    ASSERT_TRUE(m.ok()) << m.status().message();
    ASSERT_TRUE(ir::SetFamily(m->graph, Family::AC).ok());
    models.push_back(std::move(*m));
  }
  hlsforge::testing::DifferentialOptions d;
  d.work_dir = TmpDir("catapult_property").string();
  d.batch = std::max(1, EnvInt("HLSFORGE_CATAPULT_PROP_BATCH", static_cast<int>(models.size())));
  double compile_s = 0;
  d.compile_seconds = &compile_s;
  auto reports = hlsforge::testing::CompareWithCsim(models, d);
  ASSERT_TRUE(reports.ok()) << reports.status().message();
  int layers = 0;
  for (size_t k = 0; k < models.size(); ++k) {
    const auto& r = (*reports)[k];
    layers += r.layers;
    EXPECT_TRUE(r.agree && r.varying) << "seed " << r.seed << ": " << r.message << "\n      " << models[k].summary;
  }
  std::printf("[ catapult ] %zu random models (ac_fixed): %d layer outputs bit-exact vs emu::Trace; g++ %.1f s\n",
              models.size(), layers, compile_s);
  if (!HasFailure()) fs::remove_all(d.work_dir);
}

/// input [8] -> Dense (result SAT_SYM) -> sigmoid -> Dense (result F = 4) ->
/// linear activation "q" (result F = 2, RND_CONV, SAT): the model output.
ir::Graph FamilyModel() {
  std::mt19937 rng(5);
  ir::Graph g = StartGraph("family_diff", 8, FixedType(12, 4, true, Quant::RND, Overflow::SAT));
  AddDense(g, "d1", "input_1", 8, 6, FixedType(8, 2), FixedType(8, 2), FixedType(24, 10),
           FixedType(12, 5, true, Quant::RND, Overflow::SAT_SYM), rng);
  AddAct(g, "sig", "d1_out", 6, ir::ActivationKind::Sigmoid, FixedType(12, 2));
  AddDense(g, "d2", "sig_out", 6, 4, FixedType(8, 2), FixedType(8, 2), FixedType(24, 10), FixedType(10, 6), rng);
  AddAct(g, "q", "d2_out", 4, ir::ActivationKind::Linear, FixedType(8, 6, true, Quant::RND_CONV, Overflow::SAT));
  g.outputs = {"q_out"};
  return g;
}

TEST(CatapultFamilies, SameModelDiffersExactlyWhereTheSemanticsDiffer) {
  ir::Graph ap = FamilyModel();
  Replan(ap, ir::IOType::Parallel);
  ir::Graph ac = ap;
  ASSERT_TRUE(ir::SetFamily(ac, Family::AC).ok());
  ASSERT_EQ(ir::FamilyMismatch(ac), std::nullopt);
  ir::Graph odd = ac;  // the AC-only mode on the output
  odd.tensor("q_out").type = FixedType(8, 6, true, Quant::RND_CONV_ODD, Overflow::SAT, Family::AC);
  std::mt19937 rng(9);
  const NDArray x = RandomInput(400, 8, rng, 3.0);
  auto tap = emu::Trace(ap, x), tac = emu::Trace(ac, x), todd = emu::Trace(odd, x);
  ASSERT_TRUE(tap.ok() && tac.ok() && todd.ok());
  // ap vs ac: equal on every layer (SAT_SYM saturates on d1, the sigmoid
  // indexes its table with negative inputs).
  int64_t saturated = 0, negative = 0;
  for (double v : tac->at("d1").data) saturated += std::fabs(v) == 16 - 1.0 / 128, negative += v < 0;
  EXPECT_GT(saturated, 0) << "no SAT_SYM saturation exercised";
  EXPECT_GT(negative, 100);
  for (const auto& [layer, a] : *tap) EXPECT_EQ(a.data, tac->at(layer).data) << "layer " << layer;
  // RND_CONV vs RND_CONV_ODD on q: different exactly at the ties (d2 * 4 has
  // fraction 1/2), equal elsewhere and on every other layer.
  for (const auto& [layer, a] : *tac)
    if (layer != "q") EXPECT_EQ(a.data, todd->at(layer).data) << "layer " << layer;
  const auto& in = tac->at("d2").data;
  const auto& even = tac->at("q").data;
  const auto& oddv = todd->at("q").data;
  ASSERT_EQ(in.size(), oddv.size());
  int64_t ties = 0, wrong = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const double scaled = in[i] * 4;
    const bool tie = scaled - std::floor(scaled) == 0.5 && std::fabs(in[i]) < 31;
    ties += tie;
    if (tie != (even[i] != oddv[i])) ++wrong;
    if (tie) EXPECT_EQ(std::fabs(even[i] - oddv[i]), 0.25) << "element " << i;
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_GE(ties, 20) << "too few ties exercised";
  // RND_CONV_ODD has no ap_fixed equivalent: putting the model in the AP
  // family is an error naming where.
  ir::Graph back = odd;
  const Status st = ir::SetFamily(back, Family::AP);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("tensor 'q_out'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("RND_CONV_ODD"), std::string::npos) << st.message();
  // The Catapult firmware computes the AC model's numbers (RND_CONV_ODD,
  // SAT_SYM and the sigmoid index included).
  ExpectCsimMatchesEmulator(odd, x, "catapult_family_diff");
}

// A project of one family cannot be written by the other family's backend:
// the writer names the type and the config key that chooses the family.
TEST(CatapultFamilies, BackendRejectsTypesOfTheOtherFamily) {
  ir::Graph g = FamilyModel();
  Replan(g, ir::IOType::Parallel);
  backends::HlsOptions opt;
  opt.backend = "catapult";
  opt.warn = [](const std::string&) {};
  const fs::path dir = TmpDir("catapult_wrong_family");
  Status st = backends::WriteHlsProject(g, opt, dir.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("ap_fixed<12,4,AP_RND,AP_SAT>"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("Family: ac"), std::string::npos) << st.message();
  EXPECT_FALSE(fs::exists(dir));
  ASSERT_TRUE(ir::SetFamily(g, Family::AC).ok());
  opt.backend = "vitis";
  st = backends::WriteHlsProject(g, opt, dir.string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("ac_fixed<12,4,true,AC_RND,AC_SAT>"), std::string::npos) << st.message();
  opt.backend = "catapult";
  EXPECT_TRUE(backends::WriteHlsProject(g, opt, dir.string()).ok());
  fs::remove_all(dir);
}

// A layer the HLS writer does not support is a located error for Catapult
// too (a softmax over a 2-D tensor).
TEST(CatapultFamilies, UnsupportedLayerIsALocatedError) {
  ir::Graph g = StartGraph("bad", 8, FixedType(12, 4, true, Quant::RND, Overflow::SAT, Family::AC));
  g.tensor("input_1").shape = {2, 4};
  ir::Layer l;
  l.name = "sm2d";
  l.kind = ir::LayerKind::Softmax;
  l.inputs = {"input_1"};
  l.output = "sm2d_out";
  g.layers.push_back(l);
  AddTensor(g, "sm2d_out", 8, FixedType(16, 6, true, Quant::TRN, Overflow::WRAP, Family::AC));
  g.tensor("sm2d_out").shape = {2, 4};
  g.outputs = {"sm2d_out"};
  ASSERT_TRUE(passes::RunPipeline(g, {"infer_precision", "lower_hardware"}).ok());
  ASSERT_TRUE(ir::SetFamily(g, Family::AC).ok());
  backends::HlsOptions opt;
  opt.backend = "catapult";
  opt.warn = [](const std::string&) {};
  const Status st = backends::WriteHlsProject(g, opt, TmpDir("catapult_bad_layer").string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("layer 'sm2d' (Softmax)"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("not supported"), std::string::npos) << st.message();
}

}  // namespace

namespace {

// The passes' warnings about an AC model name its types in the AC family,
// the default types the passes create included (the 1/sum table's index
// defaults to hls4ml's fixed<18,8,RND,SAT>; with 4 entries its bins are 64
// wide). Under the ap family the same warning names ap_fixed. The model's
// family is that of its default precision (ir::FamilyOf).
TEST(CatapultFamilies, PassWarningsNameTypesOfTheModelsFamily) {
  for (const Family fam : {Family::AC, Family::AP}) {
    ir::Graph g = StartGraph("smx", 8, FixedType(12, 4, true, Quant::RND, Overflow::SAT));
    ir::Layer l;
    l.name = "sm";
    l.kind = ir::LayerKind::Softmax;
    l.inputs = {"input_1"};
    l.output = "sm_out";
    l.config.table_size = 4;
    l.config.softmax_impl = ir::SoftmaxImpl::Stable;
    l.config.precision[ir::Slot::Default].type = FixedType(16, 6);  // as ApplyConfig gives every layer
    g.layers.push_back(l);
    AddTensor(g, "sm_out", 8, FixedType(16, 6));
    g.outputs = {"sm_out"};
    ASSERT_TRUE(ir::SetFamily(g, fam).ok());
    ASSERT_TRUE(passes::RunPipeline(g, {"infer_precision", "lower_hardware"}).ok());
    const ir::Layer* sm = g.FindLayer("sm");
    ASSERT_TRUE(sm && sm->plan);
    std::string all;
    for (const std::string& w : sm->plan->warnings) all += w + "\n";
    const bool ac = fam == Family::AC;
    EXPECT_NE(all.find(ac ? "inv_inp_t ac_fixed<18,8,true,AC_RND,AC_SAT>" : "inv_inp_t ap_fixed<18,8,AP_RND,AP_SAT>"),
              std::string::npos) << all;
    EXPECT_EQ(all.find(ac ? "ap_" : "ac_"), std::string::npos) << all;
  }
}

}  // namespace
