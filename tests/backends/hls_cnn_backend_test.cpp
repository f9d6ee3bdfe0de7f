// HLS backend, convolutional layers: code-generation rules and errors
// (ParallelizationFactor snapping, io_stream fan-out via stream copies,
// unsupported cases with messages naming the layer). Bit-exactness over real
// and random CNNs lives in hls_cnn_acceptance_test.cpp / hls_cnn_property_test.cpp.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "hls_test_util.h"

namespace fs = std::filesystem;
using namespace hlsforge;
using namespace hls_test;

namespace {

void Tensor(ir::Graph& g, const std::string& n, std::vector<int64_t> shape, FixedType t) {
  g.tensors[n] = ir::Tensor{n, std::move(shape), t};
}

// input [5,5,2] -> conv 3x3 'same' (4 filters) -> relu -> x3 readers:
// add(relu, relu) and maxpool(relu) -> concatenate(add, upsampled pool) -> output
ir::Graph BranchyCnn(bool depthwise_xnor = false) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> d(-20, 20);
  ir::Graph g;
  g.name = "branchy";
  ir::Layer in;
  in.name = in.output = "x";
  in.kind = ir::LayerKind::Input;
  g.layers.push_back(in);
  Tensor(g, "x", {5, 5, 2}, FixedType(10, 3));
  g.inputs = {"x"};

  ir::Layer cv;
  cv.name = cv.output = "conv";
  cv.kind = ir::LayerKind::Conv;
  cv.inputs = {"x"};
  ir::ConvAttrs a;
  a.kernel_h = a.kernel_w = 3;
  a.pad_top = a.pad_left = a.pad_bottom = a.pad_right = 1;
  a.depthwise = depthwise_xnor;
  a.depth_multiplier = depthwise_xnor ? 2 : 1;
  cv.conv = a;
  const FixedType wt = depthwise_xnor ? FixedType(1, 1, false) : FixedType(6, 1);
  const int64_t per = depthwise_xnor ? 2 : 4;
  ir::Param w{{3, 3, 2, per}, {}, wt};
  for (int64_t i = 0; i < 18 * per; ++i) w.values.push_back(d(rng) / 16.0);
  cv.params["weight"] = w;
  cv.params["bias"] = ir::Param{{4}, {0.25, -0.5, 0.125, 1.0}, FixedType(8, 3)};
  cv.config.precision["accum"].type = FixedType(24, 10);
  cv.config.parallelization_factor = 7;  // does not divide 25 pixels: snapped to 5
  g.layers.push_back(cv);
  Tensor(g, "conv", {5, 5, 4}, FixedType(16, 6, true, Quant::RND, Overflow::SAT));

  ir::Layer r;
  r.name = r.output = "relu";
  r.kind = ir::LayerKind::Activation;
  r.activation = ir::ActivationKind::ReLU;
  r.inputs = {"conv"};
  g.layers.push_back(r);
  Tensor(g, "relu", {5, 5, 4}, FixedType(12, 5, false));

  ir::Layer add;
  add.name = add.output = "add";
  add.kind = ir::LayerKind::Merge;
  add.merge = ir::MergeAttrs{ir::MergeOp::Add, -1};
  add.inputs = {"relu", "relu"};
  g.layers.push_back(add);
  Tensor(g, "add", {5, 5, 4}, FixedType(14, 6, false));

  ir::Layer pool;
  pool.name = pool.output = "pool";
  pool.kind = ir::LayerKind::Pooling;
  ir::PoolAttrs p;
  p.op = ir::PoolOp::Average;
  p.pool_h = p.pool_w = 2;
  p.stride_h = p.stride_w = 2;
  p.pad_bottom = p.pad_right = 1;
  pool.pool = p;
  pool.inputs = {"relu"};
  pool.config.precision["accum"].type = FixedType(16, 8, false);
  g.layers.push_back(pool);
  Tensor(g, "pool", {3, 3, 4}, FixedType(12, 5, false, Quant::RND));

