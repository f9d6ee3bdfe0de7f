// Verilog backend: CSD digits, every fixed-point cast mode against
// fx::convert (through Verilator), config keys, errors (unsupported layers,
// reuse factor, missing tools, a design too large for an iCE40), lint, and
// the CLI end to end (convert -> rtlsim == predict).
#include <cmath>
#include <cstdlib>
#include <random>

#include "../cli/cli_test_util.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/ir/config.h"
#include "rtl_property.h"
#include "test_data.h"
#include "../../src/backends/rtl/netlist.h"

using namespace rtl_test;
namespace ct = hlsforge::cli_test;

namespace {

/// A corpus file (../shared, else tests/data).
std::string P(const std::string& rel) { return hlsforge::test_data::Path(rel); }

// PATH replaced for the scope (children of std::system inherit it).
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& p) : old_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    setenv("PATH", p.c_str(), 1);
  }
  ~ScopedPath() { setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

ir::Graph SmallMlp(const std::string& name, uint32_t seed) {
  std::mt19937 rng(seed);
  ir::Graph g = StartGraph(name, 6, FixedType(10, 4, true));
  AddDense(g, "fc1", "input_1", 6, 5, FixedType(6, 1), FixedType(8, 3), FixedType(24, 12), FixedType(12, 6), rng);
  AddAct(g, "relu1", "fc1_out", 5, ir::ActivationKind::ReLU, FixedType(8, 4, false));
  AddDense(g, "fc2", "relu1_out", 5, 3, FixedType(6, 1), FixedType(8, 3), FixedType(24, 12), FixedType(12, 6), rng);
  g.outputs = {"fc2_out"};
  PlanHardware(g);
  return g;
}

}  // namespace

TEST(RtlNetlist, CsdDigitsAreMinimalAndExact) {
  std::mt19937_64 rng(7);
  for (int t = 0; t < 20000; ++t) {
    const int64_t v = static_cast<int64_t>(rng() >> (rng() % 60)) * ((t & 1) ? -1 : 1);
    const auto d = backends::rtl::Csd(v);
    backends::rtl::i128 sum = 0;
    for (size_t k = 0; k < d.size(); ++k) {
      sum += (d[k].neg ? -1 : 1) * (static_cast<backends::rtl::i128>(1) << d[k].exp);
      if (k > 0) {
        ASSERT_GE(d[k].exp - d[k - 1].exp, 2) << v;  // non-adjacent: minimal
      }
    }
    ASSERT_TRUE(sum == v) << v;
  }
}

// Every quantization x overflow mode: a Quantize layer is exactly one cast;
// random source and target formats (widths 1..32), all in one Verilator build.
TEST(RtlCast, EveryModeMatchesFixedCore) {
  std::vector<Case> cases;
  std::mt19937 rng(11);
  for (int q = 0; q < 7; ++q)
    for (int o = 0; o < 4; ++o)
      for (int rep = 0; rep < 2; ++rep) {
        const int wi = Uni(rng, 1, 32), wo = Uni(rng, 1, 32);
        const FixedType in_t(wi, Uni(rng, -3, wi + 3), Coin(rng, 0.7));
        const FixedType out_t(wo, Uni(rng, -3, wo + 3), Coin(rng, 0.7), static_cast<Quant>(q), static_cast<Overflow>(o));
        Case c;
        c.tag = "cast_q" + std::to_string(q) + "_o" + std::to_string(o) + "_" + std::to_string(rep);
        c.g = StartGraph(c.tag, 4, in_t);
        ir::Layer l;
        l.name = "cast";
        l.kind = ir::LayerKind::Quantize;
        l.inputs = {"input_1"};
        l.output = "cast_out";
        c.g.layers.push_back(l);
        AddTensor(c.g, "cast_out", 4, out_t);
        c.g.outputs = {"cast_out"};
        PlanHardware(c.g);
        // values over the whole input range, ties included (every word for narrow inputs)
        c.x.shape = {256, 4};
        for (int i = 0; i < 256 * 4; ++i) {
          const int64_t word = wi <= 10 ? fx::wrap(i, wi, in_t.is_signed())
                                        : fx::wrap(static_cast<int64_t>(rng()) * 977 + i, wi, in_t.is_signed());
          c.x.data.push_back(static_cast<float>(in_t.ToDouble(word)));
        }
        cases.push_back(std::move(c));
      }
  const BatchStats st = ExpectRtlMatchesEmulator(cases, RtlTmpDir("casts"));
  std::printf("[ covered  ] %lld casts (7 quantization x 4 overflow modes x 2 formats), %lld values\n",
              static_cast<long long>(st.designs), static_cast<long long>(st.values));
}

