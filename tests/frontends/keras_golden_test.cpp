// Keras frontend against the independent float references in
// ../shared/golden/keras/<model>/: the emulator's float mode on the loaded
// graph must equal output_float.npy (1,000 rows) to 1e-5 relative, and every
// layer output of trace.npz (first 10 rows) whose key names an IR layer.
// Trace keys: "<layer>" is a Keras layer's output, "<layer>:preact" the
// output before its fused activation (our Dense layer; the activation is the
// separate layer "<layer>_<activation>").
#include <gtest/gtest.h>

#include <cmath>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/frontends/keras_frontend.h"
#include "hlsforge/util/ndarray.h"
#include "test_data.h"

using hlsforge::NDArray;

namespace {

struct Case {
  const char* golden;
  const char* model;
  const char* weights;
};

const std::string kShared = hlsforge::test_data::Root();

void ExpectClose(const NDArray& got, const NDArray& want, int64_t rows, const std::string& what) {
  ASSERT_EQ(got.row_size(), want.row_size()) << what;
  ASSERT_GE(got.rows(), rows) << what;
  ASSERT_GE(want.rows(), rows) << what;
  const int64_t n = rows * want.row_size();
  int bad = 0;
  double worst = 0;
  for (int64_t i = 0; i < n; ++i) {
    double a = got.data[i], b = want.data[i];
    double err = std::fabs(a - b);
    if (err > 1e-5 * std::fabs(b) + 1e-12) {
      if (bad++ < 5)
        ADD_FAILURE() << what << ": element " << i << " (row " << i / want.row_size() << ") got " << a
                      << " want " << b;
    }
    worst = std::max(worst, err / std::max(std::fabs(b), 1e-12));
  }
  EXPECT_EQ(bad, 0) << what << ": " << bad << " elements off; worst relative error " << worst;
}

class KerasGolden : public ::testing::TestWithParam<Case> {};

TEST_P(KerasGolden, FloatOutputAndTrace) {
  const Case& c = GetParam();
  const std::string dir = kShared + "/golden/keras/" + c.golden + "/";
  auto g = hlsforge::frontends::LoadKeras(kShared + "/models/keras/" + c.model,
                                          c.weights[0] ? kShared + "/models/keras/" + c.weights : "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto in = hlsforge::ReadNpy(dir + "input.npy");
  auto want = hlsforge::ReadNpy(dir + "output_float.npy");
  ASSERT_TRUE(in.ok()) << in.status().message();
  ASSERT_TRUE(want.ok()) << want.status().message();
  hlsforge::emu::Options opt;
  opt.float_mode = true;
  auto got = hlsforge::emu::Predict(*g, *in, opt);
  ASSERT_TRUE(got.ok()) << got.status().message();
  ASSERT_EQ(got->rows(), want->rows());
  ExpectClose(*got, *want, want->rows(), std::string(c.golden) + " output");

  // hidden layers
  auto keys = hlsforge::ListNpz(dir + "trace.npz");
  ASSERT_TRUE(keys.ok()) << keys.status().message();
  auto trace = hlsforge::emu::Trace(*g, *in, opt);
  ASSERT_TRUE(trace.ok()) << trace.status().message();
  int compared = 0;
  for (const std::string& key : *keys) {
    std::string layer;
    const std::string pre = ":preact";
    if (key.size() > pre.size() && key.compare(key.size() - pre.size(), pre.size(), pre) == 0) {
      layer = key.substr(0, key.size() - pre.size());  // our Dense layer
    } else {
      layer = key;
      // a Dense with a fused activation: the Keras output is our "<key>_<act>" layer
      for (const auto& l : g->layers)
        if (l.inputs.size() == 1 && l.inputs[0] == key && l.name.rfind(key + "_", 0) == 0) layer = l.name;
    }
    auto it = trace->find(layer);
    if (it == trace->end())  // an identity layer (Dropout): alias of its producer
      if (const hlsforge::ir::Layer* al = g->FindLayer(key)) it = trace->find(al->name);
    if (it == trace->end()) continue;
    auto ref = hlsforge::ReadNpz(dir + "trace.npz", key);
    ASSERT_TRUE(ref.ok()) << ref.status().message();
    ExpectClose(it->second, *ref, ref->rows(), std::string(c.golden) + " trace '" + key + "' vs layer " + layer);
    ++compared;
  }
  EXPECT_EQ(compared, static_cast<int>(keys->size())) << "every trace key should map to an IR layer";
}

INSTANTIATE_TEST_SUITE_P(
    Models, KerasGolden,
    ::testing::Values(Case{"KERAS_1layer", "KERAS_1layer.json", "KERAS_1layer_weights.h5"},
                      Case{"KERAS_3layer", "KERAS_3layer.json", "KERAS_3layer_weights.h5"},
                      Case{"KERAS_3layer_70pruned_retrained", "KERAS_3layer.json",
                           "KERAS_3layer_70pruned_retrained_weights.h5"},
                      Case{"KERAS_3layer_binary_smaller", "KERAS_3layer_binary_smaller.json",
                           "KERAS_3layer_binary_smaller_weights.h5"},
                      Case{"KERAS_3layer_ternary_small", "KERAS_3layer_ternary_small.json",
                           "KERAS_3layer_ternary_small_weights.h5"},
                      Case{"qkeras_3layer", "qkeras_3layer.json", "qkeras_3layer_weights.h5"},
                      Case{"qkeras-v3_3layer", "qkeras-v3_3layer.keras", ""},
                      Case{"KERAS_conv1d_small", "KERAS_conv1d_small.json", "KERAS_conv1d_small_weights.h5"},
                      Case{"KERAS_conv2d_model", "KERAS_conv2d_model.json", "KERAS_conv2d_model_weights.h5"}),
    [](const ::testing::TestParamInfo<Case>& i) {
      std::string n = i.param.golden;
      for (char& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

}  // namespace