  ir::Layer crop;
  crop.name = crop.output = "crop";
  crop.kind = ir::LayerKind::Cropping;
  ir::ResizeAttrs c;
  c.pad_bottom = c.pad_right = 1;  // [5,5] -> [4,4]
  crop.resize = c;
  crop.inputs = {"add"};
  g.layers.push_back(crop);
  Tensor(g, "crop", {4, 4, 4}, FixedType(14, 6, false));

  ir::Layer up;
  up.name = up.output = "up";
  up.kind = ir::LayerKind::UpSampling;
  ir::ResizeAttrs u;
  u.scale_h = u.scale_w = 2;  // [3,3] -> [6,6]
  up.resize = u;
  up.inputs = {"pool"};
  g.layers.push_back(up);
  Tensor(g, "up", {6, 6, 4}, FixedType(12, 5, false));

  ir::Layer pad;
  pad.name = pad.output = "pad";
  pad.kind = ir::LayerKind::ZeroPadding;
  ir::ResizeAttrs zp;
  zp.pad_top = zp.pad_left = 1;
  zp.pad_bottom = zp.pad_right = 1;  // [4,4] -> [6,6]
  pad.resize = zp;
  pad.inputs = {"crop"};
  g.layers.push_back(pad);
  Tensor(g, "pad", {6, 6, 4}, FixedType(14, 6, false));

  ir::Layer cat;
  cat.name = cat.output = "cat";
  cat.kind = ir::LayerKind::Merge;
  cat.merge = ir::MergeAttrs{ir::MergeOp::Concatenate, -1};
  cat.inputs = {"pad", "up"};
  g.layers.push_back(cat);
  Tensor(g, "cat", {6, 6, 8}, FixedType(14, 6, false));
  g.outputs = {"cat"};
  return g;
}

NDArray ImageInput(int rows, std::mt19937& rng) {
  NDArray x;
  x.shape = {rows, 5, 5, 2};
  std::normal_distribution<double> d(0, 2);
  for (int i = 0; i < rows * 50; ++i) x.data.push_back(static_cast<float>(d(rng)));
  return x;
}

std::string ReadAll(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

TEST(HlsCnnBackend, BranchesMergesAndResizesBothIoTypes) {
  std::mt19937 rng(3);
  const NDArray x = ImageInput(60, rng);
  ExpectCsimMatchesEmulator(BranchyCnn(), x, "branchy_par", ir::IOType::Parallel);
  ExpectCsimMatchesEmulator(BranchyCnn(), x, "branchy_str", ir::IOType::Stream);
}

TEST(HlsCnnBackend, StreamCopiesForFanOutAndPixelWords) {
  backends::HlsOptions opt;
  opt.io_type = ir::IOType::Stream;
  std::vector<std::string> warnings;
  opt.warn = [&](const std::string& m) { warnings.push_back(m); };
  fs::path dir = TmpDir("branchy_code");
  ASSERT_TRUE(backends::WriteHlsProject(BranchyCnn(), opt, dir.string()).ok());
  const std::string top = ReadAll(dir / "firmware" / "myproject.cpp");
  // 'relu' is read three times (add twice, pool once): three copies, two clones.
  EXPECT_NE(top.find("feeds 3 layers"), std::string::npos) << top;
  EXPECT_NE(top.find("_cpy3"), std::string::npos);
  EXPECT_NE(top.find("nnet::conv_2d_stream<nnet::array<input_t, 2>"), std::string::npos) << top;
  EXPECT_NE(top.find("nnet::pooling_2d_stream<"), std::string::npos);
  EXPECT_NE(top.find("nnet::concatenate_stream<"), std::string::npos);
  fs::remove_all(dir);
}

TEST(HlsCnnBackend, ParallelizationFactorIsSnappedToADivisor) {
  backends::HlsOptions opt;
  std::vector<std::string> warnings;
  opt.warn = [&](const std::string& m) { warnings.push_back(m); };
  fs::path dir = TmpDir("branchy_pf");
  ASSERT_TRUE(backends::WriteHlsProject(BranchyCnn(), opt, dir.string()).ok());
  bool found = false;
  for (const auto& w : warnings)
    found = found || (w.find("layer 'conv'") != std::string::npos && w.find("ParallelizationFactor 7") != std::string::npos &&
                      w.find("using 5") != std::string::npos);
  EXPECT_TRUE(found);
  EXPECT_NE(ReadAll(dir / "firmware" / "parameters.h").find("parallelization_factor = 5"), std::string::npos);
  fs::remove_all(dir);
}

TEST(HlsCnnBackend, StreamOutputThatAlsoFeedsALayerIsAClearError) {
  ir::Graph g = BranchyCnn();
  g.outputs = {"cat", "relu"};
  backends::HlsOptions opt;
  opt.io_type = ir::IOType::Stream;
  opt.warn = [](const std::string&) {};
  Status st = backends::CheckHlsGraph(g);  // io_parallel: fine
  EXPECT_TRUE(st.ok()) << st.message();
  st = backends::WriteHlsProject(g, opt, TmpDir("branchy_out").string());
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'relu'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("io_parallel"), std::string::npos) << st.message();
}