TEST(RtlConfig, PipelineStagesAndMultiplierKeys) {
  auto cfg = ir::ParseConfig("Model:\n  Precision: fixed<16,6>\n  PipelineStages: 3\n  Multiplier: dsp\n"
                             "LayerName:\n  fc1:\n    PipelineStages: 0\n    Multiplier: lut\n", "cfg.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  ir::Graph g = SmallMlp("cfgtest", 3);
  ASSERT_TRUE(ir::ApplyConfig(*cfg, g).ok());
  EXPECT_EQ(g.FindLayer("fc1")->config.pipeline_stages, 0);
  EXPECT_EQ(g.FindLayer("fc1")->config.multiplier, ir::MultiplierStyle::Lut);
  EXPECT_EQ(g.FindLayer("fc2")->config.pipeline_stages, 3);
  EXPECT_EQ(g.FindLayer("fc2")->config.multiplier, ir::MultiplierStyle::Dsp);
  auto bad = ir::ParseConfig("Model:\n  PipelineStages: many\n", "bad.yml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("Model.PipelineStages"), std::string::npos) << bad.status().message();
  auto bad2 = ir::ParseConfig("Model:\n  Multiplier: fpu\n", "bad.yml");
  ASSERT_FALSE(bad2.ok());
  EXPECT_NE(bad2.status().message().find("lut, dsp or auto"), std::string::npos) << bad2.status().message();
}

TEST(RtlConfig, StagesAndDspProductsInTheWrittenDesign) {
  ir::Graph g = SmallMlp("stages", 5);
  for (auto& l : g.layers) {
    l.config.pipeline_stages = l.name == "fc1" ? 3 : (l.name == "relu1" ? 0 : 2);
    l.config.multiplier = ir::MultiplierStyle::Dsp;
  }
  const fs::path dir = RtlTmpDir("stages");
  backends::RtlOptions opt;
  opt.project_name = "stages";
  auto d = backends::WriteRtlProject(g, opt, dir.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(d->latency, 5);
  auto back = backends::ReadRtlDesign(dir.string());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->latency, 5);
  ASSERT_EQ(back->layers.size(), 3u);
  EXPECT_EQ(back->layers[0].stages, 3);
  const std::string fc1 = ct::Slurp((dir / "rtl" / "stages_fc1.v").string());
  EXPECT_NE(fc1.find(") * $signed("), std::string::npos) << "Multiplier: dsp gives `*` products";
  std::vector<Case> cases;
  std::mt19937 rng(9);
  cases.push_back({"stages_sim", g, RandomInput(300, 6, rng, 8.0)});
  ExpectRtlMatchesEmulator(cases, RtlTmpDir("stages_sim"));
  RemoveTmp(dir);
}

// Automatic pipeline placement across layers: ranks every (period - 0.6 ns)
// of estimated delay, counted through layer boundaries (a layer's delay after
// its last rank carries into the next one, its outputs unregistered), so the
// design needs fewer ranks than each layer rounded up on its own; the valid
// bit still matches the data (simulated) and only the last layer's outputs
// are always registered.
TEST(RtlConfig, AutoStagesCarryAcrossLayers) {
  ir::Graph g = SmallMlp("carry", 6);
  const fs::path dir = RtlTmpDir("carry");
  backends::RtlOptions opt;
  opt.project_name = "carry";
  opt.clock_period_ns = 2.0;  // budget 1.4 ns: several ranks per Dense
  auto d = backends::WriteRtlProject(g, opt, dir.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_EQ(d->layers.size(), 3u);
  int per_layer = 0, carried = 0;
  for (size_t k = 0; k < d->layers.size(); ++k) {
    const backends::RtlLayerInfo& info = d->layers[k];
    per_layer += std::max(1, static_cast<int>(std::ceil(info.delay_ns / 1.4 - 0.02)));
    const std::string v = ct::Slurp((dir / "rtl" / (info.module + ".v")).string());
    const size_t out = v.find("assign out_data");
    ASSERT_NE(out, std::string::npos) << info.module;
    const bool registered = v.find("_p", out) != std::string::npos;
    if (k + 1 == d->layers.size()) EXPECT_TRUE(registered) << info.module;
    if (info.stages > 0 && !registered) ++carried;
  }
  EXPECT_GE(carried, 1) << "a layer with ranks and unregistered outputs";
  EXPECT_LT(d->latency, per_layer);
  // simulated: latency measured == reported, outputs bit-exact
  std::mt19937 rng(10);
  const NDArray x = RandomInput(300, 6, rng, 8.0);
  backends::RtlSimOptions so;
  so.opt_level = "-O0";
  auto ys = backends::RunRtlSimBatch({dir.string()}, {x}, (dir / "sim").string(), so);
  ASSERT_TRUE(ys.ok()) << ys.status().message();
  EXPECT_EQ((*ys)[0].latency, d->latency);
  auto e = emu::Predict(g, x);
  ASSERT_TRUE(e.ok());
  NDArray y = (*ys)[0].output;
  y.shape = e->shape;
  std::string first;
  EXPECT_EQ(CountDiff(y, *e, &first, "verilator"), 0) << first;
  if (!::testing::Test::HasFailure()) RemoveTmp(dir);
}

TEST(RtlErrors, ConvolutionNamesTheLayer) {
  auto g = flow::LoadConfiguredModel(P("models/onnx/conv1d_small_keras.onnx"), "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  Status st = backends::CheckRtlGraph(*g);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("not supported by the verilog backend"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("(Conv)"), std::string::npos) << st.message();
}

TEST(RtlErrors, ReuseFactorAboveOneAndIoStream) {
  ir::Graph g = SmallMlp("rf", 1);
  g.layers[1].config.reuse_factor = 3;  // 6x5 Dense: 3 is a valid reuse factor, applied by the plan
  PlanHardware(g);
  ASSERT_EQ(g.layers[1].plan->reuse_factor, 3);
  Status st = backends::CheckRtlGraph(g);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("layer \"fc1\" (Dense): reuse factor 3"), std::string::npos) << st.message();
  const fs::path dir = RtlTmpDir("rf");
  auto d = backends::WriteRtlProject(g, {}, dir.string());
  EXPECT_FALSE(d.ok());
  EXPECT_FALSE(fs::exists(dir)) << "nothing written on error";

  ir::Graph s = SmallMlp("stream", 1);
  s.io_type = ir::IOType::Stream;
  PlanHardware(s);
  st = backends::CheckRtlGraph(s);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("layer \"fc1\" (Dense): planned for io_stream"), std::string::npos) << st.message();
}

// The RTL follows the hardware plan: the product kind and free zero weights
// it reports are the plan's (ternary weights with many zeros), and a graph
// without plans gets the same design (the same rules through PlanLayer).
TEST(RtlPlan, DesignFollowsTheHardwarePlan) {
  auto g = flow::LoadConfiguredModel(P("models/keras/KERAS_3layer_ternary_small.json"), "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  const fs::path dir = RtlTmpDir("plan");
  backends::RtlOptions opt;
  opt.project_name = "plan";
  auto d = backends::WriteRtlProject(*g, opt, (dir / "a").string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  auto back = backends::ReadRtlDesign((dir / "a").string());
  ASSERT_TRUE(back.ok()) << back.status().message();
  int dense = 0;
  for (const backends::RtlLayerInfo& info : back->layers) {
    const ir::Layer* l = g->FindLayer(info.layer);
    ASSERT_TRUE(l && l->plan) << info.layer;
    if (l->kind != ir::LayerKind::Dense) continue;
    ++dense;
    EXPECT_EQ(info.product, ir::ToString(l->plan->product)) << info.layer;
    EXPECT_EQ(info.product, "ternary") << info.layer;
    EXPECT_EQ(info.zero_weights, l->plan->n_zeros) << info.layer;
    EXPECT_GT(info.zero_weights, info.weights / 4) << info.layer;
  }
  EXPECT_EQ(dense, 4);
  ir::Graph u = *g;
  for (ir::Layer& l : u.layers) l.plan.reset();
  ASSERT_TRUE(backends::WriteRtlProject(u, opt, (dir / "b").string()).ok());
  for (const std::string& f : back->files)
    EXPECT_EQ(ct::Slurp((dir / "a" / f).string()), ct::Slurp((dir / "b" / f).string())) << f;
  RemoveTmp(dir);
}

TEST(RtlErrors, MissingToolsNameTheDebianPackage) {
  ct::TempDir tmp("rtl_tools");
  const std::string dir = tmp / "proj";
  ASSERT_TRUE(backends::WriteRtlProject(SmallMlp("tools", 2), {}, dir).ok());
  const std::string x = tmp / "x.npy";
  NDArray a;
  a.shape = {2, 6};
  a.data.assign(12, 0.5);
  ASSERT_TRUE(WriteNpy(x, a).ok());
  const fs::path bin = tmp.path() / "bin";
  fs::create_directories(bin);
  {
    ScopedPath p(bin.string());
    auto r = ct::RunCli({"rtlsim", dir, "-i", x});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("install the Debian package verilator"), std::string::npos) << r.err;
    r = ct::RunCli({"synth", dir});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("Debian package yosys"), std::string::npos) << r.err;
  }
  fs::create_symlink("/usr/bin/yosys", bin / "yosys");
  {
    ScopedPath p(bin.string());
    auto r = ct::RunCli({"synth", dir, "--target", "ice40"});
    EXPECT_NE(r.err.find("Debian package nextpnr-ice40"), std::string::npos) << r.err;
  }
  fs::create_symlink("/usr/bin/nextpnr-ice40", bin / "nextpnr-ice40");
  {
    ScopedPath p(bin.string());
    auto r = ct::RunCli({"synth", dir, "--target", "ice40"});
    EXPECT_NE(r.err.find("Debian package fpga-icestorm"), std::string::npos) << r.err;
  }
}

TEST(RtlLint, GeneratedDesignsAreWallClean) {
  std::mt19937 rng(21);
  std::vector<ir::Graph> graphs{SmallMlp("lint0", 4)};
  for (int k = 0; k < 6; ++k) {
    std::vector<std::string> used;
    graphs.push_back(RandomMlp("lint" + std::to_string(k + 1), rng, &used));
  }
  auto jet = flow::LoadConfiguredModel(P("models/keras/qkeras_3layer.json"), "");
  ASSERT_TRUE(jet.ok()) << jet.status().message();
  jet->name = "lintjet";
  graphs.push_back(*jet);
  {  // a chain of the arithmetic activations and tables of any size
    using K = ir::ActivationKind;
    const FixedType t(12, 4, true, Quant::RND, Overflow::SAT);
    ir::Graph g = StartGraph("lintact", 3, FixedType(14, 5));
    std::string in = "input_1";
    int k = 0;
    for (K kind : {K::ELU, K::SELU, K::Softplus, K::PReLU, K::HardTanh, K::LeakyReLU, K::Sigmoid}) {
      ir::Layer l = NewLayer(g, "act" + std::to_string(k++), ir::LayerKind::Activation, in, 3, t);
      l.activation = kind;
      l.alpha = kind == K::SELU ? 1.6732632423543772 : 0.3;
      l.beta = kind == K::SELU ? 1.0507009873554805 : 0.5;
      if (kind == K::ELU) SetPrec(l, ir::Slot::Param, FixedType(8, 1, true));
      if (kind == K::PReLU) l.params["param"] = ir::Param{{3}, {0.25, -0.5, 0.75}, FixedType(6, 1, true)};
      l.config.table_size = 100;
      SetPrec(l, ir::Slot::Table, FixedType(12, 4, true, Quant::RND));
      in = l.output;
      g.layers.push_back(l);
    }
    g.outputs = {in};
    PlanHardware(g);
    ASSERT_TRUE(backends::CheckRtlGraph(g).ok()) << backends::CheckRtlGraph(g).message();
    graphs.push_back(std::move(g));
  }
  int linted = 0;
  for (const ir::Graph& g : graphs) {
    if (!backends::CheckRtlGraph(g).ok()) continue;
    const fs::path dir = RtlTmpDir("lint_" + g.name);
    backends::RtlOptions opt;
    opt.project_name = g.name;
    auto d = backends::WriteRtlProject(g, opt, dir.string());
    ASSERT_TRUE(d.ok()) << g.name << ": " << d.status().message();
    auto text = backends::LintRtl(dir.string());
    ASSERT_TRUE(text.ok()) << text.status().message();
    EXPECT_EQ(*text, "") << g.name;
    ++linted;
    RemoveTmp(dir);
  }
  EXPECT_GE(linted, 5);
}

// The 6-bit QKeras jet tagger at the default 5 ns clock: 9 cycles (the
// target: hls4ml's figure at 200 MHz), from the backend's delay estimate with
// saturating casts compared in parallel, the softmax max without a max tree
// and depth-1 shared subexpressions (was 11; Multiplier: lut gives 10).
// A design property, not a timing: bit-exactness of this design is checked
// by scripts/rtl_acceptance.sh (RtlAcceptance.JetTaggers).
TEST(RtlConfig, JetTaggerTakesNineCyclesAt5ns) {
  auto jet = flow::LoadConfiguredModel(P("models/keras/qkeras_3layer.json"), "");
  ASSERT_TRUE(jet.ok()) << jet.status().message();
  const fs::path dir = RtlTmpDir("jet9");
  backends::RtlOptions opt;
  opt.project_name = "jet";
  auto d = backends::WriteRtlProject(*jet, opt, dir.string());
  ASSERT_TRUE(d.ok()) << d.status().message();
  double chain = 0;
  for (const auto& l : d->layers) chain += l.delay_ns;
  EXPECT_LE(d->latency, 9) << "estimated chain " << chain << " ns";
  EXPECT_LE(chain, 9 * 4.4) << "9 ranks of a 4.4 ns budget";
  RemoveTmp(dir);
}

// The stable softmax's pairwise max - x_i (m * (m - 1) subtractors) stops
// at 16 elements: a 40-class softmax gets a max tree, its adders linear in m.
TEST(RtlConfig, LongSoftmaxUsesAMaxTree) {
  for (int m : {10, 40}) {
    ir::Graph g = StartGraph("sm" + std::to_string(m), m, FixedType(8, 3));
    ir::Layer l = NewLayer(g, "softmax", ir::LayerKind::Softmax, "input_1", m, FixedType(10, 1, false));
    l.config.softmax_impl = ir::SoftmaxImpl::Stable;
    SetPrec(l, ir::Slot::InpNorm, FixedType(8, 4, false, Quant::RND, Overflow::SAT));
    SetPrec(l, ir::Slot::ExpTable, FixedType(10, 1, false));
    SetPrec(l, ir::Slot::InvTable, FixedType(10, 4, false));
    SetPrec(l, ir::Slot::Accum, FixedType(16, 7, true));
    SetPrec(l, ir::Slot::InvInp, FixedType(10, 7, false));
    SetPrec(l, ir::Slot::Table, FixedType(10, 4, true));
    g.layers.push_back(l);
    g.outputs = {l.output};
    PlanHardware(g);
    const fs::path dir = RtlTmpDir("sm" + std::to_string(m));
    backends::RtlOptions opt;
    opt.project_name = "sm" + std::to_string(m);
    auto d = backends::WriteRtlProject(g, opt, dir.string());
    ASSERT_TRUE(d.ok()) << d.status().message();
    const int64_t adders = d->layers.at(0).adders;
    if (m == 10) EXPECT_GE(adders, 90) << "pairwise differences";
    if (m == 40) EXPECT_LT(adders, 40 * 39 / 4) << "a max tree, not 1,560 pairwise subtractors";
    RemoveTmp(dir);
  }
}

TEST(RtlSynth, Ice40BitstreamAndTooLargeDesign) {
  const fs::path dir = RtlTmpDir("ice40");
  backends::RtlOptions opt;
  opt.project_name = "tiny";
  ASSERT_TRUE(backends::WriteRtlProject(SmallMlp("tiny", 8), opt, dir.string()).ok());
  backends::SynthOptions so;
  so.target = "ice40";
  so.progress = [](const std::string&) {};
  auto r = backends::RunSynth(dir.string(), so);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_GT(r->fmax_mhz, 1.0);
  EXPECT_TRUE(fs::exists(r->bitstream));
  EXPECT_GT(r->totals["LC"], 20);
  EXPECT_TRUE(fs::exists(dir / "synth_report.json"));
  so.ice40_device = "lp384";
  auto small = backends::RunSynth(dir.string(), so);
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.status().message().find("too large for iCE40 lp384"), std::string::npos) << small.status().message();
  if (!::testing::Test::HasFailure()) RemoveTmp(dir);
}

TEST(RtlCli, ConvertRtlsimEqualsPredict) {
  ct::TempDir tmp("rtl_cli");
  const std::string model = P("models/onnx/two_layer_keras.onnx");
  const std::string dir = tmp / "proj";
  auto r = ct::RunCli({"convert", model, "--backend", "verilog", "-o", dir, "--project-name", "twolayer"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("latency"), std::string::npos) << r.out;
  const std::string x = P("golden/hls4ml/two_layer_keras/input_normal.npy");
  r = ct::RunCli({"rtlsim", dir, "-i", x, "-o", tmp / "y_rtl.npy"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("latency"), std::string::npos) << r.out;
  r = ct::RunCli({"predict", model, "-i", x, "-o", tmp / "y_emu.npy"});
  ASSERT_EQ(r.status, 0) << r.err;
  auto a = ReadNpy(tmp / "y_rtl.npy");
  auto b = ReadNpy(tmp / "y_emu.npy");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->shape, b->shape);
  EXPECT_EQ(a->data, b->data);
  // the second run uses the cached model
  r = ct::RunCli({"rtlsim", dir, "-i", x, "-o", tmp / "y_rtl2.npy"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("(cached)"), std::string::npos) << r.out;
  r = ct::RunCli({"convert", P("models/onnx/conv1d_small_keras.onnx"), "--backend", "verilog", "-o",
                  tmp / "conv"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("hlsforge: "), std::string::npos);
  EXPECT_NE(r.err.find("not supported by the verilog backend"), std::string::npos) << r.err;
}
