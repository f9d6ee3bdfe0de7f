// The lower_hardware pass: the hardware plan of every layer (ir/hw_plan.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "hlsforge/flow/flow.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/passes/pass.h"

using namespace hlsforge;
using ir::LayerPlan;
using ir::ProductKind;
using ir::Slot;

namespace {

/// A graph under construction: input "x", layers appended in order.
struct Net {
  ir::Graph g;
  Net(std::vector<int64_t> x_shape, FixedType x_type) {
    g.name = "net";
    g.inputs = {"x"};
    g.tensors["x"] = {"x", std::move(x_shape), x_type};
    ir::Layer in;
    in.name = "x";
    in.kind = ir::LayerKind::Input;
    in.output = "x";
    g.layers.push_back(in);
  }
  ir::Layer& Add(ir::Layer l, std::vector<int64_t> shape, FixedType out = FixedType(16, 6)) {
    l.inputs = {g.layers.back().output};
    l.output = l.name + "_out";
    g.tensors[l.output] = {l.output, std::move(shape), out};
    g.outputs = {l.output};
    g.layers.push_back(std::move(l));
    return g.layers.back();
  }
  LayerPlan Plan(const std::string& name) {
    auto r = passes::RunPipeline(g, {"lower_hardware"});
    EXPECT_TRUE(r.ok()) << r.message();
    const ir::Layer* l = g.FindLayer(name);
    EXPECT_TRUE(l && l->plan) << name;
    return l && l->plan ? *l->plan : LayerPlan{};
  }
};

ir::Layer DenseLayer(const std::string& name, int64_t n_in, int64_t n_out, std::vector<double> w, FixedType wt) {
  ir::Layer d;
  d.name = name;
  d.kind = ir::LayerKind::Dense;
  d.params["weight"] = ir::Param{{n_in, n_out}, std::move(w), wt, false};
  d.config.precision[Slot::Accum].type = FixedType(24, 10);
  return d;
}

ir::Layer Conv3x3(const std::string& name, int64_t c_in, int64_t c_out, double w) {
  ir::Layer c;
  c.name = name;
  c.kind = ir::LayerKind::Conv;
  c.conv = ir::ConvAttrs{};
  c.conv->kernel_h = c.conv->kernel_w = 3;
  c.params["weight"] = ir::Param{{3, 3, c_in, c_out}, std::vector<double>(static_cast<size_t>(9 * c_in * c_out), w),
                                 FixedType(8, 2), false};
  c.config.precision[Slot::Accum].type = FixedType(24, 10);
  return c;
}

int Count(const std::vector<std::string>& v, const std::string& a) {
  int n = 0;
  for (const auto& s : v) n += s.find(a) != std::string::npos;
  return n;
}

}  // namespace

TEST(LowerHardware, IsLastInTheDefaultPipeline) {
  ASSERT_FALSE(passes::DefaultPipeline().empty());
  EXPECT_EQ(passes::DefaultPipeline().back(), "lower_hardware");
  EXPECT_NE(passes::FindPass("lower_hardware"), nullptr);
}

TEST(LowerHardware, ValidReuseFactorsFollowHls4mlsRule) {
  EXPECT_EQ(passes::ValidDenseReuseFactors(4, 2), (std::vector<int>{1, 2, 4, 8}));
  // 18 x 4: divisors of 72 with ceil(72/R) a multiple of 4 below 18, multiples of 18 above
  EXPECT_EQ(passes::ValidDenseReuseFactors(18, 4), (std::vector<int>{1, 2, 3, 6, 9, 18, 36, 72}));
  EXPECT_EQ(passes::ClosestReuseFactor({1, 2, 3, 6, 9}, 4), 3);
  EXPECT_EQ(passes::ClosestReuseFactor({1, 2, 4, 8}, 3), 2);  // tie -> smaller
  EXPECT_EQ(passes::ClosestReuseFactor({1, 2, 4, 8}, 100), 8);
  EXPECT_EQ(passes::ClosestReuseFactor({}, 5), 5);
}

