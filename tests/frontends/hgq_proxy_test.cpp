// HGQ proxy models (hls4ml FixedPointQuantizer) read from Keras JSON + HDF5.
//
// Semantics (HGQ gfixed_quantizer / hls4ml utils/fixed_point_quantizer.py):
// per element with keep_negative k, bits b, integers i (b, i count the sign
// bit like ap_fixed's W and I): y = SAT(RND(x 2^(b-i)), k, b) / 2^(b-i), and
// y = 0 where b = 0; RND/SAT are the layer's modes (TRN = floor, RND =
// floor(x + 1/2), WRAP = modulo the range of ap_(u)fixed<b,i>, SAT = clip).
// `overrides` fix the firmware precisions of the named layers (hls4ml
// enforces them over the user's config). A proxy model is bit-exact by
// construction: float mode (the formula in double) and the firmware agree.
//
// The hand-worked model: Input(4) -> FixedPointQuantizer q_in (TRN, WRAP;
// formats fixed<4,2>, ufixed<3,1>, 0 bits, fixed<6,3>) -> Dense d (2 units)
// -> FixedPointQuantizer q_d (RND, SAT; fixed<6,3> for every element).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "../backends/hls_test_util.h"
#include "../cli/cli_test_util.h"
#include "../test_data.h"
#include "frontend_test_util.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/frontends/keras_frontend.h"
#include "hlsforge/util/mnist.h"
#include "support/keras_h5_writer.h"

namespace {

namespace fs = std::filesystem;
using hlsforge::FixedType;
using hlsforge::NDArray;
using hlsforge::cli_test::RunCli;
using keras_test::LayerWeights;
using keras_test::Weight;
namespace ir = hlsforge::ir;
namespace emu = hlsforge::emu;

fs::path Root() { return fs::temp_directory_path() / ("hlsforge_hgq_test_" + std::to_string(::getpid())); }

class RemoveModels : public ::testing::Environment {
 public:
  void TearDown() override { fs::remove_all(Root()); }
};
[[maybe_unused]] ::testing::Environment* const kRemoveModels = ::testing::AddGlobalTestEnvironment(new RemoveModels);

/// The hand-worked proxy model; `q_in_layer` replaces the q_in layer JSON and
/// `bits` its bits array (error cases).
std::string WriteTiny(const std::string& name, const std::string& q_in_shape = "[1, 4]",
                      std::vector<hsize_t> array_shape = {1, 4},
                      std::vector<float> bits = {4, 3, 0, 6}) {
  const fs::path d = Root() / name;
  fs::create_directories(d);
  const std::string q_in = R"JS({"class_name": "FixedPointQuantizer", "config": {"name": "q_in", "RND": "TRN",
      "SAT": "WRAP", "shape": )JS" + q_in_shape + R"JS(, "fusible": false,
      "overrides": {"layers": {"q_in": {}}}}})JS";
  const std::string dense = R"JS({"class_name": "Dense", "config": {"name": "d", "units": 2,
      "activation": "linear", "use_bias": true}})JS";
  const std::string q_d = R"JS({"class_name": "FixedPointQuantizer", "config": {"name": "q_d", "RND": "RND",
      "SAT": "SAT", "shape": [1], "fusible": true,
      "overrides": {"layers": {"d": {"_accum_multiplicity": 4.0, "weight_t": "fixed<6,2>", "bias_t": "fixed<6,2>",
                                      "accum_t": "fixed<14,6>", "result_t": "fixed<12,5,TRN,WRAP>"},
                               "q_d": {"result_t": "fixed<6,3,RND,SAT>"}}}}})JS";
  std::ofstream(d / "m.json") << keras_test::Sequential("2.13.1", "[null, 4]", {q_in, dense, q_d});
  std::vector<hsize_t> ks = array_shape;
  size_t n = 1;
  for (hsize_t v : ks) n *= v;
  std::vector<float> kneg = {1, 0, 0, 1}, ints = {2, 1, 0, 3};
  kneg.resize(n, 1);
  ints.resize(n, 1);
  bits.resize(n, 4);
  keras_test::WriteWeights(
      (d / "m_weights.h5").string(),
      {{"in", {}},
       {"q_in", {Weight{"keep_negative", ks, kneg}, Weight{"bits", ks, bits}, Weight{"integers", ks, ints}}},
       {"d",
        {Weight{"kernel", {4, 2}, {0.5f, -1.0f, 0.25f, 0.75f, 1.5f, 1.5f, -0.125f, 0.0625f}},
         Weight{"bias", {2}, {0.0625f, -0.5f}}}},
       {"q_d", {Weight{"keep_negative", {1}, {1}}, Weight{"bits", {1}, {6}}, Weight{"integers", {1}, {3}}}}});
  return (d / "m.json").string();
}

