// Bit-exactness of the emulator against hls4ml's C simulation, with the
// graph typed exactly as the reference firmware declares it
// (firmware_graph.h): all 1000 rows of input_normal and input_uniform4, and
// every traced layer of trace_normal_first100.npz. Every compared tensor must
// vary (golden_distinct.h), except the known stable-softmax constant 1/N,
// asserted constant.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <ctime>

#include "firmware_graph.h"
#include "golden_distinct.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/util/ndarray.h"
#include "test_data.h"

namespace hlsforge::emu {
namespace {

const std::string kGolden = hlsforge::test_data::Root() + "/golden/hls4ml/";

// Counts elements whose float32 values differ.
int64_t Mismatches(const NDArray& got, const NDArray& want, int64_t rows, std::string* first) {
  int64_t bad = 0;
  const int64_t cols = want.row_size();
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      const float g = static_cast<float>(got.data[r * cols + c]);
      const float w = static_cast<float>(want.data[r * cols + c]);
      if (g != w) {
        if (bad == 0 && first)
          *first = "row " + std::to_string(r) + " col " + std::to_string(c) + ": got " + std::to_string(g) +
                   " want " + std::to_string(w);
        ++bad;
      }
    }
  return bad;
}

class GoldenFirmware : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenFirmware, OutputsAndTracesBitExact) {
  const std::string dir = kGolden + GetParam();
  ir::Graph g = testing::GraphFromFirmware(dir);
  // The stable softmax's inp_norm_t must come out of the default rule
  // (ap_ufixed<W-1,I-1> of the input), not from the firmware text.
  for (ir::Layer& l : g.layers)
    if (l.kind == ir::LayerKind::Softmax && l.config.softmax_impl == ir::SoftmaxImpl::Stable)
      l.config.precision.erase("inp_norm");
  for (const std::string set : {"normal", "uniform4"}) {
    auto in = ReadNpy(dir + "/input_" + set + ".npy");
    ASSERT_TRUE(in.ok()) << in.status().message();
    auto want = ReadNpy(dir + "/output_hls4ml_" + set + ".npy");
    ASSERT_TRUE(want.ok()) << want.status().message();
    auto got = Predict(g, *in);
    ASSERT_TRUE(got.ok()) << got.status().message();
    ASSERT_EQ(got->size(), want->size());
    std::string first;
    const int64_t bad = Mismatches(*got, *want, want->rows(), &first);
    EXPECT_EQ(bad, 0) << GetParam() << " " << set << ": " << bad << " mismatching values; first " << first;
    golden::ExpectOutputVaries(GetParam(), *got, GetParam() + " " + set + " output");
    std::cout << "[golden] " << GetParam() << " " << set << ": " << want->rows() << " rows, " << bad
              << " mismatches\n";
  }
  const std::string npz = dir + "/trace_normal_first100.npz";
  auto keys = ListNpz(npz);
  if (!keys.ok()) GTEST_SKIP() << "no trace: " << keys.status().message();
  auto in = ReadNpy(dir + "/input_normal.npy");
  ASSERT_TRUE(in.ok());
  NDArray first100{{100, in->row_size()},
                   std::vector<double>(in->data.begin(), in->data.begin() + 100 * in->row_size())};
  auto tr = Trace(g, first100);
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  int checked = 0;
  for (const std::string& k : *keys) {
    auto want = ReadNpz(npz, k);
    ASSERT_TRUE(want.ok());
    auto it = tr->find(k);
    ASSERT_NE(it, tr->end()) << "trace key " << k << " has no layer";
    std::string first;
    EXPECT_EQ(Mismatches(it->second, *want, 100, &first), 0) << GetParam() << " layer " << k << ": " << first;
    const ir::Layer* l = g.FindLayer(k);
    golden::ExpectLayerVaries(GetParam(), k, l && l->kind == ir::LayerKind::Softmax, it->second,
                              GetParam() + " trace " + k);
    ++checked;
  }
  std::cout << "[golden] " << GetParam() << " trace: " << checked << " layers x 100 rows\n";
  EXPECT_GT(checked, 0) << GetParam() << ": the trace compared no layer";
}

