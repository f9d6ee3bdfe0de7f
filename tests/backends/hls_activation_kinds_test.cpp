// C simulation of the generated HLS project equals the emulator bit for bit
// (every layer's output, traced) for the clipped ReLU, hard sigmoid / hard
// tanh, thresholded ReLU, PReLU, ELU, SELU, softplus and softsign kernels, in
// io_parallel and io_stream; the generated firmware holds their constants as
// fixed-point words (no floating point outside the table initializers).
#include <fstream>
#include <regex>
#include <set>
#include <tuple>

#include "hls_test_util.h"

namespace {

using namespace hls_test;
using K = ir::ActivationKind;

const double kSeluAlpha = 1.6732632423543772848170429916717, kSeluScale = 1.0507009873554804934193349852946;

struct Step {
  K kind;
  double alpha = 0, beta = 0;
  std::vector<double> alphas = {};  // PReLU
};

/// input(8) -> [Dense(8, 8) -> activation] per step: each activation sees
/// spread values (the Dense result ap_fixed<14,6> covers [-32, 32), beyond the
/// tables' [-8, 8) and the clipping points).
ir::Graph Chain(const std::vector<Step>& steps, int table_size) {
  std::mt19937 rng(11);
  ir::Graph g = StartGraph("acts", 8, FixedType(12, 5));
  std::string cur = "input_1";
  int k = 0;
  for (const Step& s : steps) {
    const std::string d = "fc" + std::to_string(k), a = "act" + std::to_string(k);
    AddDense(g, d, cur, 8, 8, FixedType(8, 2), FixedType(8, 3), FixedType(24, 10), FixedType(14, 6), rng);
    AddAct(g, a, d + "_out", 8, s.kind, FixedType(16, 6), s.alpha);
    ir::Layer& l = g.layers.back();
    l.beta = s.beta;
    l.config.table_size = table_size;
    if (!s.alphas.empty()) {
      ir::Param p;
      p.shape = {static_cast<int64_t>(s.alphas.size())};
      p.values = s.alphas;
      p.type = FixedType(10, 2);
      l.params["param"] = p;
    }
    cur = a + "_out";
    ++k;
  }
  g.outputs = {cur};
  return g;
}

const std::vector<Step> kSteps = {
    {K::ReLU6OrMax, 1.0},                     // relu1
    {K::HardTanh, 0.5, 0.5},                  // hard_tanh / Clip(-1, 1)
    {K::ELU, 1.0},                            // elu
    {K::HardSigmoid, 0.2, 0.5},               // Keras 2 hard_sigmoid
    {K::SELU, kSeluAlpha, kSeluScale},        // selu
    {K::ThresholdedReLU, 0.3},                // ThresholdedReLU(theta)
    {K::Softplus},                            // softplus
    {K::PReLU, 0, 0, {0.25, -0.5, 0.125, 1.5, -1, 0, 0.75, 2}},
    {K::Softsign},                            // softsign
    {K::HardSigmoid, 1.0 / 6, 0.5},           // Keras 3 hard_sigmoid
    {K::ELU, 0.3},                            // ELU(alpha) / ONNX Elu
    {K::ReLU6OrMax, 6.0},                     // relu6 / Clip(0, 6)
    {K::HardSigmoid, 0.25, 0.375},            // ONNX HardSigmoid(alpha, beta)
    {K::Sigmoid},                             // the table kernel shared with the above
    {K::Tanh},
};

TEST(HlsActivationKinds, CsimEqualsEmulatorIoParallel) {
  std::mt19937 rng(5);
  const ir::Graph g = Chain(kSteps, 1024);
  ExpectCsimMatchesEmulator(g, RandomInput(40, 8, rng, 3.0), "acts_parallel", ir::IOType::Parallel);
}

TEST(HlsActivationKinds, CsimEqualsEmulatorIoStream) {
  std::mt19937 rng(6);
  const ir::Graph g = Chain(kSteps, 512);  // another table size: the index arithmetic scales with it
  ExpectCsimMatchesEmulator(g, RandomInput(40, 8, rng, 3.0), "acts_stream", ir::IOType::Stream);
}

/// input(8) -> [Dense(8, 8) whose result type has an LSB above 1 (negative
/// fractional bits) -> table activation] for each table kind. hls4ml's index
/// `x * N / D` divides in that type: the vendor's quotient keeps the
/// dividend's LSB, so the word is truncated before it is scaled (emu
/// ScaledIndex); with N = 1000 or 100 most words land between two indices.
ir::Graph CoarseInputTables(int table_size, int res_w, int res_i, Family fam) {
  auto T = [fam](int w, int i, bool s = true) { return FixedType(w, i, s, Quant::TRN, Overflow::WRAP, fam); };
  std::mt19937 rng(17);
  ir::Graph g = StartGraph("coarse", 8, T(12, 5));
  const K kinds[] = {K::Sigmoid, K::Tanh, K::Softplus, K::Softsign, K::ELU, K::SELU};
  std::string cur = "input_1";
  for (int k = 0; k < 6; ++k) {
    const std::string d = "fc" + std::to_string(k), a = "act" + std::to_string(k);
    AddDense(g, d, cur, 8, 8, T(8, 5), T(6, 3), T(24, 12), FixedType(res_w, res_i, true, Quant::TRN, Overflow::SAT, fam),
             rng);
    for (double& v : g.layers.back().params["weight"].values) v *= 6;  // sums over the coarse range
    AddAct(g, a, d + "_out", 8, kinds[k], T(18, 8), kinds[k] == K::SELU ? kSeluAlpha : 1.0);
    ir::Layer& l = g.layers.back();
    if (kinds[k] == K::SELU) l.beta = kSeluScale;
    l.config.table_size = table_size;
    l.config.precision["table"].type = T(18, 8);
    cur = a + "_out";
  }
  g.outputs = {cur};
  return g;
}

TEST(HlsActivationKinds, TableIndexOfCoarseInputsEqualsEmulator) {
  std::mt19937 rng(8);
  const NDArray x = RandomInput(64, 8, rng, 4.0);
  for (const Family fam : {Family::AP, Family::AC})
    for (const auto& [w, i, n] : {std::tuple{4, 5, 1000}, std::tuple{4, 6, 100}}) {
      const ir::Graph g = CoarseInputTables(n, w, i, fam);
      const auto trace = hlsforge::emu::Trace(g, x);
      ASSERT_TRUE(trace.ok()) << trace.status().message();
      for (int k = 0; k < 6; ++k) {  // each table sees several coarse words, not one constant
        const NDArray& fc = trace->at("fc" + std::to_string(k));
        EXPECT_GE(std::set<double>(fc.data.begin(), fc.data.end()).size(), 4u) << "fc" << k;
      }
      ExpectCsimMatchesEmulator(g, x,
                                std::string(fam == Family::AC ? "coarse_ac_" : "coarse_ap_") + std::to_string(n),
                                ir::IOType::Parallel);
    }
}

TEST(HlsActivationKinds, ConstantsAreFixedPointWords) {
  const ir::Graph g = Chain(kSteps, 1024);
  backends::HlsOptions opt;
  opt.warn = [](const std::string&) {};
  const fs::path dir = TmpDir("acts_words");
  ASSERT_TRUE(backends::WriteHlsProject(g, opt, dir.string()).ok());
  std::stringstream ss;
  for (const char* f : {"firmware/myproject.cpp", "firmware/parameters.h", "firmware/defines.h"})
    ss << std::ifstream(dir / f).rdbuf();
  const std::string fw = ss.str();
  const std::string code = std::regex_replace(fw, std::regex("//[^\n]*"), "");  // comments may say anything
  EXPECT_FALSE(std::regex_search(code, std::regex(R"(\b(float|double)\b)"))) << "floating point in the firmware";
  // hard_sigmoid's slope: float32(0.2) = 13421773 * 2^-26 held exactly by its param_t
  EXPECT_NE(fw.find("0.20000000298023224"), std::string::npos);
  EXPECT_NE(fw.find("nnet::selu<"), std::string::npos);
  EXPECT_NE(fw.find("nnet::prelu<"), std::string::npos);
  EXPECT_NE(fw.find("selu_alpha_m"), std::string::npos);
  fs::remove_all(dir);
}

}  // namespace