TEST(LowerHardware, DenseReuseFactorSnappedWithOneWarning) {
  // 4 x 3 = 12 weights (5 zeros) at requested RF 5: valid {1, 2, 3, 4(no)...}
  Net n({4}, FixedType(8, 3));
  ir::Layer d = DenseLayer("fc", 4, 3, {1, 0, -1, 0, 1, 1, 0, -1, 1, 1, 0, 0}, FixedType(4, 2));
  d.config.reuse_factor = 5;
  n.Add(d, {3});
  const std::vector<int> valid = passes::ValidDenseReuseFactors(4, 3);
  const int want = passes::ClosestReuseFactor(valid, 5);
  ASSERT_NE(want, 5);
  const LayerPlan p = n.Plan("fc");
  EXPECT_EQ(p.requested_reuse_factor, 5);
  EXPECT_EQ(p.reuse_factor, want);
  EXPECT_EQ(p.product, ProductKind::Multiplier);
  EXPECT_EQ(p.n_in, 4);
  EXPECT_EQ(p.n_out, 3);
  EXPECT_EQ(p.n_zeros, 5);
  EXPECT_EQ(p.multiplier_limit, (12 + want - 1) / want - 5 / want);
  EXPECT_EQ(p.multipliers, p.multiplier_limit);
  EXPECT_EQ(p.ii_cycles, want);
  EXPECT_GT(p.latency_cycles, p.ii_cycles);
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(Count(p.warnings, "layer 'fc': reuse factor 5 is not valid"), 1) << p.warnings[0];
  // ops: 7 non-zero words, +-1 are shifts (add/sub), no multiplier needed
  EXPECT_EQ(p.ops.zero_skipped, 5);
  EXPECT_EQ(p.ops.add_sub, 7);
  EXPECT_EQ(p.ops.multiplier, 0);
  // Running the pass again changes nothing and warns no more.
  auto again = passes::LowerHardwarePass().run(n.g);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(n.g.FindLayer("fc")->plan->warnings.size(), 1u);
}

TEST(LowerHardware, ProductKindsAndZeros) {
  const FixedType bit = FixedType::Int(1, false), tern = FixedType::Int(2, true);
  struct Case {
    FixedType data, weight;
    ProductKind kind;
    int64_t n_zeros;  // of {1, 0, -1, 0.3}
  };
  for (const Case& c : {Case{bit, bit, ProductKind::Xnor, 0}, Case{FixedType(8, 3), bit, ProductKind::WeightBinary, 0},
                        Case{bit, FixedType(8, 3), ProductKind::DataBinary, 1},
                        Case{FixedType(8, 3), tern, ProductKind::Ternary, 2},
                        Case{FixedType(8, 3), FixedType(8, 3), ProductKind::Multiplier, 1}}) {
    Net n({2}, c.data);
    n.Add(DenseLayer("fc", 2, 2, {1, 0, -1, 0.3}, c.weight), {2});
    const LayerPlan p = n.Plan("fc");
    EXPECT_EQ(p.product, c.kind) << ir::ToString(c.kind);
    EXPECT_EQ(ir::DecideProductKind(c.data, c.weight), c.kind);
    EXPECT_EQ(p.n_zeros, c.n_zeros) << ir::ToString(c.kind);
    EXPECT_EQ(p.multiplier_limit, 4 - c.n_zeros) << ir::ToString(c.kind);
    if (c.kind == ProductKind::Xnor) EXPECT_EQ(p.ops.xnor, 4);
  }
}