TEST(HlsCnnBackend, DepthwiseWithBinaryWeightsIsAClearError) {
  Status st = backends::CheckHlsGraph(BranchyCnn(/*depthwise_xnor=*/true));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("layer 'conv'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("depthwise"), std::string::npos) << st.message();
}

TEST(HlsCnnBackend, ChannelsFirstFlattenBothIoTypes) {
  // x [3, 4, 2] channels-last -> Flatten in channels-first order -> output
  ir::Graph g;
  g.name = "cf_flatten";
  ir::Layer in;
  in.name = in.output = "x";
  in.kind = ir::LayerKind::Input;
  g.layers.push_back(in);
  Tensor(g, "x", {3, 4, 2}, FixedType(10, 3));
  g.inputs = {"x"};
  ir::Layer f;
  f.name = f.output = "flatten";
  f.kind = ir::LayerKind::Reshape;
  f.flatten_channels_first = true;
  f.inputs = {"x"};
  g.layers.push_back(f);
  Tensor(g, "flatten", {24}, FixedType(8, 2, true, Quant::RND, Overflow::SAT));
  g.outputs = {"flatten"};
  std::mt19937 rng(9);
  NDArray x;
  x.shape = {30, 3, 4, 2};
  std::normal_distribution<double> d(0, 2);
  for (int i = 0; i < 30 * 24; ++i) x.data.push_back(static_cast<float>(d(rng)));
  ExpectCsimMatchesEmulator(g, x, "cf_flatten_par", ir::IOType::Parallel);
  ExpectCsimMatchesEmulator(g, x, "cf_flatten_str", ir::IOType::Stream);
}

TEST(HlsCnnBackend, MergeWiderThan64BitsIsAClearError) {
  // Multiply of two 40-bit tensors: an 80-bit full-precision product.
  ir::Graph g = BranchyCnn();
  for (auto& l : g.layers)
    if (l.name == "add") l.merge->op = ir::MergeOp::Multiply;
  g.tensors["relu"].type = FixedType(40, 10, false);
  Status st = backends::CheckHlsGraph(g);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("layer 'add'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("80 bits"), std::string::npos) << st.message();
  // Average: (a + b) / (res)2 needs the sum's width plus the result's fraction bits.
  for (auto& l : g.layers)
    if (l.name == "add") l.merge->op = ir::MergeOp::Average;
  g.tensors["relu"].type = FixedType(40, 10, false);
  g.tensors["add"].type = FixedType(40, 2, false);
  st = backends::CheckHlsGraph(g);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("layer 'add'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("average"), std::string::npos) << st.message();
}
