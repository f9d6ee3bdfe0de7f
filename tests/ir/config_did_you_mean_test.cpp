// Unknown config keys: a likely typo of a key the reader knows (edit
// distance <= 2 and <= a third of its length) is an error with a "did you
// mean" suggestion; a key far from every known one is ignored (hls4ml
// configs carry other tools' keys). LayerName keys naming no layer suggest
// the closest layer or alias.
#include <gtest/gtest.h>

#include "hlsforge/ir/config.h"

namespace hlsforge::ir {
namespace {

void ExpectFailure(const std::string& yaml, const std::string& needle) {
  auto c = ParseConfig(yaml, "c.yml");
  ASSERT_FALSE(c.ok()) << yaml;
  EXPECT_NE(c.status().message().find(needle), std::string::npos) << c.status().message();
}

TEST(ConfigDidYouMean, TyposOfKnownKeysAreErrors) {
  ExpectFailure("Model:\n  Precision: fixed<16,6>\n  ReuseFactr: 4\n",
                "c.yml: Model: unknown key 'ReuseFactr' (did you mean 'ReuseFactor'?)");
  ExpectFailure("Model:\n  Precision: fixed<16,6>\n  strategy: Latency\n", "did you mean 'Strategy'?");
  ExpectFailure("Model:\n  Precision: fixed<16,6>\nLayerName:\n  fc1:\n    TabelSize: 64\n",
                "LayerName.fc1: unknown key 'TabelSize' (did you mean 'TableSize'?)");
  ExpectFailure("Modle:\n  Precision: fixed<16,6>\n", "unknown key 'Modle' (did you mean 'Model'?)");
  ExpectFailure("Model:\n  Precision: fixed<16,6>\nLayerNames:\n  fc1:\n    Trace: true\n", "did you mean 'LayerName'?");
}

TEST(ConfigDidYouMean, FarKeysAreIgnored) {
  for (const char* yaml : {"Model:\n  Precision: fixed<16,6>\n  SomethingElse: 1\n",
                           "Model:\n  Precision: fixed<16,6>\nLayerName:\n  fc1:\n    ConvImplementation: LineBuffer\n",
                           "Model:\n  Precision: fixed<16,6>\nFlows: []\n"}) {
    auto c = ParseConfig(yaml, "c.yml");
    EXPECT_TRUE(c.ok()) << yaml << ": " << c.status().message();
  }
}

TEST(ConfigDidYouMean, LayerNameSuggestsTheClosestLayer) {
  Graph g;
  g.name = "m";
  for (const char* n : {"dense_1", "dense_2", "relu_1"}) {
    Layer l;
    l.name = n;
    g.layers.push_back(l);
  }
  g.layers[0].aliases = {"MatMul_0"};
  auto run = [&](const std::string& key) {
    auto c = ParseConfig("Model:\n  Precision: fixed<16,6>\nLayerName:\n  " + key + ":\n    ReuseFactor: 2\n", "c.yml");
    EXPECT_TRUE(c.ok());
    Graph copy = g;
    return ApplyConfig(*c, copy);
  };
  Status a = run("dense_3");
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.message().find("'dense_3' names no layer or alias of model 'm' (did you mean 'dense_1'?)"), std::string::npos)
      << a.message();
  Status b = run("MatMul_9");
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.message().find("did you mean 'MatMul_0'?"), std::string::npos) << b.message();
  Status c = run("conv2d_7");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message().find("did you mean"), std::string::npos) << c.message();
}

}  // namespace
}  // namespace hlsforge::ir