TEST(LowerHardware, ConvParallelizationFactorSnappedToADivisor) {
  // [6,6,2] -> 3x3 valid -> [4,4,4]: 16 output pixels; PF 3 -> 2 (tie 2/4: smaller)
  Net n({6, 6, 2}, FixedType(8, 3));
  ir::Layer c = Conv3x3("conv", 2, 4, 0.75);
  c.config.parallelization_factor = 3;
  c.config.reuse_factor = 4;  // 18 x 4 product: 4 is not valid, 3 is nearest
  n.Add(c, {4, 4, 4});
  const LayerPlan p = n.Plan("conv");
  EXPECT_EQ(p.n_in, 18);
  EXPECT_EQ(p.n_out, 4);
  EXPECT_EQ(p.reuse_factor, 3);
  EXPECT_EQ(p.requested_parallelization_factor, 3);
  EXPECT_EQ(p.parallelization_factor, 2);
  EXPECT_EQ(p.multiplier_limit, 72 / 3);
  EXPECT_EQ(p.multipliers, 24 * 2);
  EXPECT_EQ(p.evaluations, 16);
  EXPECT_EQ(p.ii_cycles, 3 * 16 / 2);
  EXPECT_EQ(Count(p.warnings, "ParallelizationFactor 3 does not divide the 16 output pixels; using 2"), 1);
  EXPECT_EQ(Count(p.warnings, "reuse factor 4 is not valid for a 18x4 per-pixel product; using 3"), 1);
  EXPECT_EQ(p.warnings.size(), 2u);
  // io_stream: one pixel per window step, PF not applied (warned once).
  n.g.io_type = ir::IOType::Stream;
  const LayerPlan s = n.Plan("conv");
  EXPECT_EQ(s.io_type, ir::IOType::Stream);
  EXPECT_EQ(s.parallelization_factor, 1);
  EXPECT_EQ(s.multipliers, 24);
  EXPECT_EQ(s.ii_cycles, 3 * 36);  // R per input pixel
  EXPECT_EQ(Count(s.warnings, "applies to io_parallel only"), 1);
}

TEST(LowerHardware, DepthwiseZerosIncludeTheExpansion) {
  // [5,5,3] -> depthwise 3x3 valid, dm 1 -> [3,3,3]: 27 weights, product 27 x 3
  Net n({5, 5, 3}, FixedType(8, 3));
  ir::Layer c = Conv3x3("dw", 3, 1, 0.75);
  c.conv->depthwise = true;
  c.params["weight"].values[0] = 0;  // one zero of its own
  n.Add(c, {3, 3, 3});
  const LayerPlan p = n.Plan("dw");
  EXPECT_EQ(p.n_in, 27);
  EXPECT_EQ(p.n_out, 3);
  EXPECT_EQ(p.weights, 81);
  EXPECT_EQ(p.zero_weights, 1);
  EXPECT_EQ(p.n_zeros, 81 - 26);
  EXPECT_EQ(p.multiplier_limit, 26);
  EXPECT_EQ(p.ops.multiplier, 9 * 26);
}

TEST(LowerHardware, ScaleShiftInStreamRunsPerWord) {
  Net n({4, 4, 3}, FixedType(8, 3));
  ir::Layer s;
  s.name = "bn";
  s.kind = ir::LayerKind::ScaleShift;
  s.params["scale"] = ir::Param{{3}, {0.75, 0.5, 0}, FixedType(8, 2), false};
  s.params["bias"] = ir::Param{{3}, {0, 0, 0}, FixedType(8, 2), false};
  s.config.reuse_factor = 2;
  n.Add(s, {4, 4, 3});
  const LayerPlan par = n.Plan("bn");
  EXPECT_FALSE(par.per_stream_word);
  EXPECT_EQ(par.elements_per_call, 48);
  EXPECT_EQ(par.multiplier_limit, 24);
  EXPECT_EQ(par.ops.multiplier, 16);
  EXPECT_EQ(par.ops.add_sub, 16);
  EXPECT_EQ(par.ops.zero_skipped, 16);
  n.g.io_type = ir::IOType::Stream;
  const LayerPlan st = n.Plan("bn");
  EXPECT_TRUE(st.per_stream_word);
  EXPECT_EQ(st.elements_per_call, 3);
  EXPECT_EQ(st.multiplier_limit, 2);
  EXPECT_EQ(st.evaluations, 16);
}