INSTANTIATE_TEST_SUITE_P(Models, GoldenFirmware,
                         ::testing::Values("two_layer_keras", "three_layer_keras", "three_layer_keras/legacy_softmax",
                                           "three_layer_pytorch", "dense_big_keras", "qkeras_jettagging"),
                         [](const auto& info) {
                           std::string s = info.param;
                           for (char& c : s)
                             if (c == '/') c = '_';
                           return s;
                         });

}  // namespace
}  // namespace hlsforge::emu

namespace hlsforge::emu {
namespace {

// Throughput of the jet tagger 16-64-32-32-5 at ap_fixed<16,6> (bench target:
// > 1e6 samples/s on 2 cores; bit-exact / float ratio > 0.25). The rates are
// printed, not asserted (the build machine is shared); the results are
// asserted: the 200,000 bit-exact rows equal the reference hls4ml output of
// their 1,000 distinct rows (which is the stable-softmax constant 1/N), the
// last hidden layer's outputs (Dense_MatMul_3, traced on 1,000 rows) vary, and
// the float rows equal the float reference to 1e-4 and vary.
TEST(EmulatorThroughput, JetTagger) {
  const std::string dir = kGolden + "three_layer_keras";
  ir::Graph g = testing::GraphFromFirmware(dir);
  auto in = ReadNpy(dir + "/input_normal.npy");
  ASSERT_TRUE(in.ok());
  NDArray big;
  const int64_t reps = 200;
  big.shape = {in->rows() * reps, in->row_size()};
  for (int64_t r = 0; r < reps; ++r) big.data.insert(big.data.end(), in->data.begin(), in->data.end());
  // Rate per CPU-second of the process (independent of the machine's load)
  // and per wall-clock second.
  double cpu_rate = 0;
  NDArray last;
  auto rate = [&](const Options& o) {
    auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    auto y = Predict(g, big, o);
    const std::clock_t c1 = std::clock();
    auto t1 = std::chrono::steady_clock::now();
    EXPECT_TRUE(y.ok()) << y.status().message();
    if (y.ok()) last = std::move(y).value();
    cpu_rate = static_cast<double>(big.rows()) / (static_cast<double>(c1 - c0) / CLOCKS_PER_SEC);
    return static_cast<double>(big.rows()) / std::chrono::duration<double>(t1 - t0).count();
  };
  Options exact, flt;
  exact.threads = 2;
  flt.threads = 2;
  flt.float_mode = true;
  rate(exact);  // warm-up
  const double e = rate(exact);
  const double e_cpu = cpu_rate;
  auto want = ReadNpy(dir + "/output_hls4ml_normal.npy");
  ASSERT_TRUE(want.ok());
  ASSERT_EQ(last.data.size(), want->data.size() * reps);
  int64_t bad = 0;
  for (size_t i = 0; i < last.data.size(); ++i)
    bad += static_cast<float>(last.data[i]) != static_cast<float>(want->data[i % want->data.size()]);
  EXPECT_EQ(bad, 0) << "bit-exact rows differ from the reference hls4ml output";
  auto tr = Trace(g, *in);
  ASSERT_TRUE(tr.ok()) << tr.status().message();
  hlsforge::testing::ExpectVarying(tr->at("Dense_MatMul_3"), 1000, "jet tagger Dense_MatMul_3 on 1,000 rows");
  const double f = rate(flt);
  const double f_cpu = cpu_rate;
  auto fref = ReadNpy(dir + "/output_float_normal.npy");
  ASSERT_TRUE(fref.ok());
  ASSERT_EQ(last.data.size(), fref->data.size() * reps);
  double worst = 0;
  for (size_t i = 0; i < last.data.size(); ++i)
    worst = std::max(worst, std::fabs(last.data[i] - fref->data[i % fref->data.size()]));
  EXPECT_LT(worst, 1e-4) << "float rows vs the float reference";
  hlsforge::testing::ExpectVarying(last, 4000, "jet tagger float outputs");
  std::cout << "[throughput] jet tagger 16-64-32-32-5 <16,6>, 2 threads: bit-exact " << e << " samples/s wall ("
            << e_cpu << " per CPU-second), float " << f << " samples/s wall (" << f_cpu
            << " per CPU-second), ratio " << e_cpu / f_cpu << "\n";
}

}  // namespace
}  // namespace hlsforge::emu