using frontend_test::Configured;
using frontend_test::Emu;
using frontend_test::L;
using frontend_test::NormalRows;

FixedType T(const char* s) { return *FixedType::Parse(s); }

// ---- the hand-worked model ------------------------------------------------------

TEST(HgqProxy, PerElementFormatsAndOverridesAreRead) {
  const ir::Graph g = Configured(WriteTiny("read"));
  const ir::Layer& q = L(g, "q_in");
  ASSERT_EQ(q.kind, ir::LayerKind::Quantize);
  ASSERT_EQ(q.element_types.size(), 4u);
  EXPECT_EQ(q.element_types[0], T("ap_fixed<4,2,AP_TRN,AP_WRAP>"));
  EXPECT_EQ(q.element_types[1], T("ap_ufixed<3,1,AP_TRN,AP_WRAP>"));
  EXPECT_FALSE(q.element_types[2].has_value());  // 0 bits: constant zero
  EXPECT_EQ(q.element_types[3], T("ap_fixed<6,3,AP_TRN,AP_WRAP>"));
  // union of the formats: signed, F = max(2, 2, 3), I = max(2, 1 + 1, 3)
  EXPECT_EQ(*g.tensor("q_in").type, T("ap_fixed<6,3>"));
  // q_d: one format for every element; its embedded result_t
  ASSERT_EQ(L(g, "q_d").element_types.size(), 1u);
  EXPECT_EQ(*g.tensor("q_d").type, T("ap_fixed<6,3,AP_RND,AP_SAT>"));
  // d's embedded precisions
  const ir::Layer& d = L(g, "d");
  EXPECT_EQ(d.config.precision.type(ir::Slot::Weight), T("ap_fixed<6,2>"));
  EXPECT_EQ(d.config.precision.type(ir::Slot::Accum), T("ap_fixed<14,6>"));
  EXPECT_EQ(*g.tensor("d").type, T("ap_fixed<12,5,AP_TRN,AP_WRAP>"));
  // zero_pruned_inputs: the row reading the 0-bit element is zero, counted by the plan
  const ir::Param* w = d.param(ir::Slot::Weight);
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->values[4], 0.0);
  EXPECT_EQ(w->values[5], 0.0);
  EXPECT_EQ(w->values[0], 0.5);
  ASSERT_TRUE(d.plan.has_value());
  EXPECT_EQ(d.plan->n_zeros, 2);
}

TEST(HgqProxy, EmbeddedPrecisionsWinOverTheUserConfig) {
  const fs::path cfg = Root() / "user.yml";
  fs::create_directories(Root());
  std::ofstream(cfg) << "Model:\n  Precision: fixed<16,6>\nLayerName:\n  d:\n    Precision:\n      weight: fixed<4,1>\n"
                        "      result: fixed<8,2>\n";
  const ir::Graph g = Configured(WriteTiny("user"), std::nullopt, cfg.string());
  EXPECT_EQ(L(g, "d").config.precision.type(ir::Slot::Weight), T("ap_fixed<6,2>"));
  EXPECT_EQ(*g.tensor("d").type, T("ap_fixed<12,5,AP_TRN,AP_WRAP>"));
}

