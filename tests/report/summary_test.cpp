// Model summary: counts and BOPs on a hand-built graph.
#include "hlsforge/report/summary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "hlsforge/flow/flow.h"
#include "test_data.h"

namespace hlsforge::report {
namespace {

/// input[4] -> Dense(4->3, 2-bit weights, one zero... ) -> ReLU
ir::Graph SmallGraph(int reuse_factor) {
  ir::Graph g;
  g.name = "small";
  g.inputs = {"x"};
  g.outputs = {"r"};
  g.tensors["x"] = {"x", {4}, FixedType(8, 3)};
  g.tensors["d"] = {"d", {3}, FixedType(16, 6)};
  g.tensors["r"] = {"r", {3}, FixedType(8, 3, false)};
  ir::Layer in;
  in.name = "x";
  in.kind = ir::LayerKind::Input;
  in.output = "x";
  ir::Layer dense;
  dense.name = "fc1";
  dense.kind = ir::LayerKind::Dense;
  dense.inputs = {"x"};
  dense.output = "d";
  ir::Param w;
  w.shape = {4, 3};
  w.values = {1, 0, -1, 0, 1, 1, 0, -1, 1, 1, 0, 0};  // 5 zeros
  w.type = FixedType(2, 2);
  ir::Param b;
  b.shape = {3};
  b.values = {0.5, 0, 0};
  b.type = FixedType(8, 4);
  dense.params["weight"] = w;
  dense.params["bias"] = b;
  dense.config.reuse_factor = reuse_factor;
  dense.config.precision["accum"].type = FixedType(20, 8);
  ir::Layer relu;
  relu.name = "relu1";
  relu.kind = ir::LayerKind::Activation;
  relu.activation = ir::ActivationKind::ReLU;
  relu.inputs = {"d"};
  relu.output = "r";
  g.layers = {in, dense, relu};
  return g;
}

TEST(Summary, DenseCounts) {
  ModelSummary s = Summarize(SmallGraph(1));
  ASSERT_EQ(s.layers.size(), 3u);
  const LayerSummary& d = s.layers[1];
  EXPECT_EQ(d.name, "fc1");
  EXPECT_EQ(d.params, 15);
  EXPECT_EQ(d.zero_weights, 5);
  EXPECT_EQ(d.macs, 7);         // 12 products, 5 by zero weights (free)
  EXPECT_EQ(d.multipliers, 7);  // hls4ml multiplier_limit: ceil(12/1) - 5/1
  EXPECT_EQ(d.parallelization_factor, 0);  // not a Conv/Pooling layer
  // m·n·((1 − f_p)·b_a·b_w + b_a + b_w + log2 n), n=4, m=3, b_a=8, b_w=2, f_p=5/12.
  double want = 3 * 4 * ((1 - 5.0 / 12) * 8 * 2 + 8 + 2 + 2);
  EXPECT_DOUBLE_EQ(d.bops, want);
  EXPECT_DOUBLE_EQ(s.total_bops, want);
  EXPECT_EQ(s.total_params, 15);
  EXPECT_EQ(s.input_shape, std::vector<int64_t>{4});
  EXPECT_EQ(s.output_type, "ufixed<8,3>");
}

TEST(Summary, MultipliersFollowReuseFactor) {
  // hls4ml: DIV_ROUNDUP(n_in*n_out, RF) - n_zeros / RF, 12 products, 5 zeros
  EXPECT_EQ(Summarize(SmallGraph(4)).layers[1].multipliers, 3 - 1);
  EXPECT_EQ(Summarize(SmallGraph(5)).layers[1].multipliers, 3 - 1);  // ceil(12/5) - floor(5/5)
  EXPECT_EQ(Summarize(SmallGraph(6)).layers[1].multipliers, 2 - 0);
  EXPECT_EQ(Summarize(SmallGraph(12)).layers[1].multipliers, 1);
  EXPECT_EQ(MultiplierLimit(12, 5, 1), 7);
  EXPECT_EQ(MultiplierLimit(18, 0, 4), 5);
  EXPECT_EQ(MultiplierLimit(4, 4, 1), 0);
  EXPECT_EQ(MultiplierLimit(4, 4, 0), 0);  // RF < 1 read as 1
}

TEST(Summary, DenseBopsFormula) {
  // Jet tagger first layer at ap_fixed<16,6>: 16 -> 64, no pruning.
  EXPECT_DOUBLE_EQ(DenseBops(16, 64, 16, 16, 0.0), 64.0 * 16 * (256 + 32 + 4));
  EXPECT_DOUBLE_EQ(DenseBops(784, 64, 2, 2, 0.5), 64.0 * 784 * (0.5 * 4 + 4 + std::log2(784.0)));
}

TEST(Summary, UnresolvedWidthsGiveNoBops) {
  ir::Graph g = SmallGraph(1);
  g.layers[1].params["weight"].type.reset();
  ModelSummary s = Summarize(g);
  EXPECT_EQ(s.layers[1].bops, 0.0);
  EXPECT_EQ(s.layers[1].macs, 7);
  std::string table = FormatSummary(s);
  EXPECT_NE(table.find("auto"), std::string::npos);
}

TEST(Summary, TableShowsLayersPrecisionsAndTotals) {
  std::string t = FormatSummary(Summarize(SmallGraph(1)));
  for (const char* want : {"fc1", "relu1", "Dense", "Activation(", "fixed<2,2>", "fixed<8,4>", "fixed<20,8>",
                           "ufixed<8,3>", "total", "MACs", "BOPs", "[3]"})
    EXPECT_NE(t.find(want), std::string::npos) << want << " in:\n" << t;
}

// ---- Conv, Pooling, padding and merges -------------------------------------

/// A graph under construction: input "x" (and optionally "y"), layers appended
/// in order, each writing tensor "<name>_out".
struct Builder {
  ir::Graph g;
  Builder(std::vector<int64_t> x_shape, FixedType x_type) {
    g.name = "cnn";
    AddInput("x", std::move(x_shape), x_type);
  }
  void AddInput(const std::string& name, std::vector<int64_t> shape, FixedType t) {
    g.inputs.push_back(name);
    g.tensors[name] = {name, std::move(shape), t};
    ir::Layer in;
    in.name = name;
    in.kind = ir::LayerKind::Input;
    in.output = name;
    g.layers.push_back(in);
  }
  /// Appends `l` reading `inputs`, output shape `shape`, result type fixed<16,6>.
  std::string Add(ir::Layer l, std::vector<std::string> inputs, std::vector<int64_t> shape) {
    l.inputs = std::move(inputs);
    l.output = l.name + "_out";
    g.tensors[l.output] = {l.output, std::move(shape), FixedType(16, 6)};
    g.outputs = {l.output};
    g.layers.push_back(l);
    return l.output;
  }
  const LayerSummary& Row(const std::string& name) {
    s = Summarize(g);
    for (const auto& l : s.layers)
      if (l.name == name) return l;
    ADD_FAILURE() << "no row " << name;
    return s.layers.front();
  }
  ModelSummary s;
};

ir::Layer ConvLayer(const std::string& name, int rank, int64_t kh, int64_t kw, std::vector<int64_t> w_shape,
                    std::vector<double> w, FixedType w_type) {
  ir::Layer c;
  c.name = name;
  c.kind = ir::LayerKind::Conv;
  c.conv = ir::ConvAttrs{};
  c.conv->rank = rank;
  c.conv->kernel_h = kh;
  c.conv->kernel_w = kw;
  ir::Param p;
  p.shape = std::move(w_shape);
  p.values = std::move(w);
  p.type = w_type;
  c.params["weight"] = p;
  return c;
}

// Conv2D 3x3, [6,6,2] -> [4,4,4] (valid): 72 weights = 8 zeros, 16 x 0.5 (a
// shift: add-only), 48 x 0.75 (multiplier). 16 output pixels.
ir::Layer Conv2dByHand() {
  std::vector<double> w(72, 0.75);
  for (int i = 0; i < 8; ++i) w[i] = 0;
  for (int i = 8; i < 24; ++i) w[i] = 0.5;
  return ConvLayer("conv", 2, 3, 3, {3, 3, 2, 4}, w, FixedType(6, 2));
}

TEST(SummaryConv, Conv2DByHand) {
  Builder b({6, 6, 2}, FixedType(8, 3));
  b.Add(Conv2dByHand(), {"x"}, {4, 4, 4});
  const LayerSummary& c = b.Row("conv");
  EXPECT_EQ(c.kind, "Conv2D 3x3");
  EXPECT_EQ(c.output_shape, (std::vector<int64_t>{4, 4, 4}));
  EXPECT_EQ(c.params, 72);
  EXPECT_EQ(c.zero_weights, 8);
  EXPECT_EQ(c.macs, 16 * 64);        // 16 pixels x 64 non-zero weights
  EXPECT_EQ(c.mult_ops, 16 * 48);
  EXPECT_EQ(c.add_ops, 16 * 16);
  EXPECT_EQ(c.xnor_ops, 0);
  EXPECT_EQ(c.multipliers, 64);      // RF 1: 72 - 8
  EXPECT_EQ(c.parallelization_factor, 1);
  // per pixel: the dense 18 x 4 (n = K = 3*3*2), b_a = 8, b_w = 6, f_p = 8/72
  const double want = 16.0 * 4 * 18 * ((1 - 8.0 / 72) * 8 * 6 + 8 + 6 + std::log2(18.0));
  EXPECT_DOUBLE_EQ(c.bops, want);
  EXPECT_DOUBLE_EQ(b.s.total_bops, want);
  EXPECT_EQ(b.s.total_macs, 1024);
}

TEST(SummaryConv, MultipliersFollowReuseAndParallelizationFactor) {
  auto mults = [](int rf, int pf, ir::IOType io) {
    Builder b({6, 6, 2}, FixedType(8, 3));
    ir::Layer c = Conv2dByHand();
    c.config.reuse_factor = rf;
    c.config.parallelization_factor = pf;
    b.g.io_type = io;
    b.Add(c, {"x"}, {4, 4, 4});
    return b.Row("conv").multipliers;
  };
  using ir::IOType;
  // The per-pixel product is 18 x 4: valid reuse factors 1, 2, 3, 6, 9, 18, 36, 72.
  EXPECT_EQ(mults(1, 1, IOType::Parallel), 64);
  EXPECT_EQ(mults(6, 2, IOType::Parallel), (12 - 1) * 2);   // (ceil(72/6) - floor(8/6)) * PF
  EXPECT_EQ(mults(9, 4, IOType::Parallel), (8 - 0) * 4);    // (ceil(72/9) - floor(8/9)) * PF
  EXPECT_EQ(mults(72, 16, IOType::Parallel), 1 * 16);       // one multiplier per pixel unit
  EXPECT_EQ(mults(6, 100, IOType::Parallel), 11 * 16);      // PF: the divisor of the 16 pixels nearest to 100
  EXPECT_EQ(mults(6, 3, IOType::Parallel), 11 * 2);         // PF 3 -> 2 (divisors 2 and 4 tie: the smaller)
  EXPECT_EQ(mults(6, 2, IOType::Stream), 11);               // io_stream: one pixel at a time
  // A reuse factor hls4ml cannot use is counted as the one the firmware gets:
  // 4 -> 3 (nearest valid), (ceil(72/3) - floor(8/3)) * PF
  EXPECT_EQ(mults(4, 2, IOType::Parallel), (24 - 2) * 2);
  // MACs and BOPs do not depend on RF/PF
  Builder b({6, 6, 2}, FixedType(8, 3));
  ir::Layer c = Conv2dByHand();
  c.config.reuse_factor = 4;
  c.config.parallelization_factor = 2;
  b.Add(c, {"x"}, {4, 4, 4});
  EXPECT_EQ(b.Row("conv").macs, 1024);
  EXPECT_EQ(b.Row("conv").reuse_factor, 3);  // applied
  EXPECT_EQ(b.Row("conv").parallelization_factor, 2);
  ASSERT_EQ(b.s.warnings.size(), 1u);
  EXPECT_NE(b.s.warnings[0].find("reuse factor 4 is not valid"), std::string::npos) << b.s.warnings[0];
}

TEST(SummaryConv, DepthwiseByHand) {
  // [5,5,3] -> depthwise 3x3 'same', depth multiplier 2 -> [5,5,6]: weight
  // [3,3,3,2] = 54 (4 zeros, the rest 1.5); each output channel accumulates 9
  // products, 25 pixels.
  std::vector<double> w(54, 1.5);
  for (int i : {0, 10, 20, 30}) w[i] = 0;
  ir::Layer c = ConvLayer("dw", 2, 3, 3, {3, 3, 3, 2}, w, FixedType(8, 2));
  c.conv->depthwise = true;
  c.conv->depth_multiplier = 2;
  c.conv->pad_top = c.conv->pad_bottom = c.conv->pad_left = c.conv->pad_right = 1;
  Builder b({5, 5, 3}, FixedType(10, 4));
  b.Add(c, {"x"}, {5, 5, 6});
  const LayerSummary& d = b.Row("dw");
  EXPECT_EQ(d.kind, "DepthwiseConv2D 3x3");
  EXPECT_EQ(d.zero_weights, 4);
  EXPECT_EQ(d.macs, 25 * 50);
  EXPECT_EQ(d.mult_ops, 25 * 50);
  EXPECT_EQ(d.multipliers, 50);
  // dense per pixel: n = 9 (kh*kw), m = 6 (c_in * dm)
  EXPECT_DOUBLE_EQ(d.bops, 25.0 * 6 * 9 * ((1 - 4.0 / 54) * 10 * 8 + 10 + 8 + std::log2(9.0)));
}

TEST(SummaryConv, Conv1DWithStrideByHand) {
  // [9,3] -> Conv1D k=3, stride 2, valid -> [4,2]; 18 weights of 0.75
  ir::Layer c = ConvLayer("c1d", 1, 1, 3, {3, 3, 2}, std::vector<double>(18, 0.75), FixedType(8, 1));
  c.conv->stride_w = 2;
  Builder b({9, 3}, FixedType(12, 4));
  b.Add(c, {"x"}, {4, 2});
  const LayerSummary& r = b.Row("c1d");
  EXPECT_EQ(r.kind, "Conv1D 3 s2");
  EXPECT_EQ(r.macs, 4 * 18);
  EXPECT_EQ(r.multipliers, 18);
  EXPECT_DOUBLE_EQ(r.bops, 4.0 * 2 * 9 * (12 * 8 + 12 + 8 + std::log2(9.0)));
}

TEST(SummaryConv, BinaryConvCountsXnor) {
  // 1-bit unsigned (XNOR-encoded) data x 1-bit weights: XNOR-popcount, no multiplier ops
  ir::Layer c = ConvLayer("bconv", 2, 2, 2, {2, 2, 1, 2}, {1, -1, 1, 1, -1, -1, 1, -1}, FixedType(1, 1, false));
  Builder b({3, 3, 1}, FixedType(1, 1, false));
  b.Add(c, {"x"}, {2, 2, 2});
  const LayerSummary& r = b.Row("bconv");
  EXPECT_EQ(r.xnor_ops, 4 * 8);
  EXPECT_EQ(r.mult_ops + r.add_ops, 0);
  EXPECT_EQ(r.macs, 32);
}

ir::Layer Pool(const std::string& name, ir::PoolOp op, int64_t k, int64_t stride, int64_t pad, bool count_pad,
               bool global = false) {
  ir::Layer p;
  p.name = name;
  p.kind = ir::LayerKind::Pooling;
  p.pool = ir::PoolAttrs{};
  p.pool->op = op;
  p.pool->global = global;
  p.pool->pool_h = p.pool->pool_w = k;
  p.pool->stride_h = p.pool->stride_w = stride;
  p.pool->pad_top = p.pool->pad_left = p.pool->pad_bottom = p.pool->pad_right = pad;
  p.pool->count_pad = count_pad;
  return p;
}

TEST(SummaryPooling, AverageCountsAdditionsMaxNothing) {
  Builder b({4, 4, 3}, FixedType(16, 6));
  b.Add(Pool("avg", ir::PoolOp::Average, 2, 2, 0, false), {"x"}, {2, 2, 3});
  b.Add(Pool("max", ir::PoolOp::Max, 2, 2, 0, false), {"x"}, {2, 2, 3});
  b.Add(Pool("gavg", ir::PoolOp::Average, 1, 1, 0, false, true), {"x"}, {3});
  b.Add(Pool("gmax", ir::PoolOp::Max, 1, 1, 0, false, true), {"x"}, {3});
  const LayerSummary& a = b.Row("avg");
  EXPECT_EQ(a.kind, "AveragePooling2D 2x2");
  EXPECT_EQ(a.add_ops, 2 * 2 * 3 * 3);  // 3 additions per 2x2 window
  EXPECT_EQ(a.mult_ops, 0);             // / 4 is a shift
  EXPECT_EQ(a.macs, 0);
  EXPECT_EQ(a.multipliers, 0);
  EXPECT_EQ(a.bops, 0.0);
  EXPECT_EQ(a.parallelization_factor, 1);
  const LayerSummary& m = b.Row("max");
  EXPECT_EQ(m.kind, "MaxPooling2D 2x2");
  EXPECT_EQ(m.add_ops + m.mult_ops + m.macs + m.multipliers, 0);
  EXPECT_EQ(b.Row("gavg").kind, "GlobalAveragePooling2D");
  EXPECT_EQ(b.Row("gavg").add_ops, 3 * 15);
  EXPECT_EQ(b.Row("gavg").mult_ops, 0);  // / 16
  EXPECT_EQ(b.Row("gmax").add_ops + b.Row("gmax").mult_ops, 0);
}

TEST(SummaryPooling, AverageWithPaddingDividesByTheCellsInside) {
  // [5,5,2], 3x3 stride 2, pad 1 -> [3,3,2]. Cells inside per output: corners
  // 2x2 = 4 (a shift), edges 2x3 = 6, centre 3x3 = 9: 5 positions x 2 channels
  // need a constant multiplication; count_pad: always 9 -> 9 x 2.
  Builder b({5, 5, 2}, FixedType(16, 6));
  b.Add(Pool("avg", ir::PoolOp::Average, 3, 2, 1, false), {"x"}, {3, 3, 2});
  b.Add(Pool("avgc", ir::PoolOp::Average, 3, 2, 1, true), {"x"}, {3, 3, 2});
  EXPECT_EQ(b.Row("avg").kind, "AveragePooling2D 3x3 s2x2");
  EXPECT_EQ(b.Row("avg").add_ops, 9 * 2 * 8);
  EXPECT_EQ(b.Row("avg").mult_ops, 5 * 2);
  EXPECT_EQ(b.Row("avgc").mult_ops, 9 * 2);
  // 1-D: [6,4] -> window 3, stride 3 -> [2,4]: 2 additions per output, / 3
  Builder b1({6, 4}, FixedType(16, 6));
  ir::Layer p = Pool("avg1", ir::PoolOp::Average, 3, 3, 0, false);
  p.pool->rank = 1;
  p.pool->pool_h = p.pool->stride_h = 1;
  b1.Add(p, {"x"}, {2, 4});
  EXPECT_EQ(b1.Row("avg1").kind, "AveragePooling1D 3");
  EXPECT_EQ(b1.Row("avg1").add_ops, 2 * 4 * 2);
  EXPECT_EQ(b1.Row("avg1").mult_ops, 2 * 4);
}

ir::Layer MergeLayer(const std::string& name, ir::MergeOp op) {
  ir::Layer m;
  m.name = name;
  m.kind = ir::LayerKind::Merge;
  m.merge = ir::MergeAttrs{};
  m.merge->op = op;
  return m;
}

TEST(SummaryMerge, AdditionsProductsAndFreeOps) {
  for (ir::IOType io : {ir::IOType::Parallel, ir::IOType::Stream}) {
    Builder b({4, 4, 2}, FixedType(8, 3));
    b.AddInput("y", {4, 4, 2}, FixedType(10, 4));
    b.g.io_type = io;
    using ir::MergeOp;
    for (auto [name, op] : std::vector<std::pair<std::string, MergeOp>>{
             {"add", MergeOp::Add}, {"sub", MergeOp::Subtract}, {"avg", MergeOp::Average}, {"mul", MergeOp::Multiply},
             {"max", MergeOp::Maximum}, {"min", MergeOp::Minimum}})
      b.Add(MergeLayer(name, op), {"x", "y"}, {4, 4, 2});
    ir::Layer cat = MergeLayer("cat", MergeOp::Concatenate);
    b.Add(cat, {"x", "y"}, {4, 4, 4});
    for (const char* n : {"add", "sub", "avg"}) {
      EXPECT_EQ(b.Row(n).add_ops, 32) << n;
      EXPECT_EQ(b.Row(n).macs + b.Row(n).mult_ops + b.Row(n).multipliers, 0) << n;
      EXPECT_EQ(b.Row(n).bops, 0.0) << n;
    }
    const LayerSummary& m = b.Row("mul");
    EXPECT_EQ(m.kind, "Merge(multiply)");
    EXPECT_EQ(m.macs, 32);
    EXPECT_EQ(m.mult_ops, 32);
    EXPECT_EQ(m.multipliers, io == ir::IOType::Parallel ? 32 : 2);  // io_stream: one pixel's channels
    EXPECT_DOUBLE_EQ(m.bops, 32.0 * (8 * 10 + 8 + 10));               // n = 1: no accumulation
    for (const char* n : {"max", "min", "cat"}) {
      const LayerSummary& r = b.Row(n);
      EXPECT_EQ(r.macs + r.mult_ops + r.add_ops + r.xnor_ops + r.multipliers, 0) << n;
    }
    EXPECT_EQ(b.Row("cat").output_shape, (std::vector<int64_t>{4, 4, 4}));
    EXPECT_EQ(b.Row("add").parallelization_factor, 0);
  }
}

TEST(SummaryResize, PaddingCroppingUpSamplingMoveDataOnly) {
  Builder b({4, 4, 2}, FixedType(8, 3));
  auto resize = [](const std::string& name, ir::LayerKind k) {
    ir::Layer l;
    l.name = name;
    l.kind = k;
    l.resize = ir::ResizeAttrs{};
    return l;
  };
  std::string t = b.Add(resize("pad", ir::LayerKind::ZeroPadding), {"x"}, {6, 6, 2});
  t = b.Add(resize("crop", ir::LayerKind::Cropping), {t}, {4, 4, 2});
  b.Add(resize("up", ir::LayerKind::UpSampling), {t}, {8, 8, 2});
  for (auto [n, kind, shape] : std::vector<std::tuple<std::string, std::string, std::vector<int64_t>>>{
           {"pad", "ZeroPadding2D", {6, 6, 2}}, {"crop", "Cropping2D", {4, 4, 2}}, {"up", "UpSampling2D", {8, 8, 2}}}) {
    const LayerSummary& r = b.Row(n);
    EXPECT_EQ(r.kind, kind);
    EXPECT_EQ(r.output_shape, shape);
    EXPECT_EQ(r.macs + r.mult_ops + r.add_ops + r.multipliers, 0) << n;
  }
}

TEST(SummaryConv, TableHasParallelizationColumnOnlyForWindowModels) {
  Builder b({6, 6, 2}, FixedType(8, 3));
  ir::Layer c = Conv2dByHand();
  c.config.reuse_factor = 6;
  c.config.parallelization_factor = 2;
  std::string t = b.Add(c, {"x"}, {4, 4, 4});
  b.Add(Pool("pool", ir::PoolOp::Max, 2, 2, 0, false), {t}, {2, 2, 4});
  const std::string table = FormatSummary(Summarize(b.g));
  for (const char* want : {"Conv2D 3x3", "MaxPooling2D 2x2", "[4,4,4]", "[2,2,4]", " PF ", "1024", "22",
                           "parallelization factors"})
    EXPECT_NE(table.find(want), std::string::npos) << want << " in:\n" << table;
  // the conv row: RF 6, PF 2, 22 multipliers
  const size_t row = table.find("\nconv ");
  ASSERT_NE(row, std::string::npos) << table;
  const std::string line = table.substr(row + 1, table.find('\n', row + 1) - row - 1);
  EXPECT_NE(line.find("  6   2  "), std::string::npos) << line;
  const std::string dense_only = FormatSummary(Summarize(SmallGraph(1)));
  EXPECT_EQ(dense_only.find(" PF "), std::string::npos) << dense_only;
}

// ---- the real CNNs, by hand -------------------------------------------------------------

const std::string kModels = hlsforge::test_data::Root() + "/models/onnx/";

ir::Graph Configured(const std::string& model, const std::string& yaml = "") {
  std::string cfg;
  if (!yaml.empty()) {
    cfg = (std::filesystem::temp_directory_path() / ("hlsforge_summary_test_" + model + ".yml")).string();
    std::ofstream(cfg) << yaml;
  }
  auto g = flow::LoadConfiguredModel(kModels + model + ".onnx", cfg);
  if (!cfg.empty()) std::filesystem::remove(cfg);
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? std::move(g).value() : ir::Graph{};
}

const LayerSummary& Row(const ModelSummary& s, const std::string& name) {
  for (const auto& l : s.layers)
    if (l.name == name) return l;
  ADD_FAILURE() << "no row " << name;
  return s.layers.front();
}

/// Non-zero quantized words of a layer's weight (the products the firmware has).
int64_t NonZeroWords(const ir::Graph& g, const std::string& layer) {
  const ir::Param& w = *g.FindLayer(layer)->param("weight");
  int64_t n = 0;
  for (double v : w.values) n += w.type->ToDouble(w.type->Quantize(v)) != 0;
  return n;
}

TEST(SummaryRealCnn, Conv2dSmallKerasByHand) {
  // Conv_0: [8,8,1] -> 3x3 'same' -> [8,8,2]: 64 pixels x 18 weights (no zeros),
  // fixed<16,6> data and weights. Dense 128 -> 10.
  ir::Graph g = Configured("conv2d_small_keras");
  ModelSummary s = Summarize(g);
  const LayerSummary& c = Row(s, "Conv_0");
  EXPECT_EQ(c.kind, "Conv2D 3x3");
  EXPECT_EQ(c.output_shape, (std::vector<int64_t>{8, 8, 2}));
  EXPECT_EQ(c.params, 18 + 2);
  EXPECT_EQ(c.zero_weights, 0);
  EXPECT_EQ(c.macs, 64 * 18);
  EXPECT_EQ(c.multipliers, 18);
  EXPECT_EQ(c.mult_ops + c.add_ops, 64 * NonZeroWords(g, "Conv_0"));
  EXPECT_DOUBLE_EQ(c.bops, 64.0 * 2 * 9 * (16 * 16 + 16 + 16 + std::log2(9.0)));
  // Dense 128 -> 10: three weights quantize to a zero word at fixed<16,6>; the
  // firmware skips them (n_zeros), and so do the MACs.
  EXPECT_EQ(Row(s, "MatMul_0").zero_weights, 128 * 10 - NonZeroWords(g, "MatMul_0"));
  EXPECT_EQ(s.total_macs, 64 * 18 + NonZeroWords(g, "MatMul_0"));
  // RF 3, PF 4 in io_parallel: ceil(18/3) * 4; io_stream: ceil(18/3)
  const std::string cfg = "Model: {Precision: \"fixed<16,6>\", ReuseFactor: 1}\n"
                          "LayerName: {Conv_0: {ReuseFactor: 3, ParallelizationFactor: 4}}\n";
  ModelSummary p = Summarize(Configured("conv2d_small_keras", cfg));
  EXPECT_EQ(Row(p, "Conv_0").multipliers, 6 * 4);
  EXPECT_EQ(Row(p, "Conv_0").parallelization_factor, 4);
  EXPECT_EQ(Row(p, "Conv_0").macs, 64 * 18);
  ModelSummary st = Summarize(Configured("conv2d_small_keras", "IOType: io_stream\n" + cfg));
  EXPECT_EQ(Row(st, "Conv_0").multipliers, 6);
  // RF 2 is not valid for the 9 x 2 product (valid: 1, 3, 9, 18): the tie
  // between 1 and 3 goes to 1, as the firmware gets it.
  ModelSummary r2 = Summarize(Configured(
      "conv2d_small_keras", "LayerName: {Conv_0: {ReuseFactor: 2, ParallelizationFactor: 4}}\n"));
  EXPECT_EQ(Row(r2, "Conv_0").reuse_factor, 1);
  EXPECT_EQ(Row(r2, "Conv_0").multipliers, 18 * 4);
}

TEST(SummaryRealCnn, Conv1dSmallKerasByHand) {
  // [10,4] -> Conv1D k=4 'same' 4->3 -> 3->2 -> 2->1, 10 pixels each; Dense 10->5->5.
  ir::Graph g = Configured("conv1d_small_keras");
  ModelSummary s = Summarize(g);
  struct Want { const char* name; int64_t c_in, c_out; };
  for (const Want& w : {Want{"Conv_0", 4, 3}, Want{"Conv_1", 3, 2}, Want{"Conv_2", 2, 1}}) {
    const LayerSummary& r = Row(s, w.name);
    const int64_t k = 4 * w.c_in;  // per-pixel inputs
    EXPECT_EQ(r.kind, "Conv1D 4") << w.name;
    EXPECT_EQ(r.output_shape, (std::vector<int64_t>{10, w.c_out})) << w.name;
    EXPECT_EQ(r.macs, 10 * k * w.c_out) << w.name;
    EXPECT_EQ(r.multipliers, k * w.c_out) << w.name;
    EXPECT_EQ(r.mult_ops + r.add_ops, 10 * NonZeroWords(g, w.name)) << w.name;
    EXPECT_DOUBLE_EQ(r.bops, 10.0 * w.c_out * k * (256 + 32 + std::log2(static_cast<double>(k)))) << w.name;
  }
  EXPECT_DOUBLE_EQ(Row(s, "Conv_0").bops, 140160.0);  // 10*3*16*(256+32+4)
  EXPECT_EQ(s.total_macs, 480 + 240 + 80 + 50 + 25);
}

TEST(SummaryRealCnn, SeparableConvDepthwiseByHand) {
  // QONNX channels-last: [512,512,3] -> depthwise 3x3 'same' (Conv_0, 4-bit
  // weights after their quantizer, some of them zero) -> pointwise 1x1 3->16 (Conv_1).
  ir::Graph g = Configured("separable_conv_model_ch_last");
  ModelSummary s = Summarize(g);
  const double pixels = 512.0 * 512;
  const ir::Layer* dw = g.FindLayer("Conv_0");
  ASSERT_TRUE(dw->conv && dw->conv->depthwise);
  ASSERT_EQ(dw->param("weight")->shape, (std::vector<int64_t>{3, 3, 3, 1}));
  const int b_a = g.tensor(dw->inputs[0]).type->width(), b_w = dw->param("weight")->type->width();
  ASSERT_EQ(b_a, 4);
  ASSERT_EQ(b_w, 4);
  const LayerSummary& d = Row(s, "Conv_0");
  const int64_t z = static_cast<int64_t>(dw->param("weight")->zeros());
  EXPECT_EQ(d.kind, "DepthwiseConv2D 3x3");
  EXPECT_EQ(d.output_shape, (std::vector<int64_t>{512, 512, 3}));
  EXPECT_EQ(d.zero_weights, z);
  EXPECT_EQ(d.macs, 512 * 512 * (27 - z));
  EXPECT_EQ(d.multipliers, 27 - z);
  EXPECT_EQ(d.mult_ops + d.add_ops, 512 * 512 * NonZeroWords(g, "Conv_0"));
  // per pixel: 3 channels x 9 products each (n = 9)
  EXPECT_DOUBLE_EQ(d.bops, pixels * 3 * 9 * ((1 - z / 27.0) * 4 * 4 + 4 + 4 + std::log2(9.0)));
  const ir::Layer* pw = g.FindLayer("Conv_1");
  ASSERT_FALSE(pw->conv->depthwise);
  const int64_t z1 = static_cast<int64_t>(pw->param("weight")->zeros());
  const int b_a1 = g.tensor(pw->inputs[0]).type->width(), b_w1 = pw->param("weight")->type->width();
  const LayerSummary& p = Row(s, "Conv_1");
  EXPECT_EQ(p.kind, "Conv2D 1x1");
  EXPECT_EQ(p.macs, 512 * 512 * (48 - z1));
  EXPECT_DOUBLE_EQ(p.bops, pixels * 16 * 3 *
                               ((1 - z1 / 48.0) * b_a1 * b_w1 + b_a1 + b_w1 + std::log2(3.0)));
}

TEST(SummaryRealCnn, CliInspectShowsConvRows) {
  const std::string cmd =
      std::string(HLSFORGE_BINARY) + " inspect " + kModels + "conv2d_small_keras.onnx 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ASSERT_EQ(pclose(p), 0) << out;
  for (const char* want : {"Conv2D 3x3", "[8,8,2]", "1152", " PF ", "335428"})
    EXPECT_NE(out.find(want), std::string::npos) << want << " in:\n" << out;
}

}  // namespace
}  // namespace hlsforge::report

