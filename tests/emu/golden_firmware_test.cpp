// Bit-exactness of the emulator against hls4ml's C simulation, with the
// graph typed exactly as the reference firmware declares it
// (firmware_graph.h): all 1000 rows of input_normal and input_uniform4, and
// every traced layer of trace_normal_first100.npz.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <ctime>

#include "firmware_graph.h"
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
    ++checked;
  }
  std::cout << "[golden] " << GetParam() << " trace: " << checked << " layers x 100 rows\n";
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

// Throughput of the jet tagger 16-64-32-32-5 at ap_fixed<16,6> (target
// of the bench: > 1e6 samples/s on 2 cores; bit-exact / float ratio > 0.25).
// Printed, not asserted: the build machine is shared.
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
  auto rate = [&](const Options& o) {
    auto t0 = std::chrono::steady_clock::now();
    const std::clock_t c0 = std::clock();
    auto y = Predict(g, big, o);
    const std::clock_t c1 = std::clock();
    auto t1 = std::chrono::steady_clock::now();
    EXPECT_TRUE(y.ok());
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
  const double f = rate(flt);
  const double f_cpu = cpu_rate;
  std::cout << "[throughput] jet tagger 16-64-32-32-5 <16,6>, 2 threads: bit-exact " << e << " samples/s wall ("
            << e_cpu << " per CPU-second), float " << f << " samples/s wall (" << f_cpu
            << " per CPU-second), ratio " << e_cpu / f_cpu << "\n";
}

}  // namespace
}  // namespace hlsforge::emu