TEST(HgqProxy, FloatAndBitExactEqualTheHandWorkedValues) {
  const ir::Graph g = Configured(WriteTiny("values"));
  NDArray x;
  x.shape = {2, 4};
  x.data = {1.3, -0.3, 5.0, 4.1, -2.2, 2.0, -1.0, -0.01};
  // q_in, row 0: 1.3 -> floor(5.2)/4 = 1.25; -0.3 -> floor(-1.2) = -2 wraps to 6 in
  // 3 unsigned bits -> 1.5; 5.0 -> 0 (0 bits); 4.1 -> floor(32.8) = 32 wraps to -32 in
  // 6 signed bits -> -4.0.  d: 1.25*0.5 + 1.5*0.25 + (-4)(-0.125) + 0.0625 = 1.5625,
  // 1.25*(-1) + 1.5*0.75 + (-4)(0.0625) - 0.5 = -0.875; q_d (RND at 1/8):
  // floor(12.5 + 0.5)/8 = 1.625, -7/8 = -0.875.
  // Row 1: -2.2 -> floor(-8.8) = -9 wraps to 7 -> 1.75; 2.0 -> 8 wraps to 0; -0.01 ->
  // floor(-0.08) = -1 -> -0.125.  d: 0.875 + 0.015625 + 0.0625 = 0.953125 -> floor(8.125)
  // = 8 -> 1.0; -1.75 - 0.0078125 - 0.5 = -2.2578125 -> floor(-17.5625) = -18 -> -2.25.
  const std::vector<double> want = {1.625, -0.875, 1.0, -2.25};
  EXPECT_EQ(Emu(g, x, true).data, want);
  EXPECT_EQ(Emu(g, x, false).data, want);
  auto tr = emu::Trace(g, x);
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  EXPECT_EQ(tr->at("q_in").data, (std::vector<double>{1.25, 1.5, 0, -4.0, 1.75, 0, 0, -0.125}));
}

