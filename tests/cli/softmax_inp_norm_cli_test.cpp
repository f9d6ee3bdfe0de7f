// The stable softmax's exp table is indexed by the top bits of inp_norm_t.
// hls4ml derives it from the input type; after the jet tagger's auto-typed
// Dense (fixed<38,18>) its bins are 256 wide and every output is the constant
// 1/5 (hls4ml does the same; the HLS writer warns). The default config (what
// `hlsforge config` writes) says `inp_norm: auto`, chosen from the input's
// range: a useful softmax. A config may set `inp_norm` (LayerName/LayerType
// Precision key) and is then honoured by the emulator and the HLS writer;
// without the key hls4ml's derived type stays (the golden configs rely on it).
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "cli_test_util.h"
#include "hlsforge/util/ndarray.h"

using namespace hlsforge;
using namespace hlsforge::cli_test;

TEST(SoftmaxInpNormCli, DefaultAndExplicitInpNormMakeTheJetTaggerUsable) {
  TempDir t("inpnorm");
  const std::string model = Shared("models/onnx/three_layer_keras.onnx");
  const std::string x = Shared("golden/hls4ml/three_layer_keras/input_normal.npy");
  auto r = RunCli({"config", model});
  ASSERT_EQ(r.status, 0) << r.err;
  std::string cfg = r.out;
  const std::string anchor = "      inp_norm: auto\n";
  ASSERT_NE(cfg.find(anchor), std::string::npos) << cfg;
  {
    std::ofstream(t / "auto.yml") << cfg;
    std::string fixed = cfg, hls4ml = cfg;
    fixed.replace(fixed.find(anchor), anchor.size(), "      inp_norm: ufixed<16,4,RND,SAT>\n");
    std::ofstream(t / "fixed.yml") << fixed;
    hls4ml.erase(hls4ml.find(anchor), anchor.size());  // an hls4ml config: no inp_norm key,
    const std::string table = "TableSize: 4096";            // and hls4ml's softmax table size
    ASSERT_NE(hls4ml.find(table), std::string::npos) << hls4ml;
    hls4ml.replace(hls4ml.find(table), table.size(), "TableSize: 1024");
    std::ofstream(t / "hls4ml.yml") << hls4ml;
  }
  auto argmax_agreement = [&](const std::string& cfg_file, size_t* distinct) {
    auto q = RunCli({"predict", model, "-c", cfg_file, "-i", x, "-o", t / "q.npy"});
    EXPECT_EQ(q.status, 0) << q.err;
    auto f = RunCli({"predict", model, "-i", x, "-o", t / "f.npy", "--float"});
    EXPECT_EQ(f.status, 0) << f.err;
    auto yq = ReadNpy(t / "q.npy");
    auto yf = ReadNpy(t / "f.npy");
    if (!yq.ok() || !yf.ok()) return 0.0;
    *distinct = std::set<double>(yq->data.begin(), yq->data.end()).size();
    const int64_t rows = yq->rows(), n = yq->row_size();
    int64_t agree = 0;
    for (int64_t i = 0; i < rows; ++i) {
      int64_t aq = 0, af = 0;
      for (int64_t j = 1; j < n; ++j) {
        if (yq->data[i * n + j] > yq->data[i * n + aq]) aq = j;
        if (yf->data[i * n + j] > yf->data[i * n + af]) af = j;
      }
      agree += aq == af;
    }
    return static_cast<double>(agree) / rows;
  };
  size_t distinct = 0;
  argmax_agreement(t / "hls4ml.yml", &distinct);
  EXPECT_EQ(distinct, 1u);  // hls4ml's derived inp_norm_t: the constant 1/5
  EXPECT_GE(argmax_agreement(t / "fixed.yml", &distinct), 0.98);
  EXPECT_GT(distinct, 20u);
  EXPECT_GE(argmax_agreement(t / "auto.yml", &distinct), 0.99);  // the default config
  EXPECT_GT(distinct, 20u);
}