TEST(LowerHardware, SoftmaxTablesAndTheirWarnings) {
  // input fixed<16,6>: derived inp_norm_t ufixed<15,5>, 1024 entries
  Net n({5}, FixedType(16, 6));
  ir::Layer sm;
  sm.name = "sm";
  sm.kind = ir::LayerKind::Softmax;
  sm.config.table_size = 1024;
  n.Add(sm, {5}, FixedType(16, 6, false));
  const LayerPlan p = n.Plan("sm");
  ASSERT_EQ(p.tables.size(), 2u);
  EXPECT_EQ(p.tables[0].slot, Slot::ExpTable);
  EXPECT_EQ(p.tables[0].entries, 1024);
  EXPECT_EQ(p.tables[0].index_bits, 10);
  ASSERT_TRUE(p.tables[0].index_type && p.softmax_inp_norm);
  EXPECT_EQ(*p.tables[0].index_type, FixedType(15, 5, false));
  EXPECT_EQ(*p.softmax_inp_norm, FixedType(15, 5, false));
  EXPECT_EQ(p.tables[1].slot, Slot::InvTable);
  // max - x spans [0, 64) but ufixed<15,5> stops below 32
  EXPECT_EQ(Count(p.warnings, "does not cover its input's range"), 1);
  EXPECT_EQ(p.warnings.size(), 1u);
  // ufixed<18,8> (bins 1/4, up to 256) covers it: no warning.
  ir::PrecisionMap& prec = n.g.layers.back().config.precision;
  prec[Slot::InpNorm].type = FixedType(18, 8, false);
  EXPECT_TRUE(n.Plan("sm").warnings.empty());
  // bins 2^(17-10) wide: the output tends to 1/5.
  prec[Slot::InpNorm].type = FixedType(37, 17, false);
  const LayerPlan c = n.Plan("sm");
  EXPECT_EQ(Count(c.warnings, "bins 128 wide"), 1);
  EXPECT_EQ(Count(c.warnings, "constant 1/5"), 1);
  // The latency softmax indexes its exp table by the input itself, not by
  // max - x: the input type is the index type, inp_norm_t plays no part.
  n.g.layers.back().config.softmax_impl = ir::SoftmaxImpl::Latency;
  const LayerPlan lat = n.Plan("sm");
  ASSERT_EQ(lat.tables.size(), 2u);
  ASSERT_TRUE(lat.tables[0].index_type);
  EXPECT_EQ(*lat.tables[0].index_type, FixedType(16, 6));
}

TEST(LowerHardware, SlotSpellingsRoundTrip) {
  for (Slot s : {Slot::Default, Slot::Result, Slot::Accum, Slot::Weight, Slot::Bias, Slot::Scale, Slot::Param,
                 Slot::Threshold, Slot::ThresholdLo, Slot::ThresholdHi, Slot::Table, Slot::ExpTable, Slot::InvTable,
                 Slot::InvInp, Slot::InpNorm})
    EXPECT_EQ(ir::SlotFromKey(ir::SlotKey(s)), s) << ir::SlotKey(s);
  EXPECT_FALSE(ir::SlotFromKey("reuse").has_value());
  ir::PrecisionMap m;
  EXPECT_THROW(m["no_such_slot"], Error);
}

// The case that made `inspect` and `convert` disagree: TFC_2W2A with
// ReuseFactor 7. MatMul_1 is a 64 x 64 product of ternary weights; 7 does not
// divide 4096, hls4ml's nearest valid value is 8 (multiplier_limit 379).
TEST(LowerHardware, Tfc2w2aReuseFactor7BecomesEight) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "hlsforge_lower_hw_rf7";
  std::filesystem::create_directories(dir);
  const std::string cfg = (dir / "rf7.yml").string();
  std::ofstream(cfg) << "Model:\n  Precision: fixed<16,6>\n  ReuseFactor: 7\n";
  auto g = flow::LoadConfiguredModel(std::string(HLSFORGE_SOURCE_DIR) + "/examples/models/TFC_2W2A.onnx", cfg);
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(g.ok()) << g.status().message();
  const ir::Layer* l = g->FindLayer("MatMul_1");
  ASSERT_TRUE(l && l->plan);
  const LayerPlan& p = *l->plan;
  EXPECT_EQ(p.requested_reuse_factor, 7);
  EXPECT_EQ(p.reuse_factor, 8);
  EXPECT_EQ(p.n_in * p.n_out, 4096);
  EXPECT_EQ(p.multiplier_limit, 379);
  EXPECT_EQ(p.multiplier_limit, 4096 / 8 - p.n_zeros / 8);
  EXPECT_EQ(Count(p.warnings, "reuse factor 7 is not valid for a 64x64 Dense; using 8"), 1);
}