TEST(HgqProxy, InspectShowsElementWidthsAndPrunedCount) {
  const auto r = RunCli({"inspect", WriteTiny("inspect")});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("bits 3..6, integers 1..3, 1 of 4 pruned"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bits 6, integers 3, 0 of 2 pruned"), std::string::npos) << r.out;
}

TEST(HgqProxyCsim, HandWorkedModelBothIoTypes) {
  const NDArray x = NormalRows(64, 4, 3.0, 5);
  for (const ir::IOType io : {ir::IOType::Parallel, ir::IOType::Stream}) {
    const ir::Graph g = Configured(WriteTiny("csim"), io);
    const NDArray y = Emu(g, x, false);
    EXPECT_EQ(y.data, Emu(g, x, true).data);
    std::set<double> distinct(y.data.begin(), y.data.end());
    EXPECT_GE(distinct.size(), 10u);
    hls_test::ExpectCsimMatchesEmulator(g, x, io == ir::IOType::Parallel ? "hgq_tiny_p" : "hgq_tiny_s", io);
  }
}

// ---- bad input ------------------------------------------------------------------

void ExpectLocatedError(const std::string& json, const std::vector<std::string>& parts) {
  auto g = hlsforge::frontends::LoadKeras(json, "");
  ASSERT_FALSE(g.ok());
  const std::string msg = g.status().message();
  for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << msg;
  const auto r = RunCli({"inspect", json});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.err.rfind("hlsforge: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("q_in"), std::string::npos) << r.err;
}

TEST(HgqProxy, ArraysThatDoNotMatchTheShapeAreLocatedErrors) {
  // the arrays disagree with the layer's declared shape
  ExpectLocatedError(WriteTiny("bad_shape", "[1, 4]", {1, 3}),
                     {"m.json", "\"q_in\"", "FixedPointQuantizer", "'keep_negative'", "[1, 3]", "[1, 4]"});
  // declared and stored alike, but not broadcastable to the input [1, 4]
  ExpectLocatedError(WriteTiny("bad_bcast", "[1, 3]", {1, 3}), {"\"q_in\"", "does not broadcast", "[1, 3]"});
  // a fractional bit count
  ExpectLocatedError(WriteTiny("bad_bits", "[1, 4]", {1, 4}, {4, 2.5f, 0, 6}), {"\"q_in\"", "'bits'[1]", "2.5"});
}

// ---- the HGQ proxy models of the corpus -------------------------------------------

constexpr const char* kJet = "models/keras/proxy_jet_classifier.json";
constexpr const char* kMnist = "models/keras/proxy_mnist_homogeneous_act.json";

TEST(HgqProxyCorpus, JetClassifierPerElementWidthsAndBitExactOn10000Rows) {
  HLSFORGE_REQUIRE_DATA(kJet);
  const ir::Graph g = Configured(hlsforge::test_data::Path(kJet));
  const ir::Layer& q = L(g, "inp_q_quantizer");
  ASSERT_EQ(q.element_types.size(), 16u);
  // bits 6,6,10,...; element 13: 2 bits, 3 integers; element 14: 12 bits, 5 integers
  EXPECT_EQ(q.element_types[0], T("ap_fixed<6,4,AP_TRN,AP_WRAP>"));
  EXPECT_EQ(q.element_types[13], T("ap_fixed<2,3,AP_TRN,AP_WRAP>"));
  EXPECT_EQ(q.element_types[14], T("ap_fixed<12,5,AP_TRN,AP_WRAP>"));
  EXPECT_EQ(*g.tensor("input_1").type, T("ap_fixed<12,5,AP_TRN,AP_WRAP>"));
  // dense_1_relu_quantizer keeps 7 of 64 neurons; dense_2 reads the other 57 as zeros
  const ir::Layer& r = L(g, "dense_1_relu_quantizer");
  int64_t pruned = 0;
  for (const auto& t : r.element_types) pruned += !t;
  EXPECT_EQ(pruned, 57);
  ASSERT_TRUE(L(g, "dense_2").plan.has_value());
  EXPECT_GE(L(g, "dense_2").plan->n_zeros, 57 * 32);
  const NDArray x = NormalRows(10000, 16, 1.5, 2024);
  const NDArray yb = Emu(g, x, false), yf = Emu(g, x, true);
  ASSERT_EQ(yb.data.size(), yf.data.size());
  int64_t diff = 0;
  for (size_t i = 0; i < yb.data.size(); ++i) diff += yb.data[i] != yf.data[i];
  EXPECT_EQ(diff, 0) << "bit-exact and float mode differ";
  std::set<double> distinct(yb.data.begin(), yb.data.end());
  EXPECT_GE(distinct.size(), 100u);
}

TEST(HgqProxyCorpus, MnistBitExactOnTheTestImages) {
  HLSFORGE_REQUIRE_DATA(kMnist);
  HLSFORGE_REQUIRE_DATA("data/mnist/t10k-images-idx3-ubyte.gz");
  const ir::Graph g = Configured(hlsforge::test_data::Path(kMnist));
  auto images = hlsforge::ReadIdxImages(hlsforge::test_data::Path("data/mnist/t10k-images-idx3-ubyte.gz"));
  auto labels = hlsforge::ReadIdxLabels(hlsforge::test_data::Path("data/mnist/t10k-labels-idx1-ubyte.gz"));
  ASSERT_TRUE(images.ok()) << images.status().message();
  ASSERT_TRUE(labels.ok()) << labels.status().message();
  const NDArray yb = Emu(g, *images, false), yf = Emu(g, *images, true);
  ASSERT_EQ(yb.shape, (std::vector<int64_t>{10000, 10}));
  int64_t diff = 0, correct = 0;
  for (size_t i = 0; i < yb.data.size(); ++i) diff += yb.data[i] != yf.data[i];
  for (int64_t r = 0; r < 10000; ++r) {
    const double* row = yb.data.data() + r * 10;
    correct += std::max_element(row, row + 10) - row == (*labels)[static_cast<size_t>(r)];
  }
  EXPECT_EQ(diff, 0) << "bit-exact and float mode differ";
  std::printf("[hgq-mnist] top-1 accuracy %.2f %% on the 10,000 MNIST test images (bit-exact == float)\n",
              correct / 100.0);
  EXPECT_GT(correct, 9000);
}

TEST(HgqProxyCorpus, CsimEqualsEmulatorBothModelsBothIoTypes) {
  HLSFORGE_REQUIRE_DATA(kJet);
  HLSFORGE_REQUIRE_DATA(kMnist);
  const NDArray jet = NormalRows(200, 16, 1.5, 7);
  auto images = hlsforge::ReadIdxImages(hlsforge::test_data::Path("data/mnist/t10k-images-idx3-ubyte.gz"));
  ASSERT_TRUE(images.ok()) << images.status().message();
  NDArray digits;
  digits.shape = {40, 28, 28};
  digits.data.assign(images->data.begin(), images->data.begin() + 40 * 784);
  for (const ir::IOType io : {ir::IOType::Parallel, ir::IOType::Stream}) {
    const std::string s = io == ir::IOType::Parallel ? "p" : "s";
    const ir::Graph gj = Configured(hlsforge::test_data::Path(kJet), io);
    EXPECT_EQ(Emu(gj, jet, false).data, Emu(gj, jet, true).data);
    hls_test::ExpectCsimMatchesEmulator(gj, jet, "hgq_jet_" + s, io);
    const ir::Graph gm = Configured(hlsforge::test_data::Path(kMnist), io);
    EXPECT_EQ(Emu(gm, digits, false).data, Emu(gm, digits, true).data);
    hls_test::ExpectCsimMatchesEmulator(gm, digits, "hgq_mnist_" + s, io);
  }
}

}  // namespace
