// Tests of the hls4ml-layout YAML config (src/ir/config.cpp).
#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <fstream>

#include "hlsforge/ir/config.h"
#include "test_data.h"

using namespace hlsforge;
using namespace hlsforge::ir;

namespace {

// Input(10) -> Dense "MatMul_0" (aliases like the ONNX frontend) -> Relu_0 -> Softmax_0
Graph SmallGraph() {
  Graph g;
  g.name = "small";
  g.source_path = "small.onnx";
  g.inputs = {"global_in"};
  g.outputs = {"out"};
  for (auto [n, s] : std::vector<std::pair<std::string, int64_t>>{{"global_in", 10}, {"d", 4}, {"r", 4}, {"out", 4}})
    g.tensors[n] = Tensor{n, {s}, std::nullopt};
  Layer in;
  in.name = "global_in";
  in.kind = LayerKind::Input;
  in.output = "global_in";
  Layer d;
  d.name = "MatMul_0";
  d.kind = LayerKind::Dense;
  d.inputs = {"global_in"};
  d.output = "d";
  d.aliases = {"Add_0", "MatMul_0_param0", "Add_0_param0", "Dense_MatMul_0"};
  d.alias_param = {{"MatMul_0_param0", "weight"}, {"Add_0_param0", "bias"}};
  d.params["weight"] = Param{{10, 4}, std::vector<double>(40, 0.5), std::nullopt, false};
  d.params["bias"] = Param{{4}, std::vector<double>(4, 0.25), std::nullopt, false};
  Layer r;
  r.name = "Relu_0";
  r.kind = LayerKind::Activation;
  r.activation = ActivationKind::ReLU;
  r.inputs = {"d"};
  r.output = "r";
  Layer s;
  s.name = "Softmax_0";
  s.kind = LayerKind::Softmax;
  s.inputs = {"r"};
  s.output = "out";
  g.layers = {in, d, r, s};
  return g;
}

std::string P(const Layer* l, const std::string& k) {
  auto it = l->config.precision.find(k);
  if (it == l->config.precision.end()) return "<missing>";
  return it->second.type ? it->second.type->ToString() : "auto";
}

Status Apply(const std::string& yaml, Graph& g) {
  auto cfg = ParseConfig(yaml, "cfg.yml");
  if (!cfg.ok()) return cfg.status();
  return ApplyConfig(*cfg, g);
}

}  // namespace

TEST(Config, DefaultConfigGivesModelDefaultEverywhere) {
  Graph g = SmallGraph();
  ASSERT_TRUE(ApplyConfig(DefaultConfig(), g).ok());
  const Layer* d = g.FindLayer("MatMul_0");
  EXPECT_EQ(P(d, "accum"), "ap_fixed<16,6>");
  EXPECT_EQ(P(d, "weight"), "ap_fixed<16,6>");
  EXPECT_EQ(P(d, "result"), "ap_fixed<16,6>");
  EXPECT_EQ(d->config.reuse_factor, 1);
  const Layer* s = g.FindLayer("Softmax_0");
  EXPECT_EQ(P(s, "exp_table"), "ap_fixed<18,8,AP_RND,AP_SAT>");
  EXPECT_EQ(P(s, "table"), "ap_fixed<18,8>");
  EXPECT_EQ(P(g.FindLayer("Relu_0"), "table"), "ap_fixed<18,8>");
}

TEST(Config, PrecedenceNameOverTypeOverModel) {
  Graph g = SmallGraph();
  Status st = Apply(R"(
Model:
  Precision: fixed<12,4>
  ReuseFactor: 2
  Strategy: Resource
  BramFactor: 1000000000
  TraceOutput: true
LayerType:
  Dense:
    Precision: {weight: "fixed<8,2>", result: auto}
    ReuseFactor: 4
  Activation:
    Precision: ufixed<10,3>
LayerName:
  MatMul_0:
    Precision: {accum: "ap_fixed<30,10,AP_RND,AP_SAT>"}
  Relu_0:
    Precision: {result: auto, table: "fixed<20,10>"}
    TableSize: 2048
    Trace: false
  Softmax_0:
    Implementation: legacy
    Skip: true
)", g);
  ASSERT_TRUE(st.ok()) << st.message();
  const Layer* d = g.FindLayer("Dense_MatMul_0");
  EXPECT_EQ(P(d, "accum"), "ap_fixed<30,10,AP_RND,AP_SAT>");
  EXPECT_EQ(P(d, "weight"), "ap_fixed<8,2>");
  EXPECT_EQ(P(d, "result"), "auto");
  EXPECT_EQ(P(d, "bias"), "ap_fixed<12,4>");
  EXPECT_EQ(P(d, "default"), "ap_fixed<12,4>");
  EXPECT_EQ(d->config.reuse_factor, 4);
  EXPECT_EQ(d->config.strategy, Strategy::Resource);
  EXPECT_TRUE(d->config.trace);
  ASSERT_TRUE(d->param("weight")->type.has_value());
  EXPECT_EQ(d->param("weight")->type->ToString(), "ap_fixed<8,2>");
  const Layer* r = g.FindLayer("Relu_0");
  EXPECT_EQ(P(r, "result"), "auto");
  EXPECT_EQ(P(r, "table"), "ap_fixed<20,10>");
  EXPECT_EQ(r->config.table_size, 2048);
  EXPECT_FALSE(r->config.trace);
  const Layer* s = g.FindLayer("Softmax_0");
  EXPECT_EQ(s->config.softmax_impl, SoftmaxImpl::Legacy);
  EXPECT_TRUE(s->config.softmax_skip);
  EXPECT_EQ(s->config.reuse_factor, 2);
}

TEST(Config, ConstantAliasSetsParamPrecision) {
  Graph g = SmallGraph();
  ASSERT_TRUE(Apply(R"(
Model: {Precision: {default: "fixed<16,6>"}}
LayerName:
  MatMul_0_param0: {Precision: {result: "fixed<6,1>"}}
  Add_0_param0: {Precision: {result: auto}}
  Add_0: {Precision: {result: auto}}
  MatMul_0: {Precision: {result: auto, accum: auto}}
)", g).ok());
  const Layer* d = g.FindLayer("MatMul_0");
  EXPECT_EQ(P(d, "weight"), "ap_fixed<6,1>");
  EXPECT_EQ(P(d, "bias"), "auto");
  EXPECT_EQ(P(d, "accum"), "auto");
  EXPECT_EQ(P(d, "result"), "auto");
}

TEST(Config, QuantizerFixedParamIsNotOverridden) {
  Graph g = SmallGraph();
  Param& w = g.layers[1].params["weight"];
  w.type = FixedType(6, 1, true, Quant::RND_CONV, Overflow::SAT);
  w.type_from_quantizer = true;
  ASSERT_TRUE(Apply("Model: {Precision: 'fixed<16,6>'}\nLayerName: {MatMul_0: {Precision: {weight: 'fixed<4,2>'}}}\n", g).ok());
  EXPECT_EQ(P(g.FindLayer("MatMul_0"), "weight"), "ap_fixed<6,1,AP_RND_CONV,AP_SAT>");
  EXPECT_EQ(g.layers[1].params["weight"].type->ToString(), "ap_fixed<6,1,AP_RND_CONV,AP_SAT>");
}

TEST(Config, WrittenConfigWithHLSConfigAndAnchors) {
  Graph g = SmallGraph();
  Status st = Apply(R"(
Backend: Vitis
IOType: io_parallel
HLSConfig:
  LayerName:
    Dense_MatMul_0:
      Precision: &id1
        accum: auto
        result: auto
    MatMul_0:
      Precision: *id1
  Model:
    Precision: {default: "fixed<16,6>"}
)", g);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(P(g.FindLayer("MatMul_0"), "accum"), "auto");
}

TEST(ConfigErrors, MalformedYamlNamesFile) {
  auto r = ParseConfig("Model: {Precision: [\n", "broken.yml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("broken.yml"), std::string::npos) << r.status().message();
}

TEST(ConfigErrors, MissingFileNamesFile) {
  auto r = LoadConfig("/nonexistent/dir/c.yml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/dir/c.yml"), std::string::npos);
}

TEST(ConfigErrors, BadPrecisionNamesKeyAndText) {
  auto r = ParseConfig("LayerName:\n  Relu_0:\n    Precision:\n      table: fixed<18,x>\n", "c.yml");
  ASSERT_FALSE(r.ok());
  const std::string m = r.status().message();
  EXPECT_NE(m.find("c.yml"), std::string::npos) << m;
  EXPECT_NE(m.find("LayerName.Relu_0.Precision.table"), std::string::npos) << m;
  EXPECT_NE(m.find("fixed<18,x>"), std::string::npos) << m;
  auto r2 = ParseConfig("Model:\n  Precision: fixed<100,6>\n", "c.yml");
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("Model.Precision"), std::string::npos) << r2.status().message();
}

TEST(ConfigErrors, UnknownLayerNameNamesKey) {
  Graph g = SmallGraph();
  Status st = Apply("LayerName:\n  Dense_7:\n    ReuseFactor: 2\n", g);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("'Dense_7'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("cfg.yml"), std::string::npos) << st.message();
}

TEST(ConfigErrors, NonPositiveReuseFactor) {
  for (const char* v : {"0", "-3", "abc"}) {
    auto r = ParseConfig(std::string("LayerName:\n  MatMul_0:\n    ReuseFactor: ") + v + "\n", "c.yml");
    ASSERT_FALSE(r.ok()) << v;
    EXPECT_NE(r.status().message().find("LayerName.MatMul_0.ReuseFactor"), std::string::npos)
        << r.status().message();
  }
  EXPECT_FALSE(ParseConfig("Model: {ReuseFactor: 0}\n", "c.yml").ok());
}

TEST(ConfigErrors, UnknownStrategyAndImplementation) {
  auto r = ParseConfig("Model:\n  Strategy: Fastest\n", "c.yml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Fastest"), std::string::npos);
  EXPECT_NE(r.status().message().find("Model.Strategy"), std::string::npos);
  auto r2 = ParseConfig("LayerName: {Softmax_0: {Implementation: magic}}\n", "c.yml");
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("magic"), std::string::npos);
  EXPECT_FALSE(ParseConfig("Model: {Precision: {default: auto}}\n", "c.yml").ok());
}

TEST(Config, GenerateConfigRoundTrips) {
  for (const char* gran : {"model", "type", "name"}) {
    Graph g = SmallGraph();
    ASSERT_TRUE(Apply(R"(
Model: {Precision: "fixed<16,6>", ReuseFactor: 1}
LayerName:
  MatMul_0: {Precision: {accum: auto, weight: "fixed<8,3>"}, ReuseFactor: 2}
  Relu_0: {TableSize: 512}
  Softmax_0: {TableSize: 2048}
)", g).ok());
    auto text = GenerateConfig(g, gran);
    ASSERT_TRUE(text.ok()) << text.status().message();
    Graph g2 = SmallGraph();
    Status st = Apply(*text, g2);
    ASSERT_TRUE(st.ok()) << gran << ": " << st.message() << "\n" << *text;
    if (std::string(gran) == "name") {
      for (size_t i = 0; i < g.layers.size(); ++i) {
        EXPECT_EQ(g.layers[i].config.reuse_factor, g2.layers[i].config.reuse_factor);
        EXPECT_EQ(g.layers[i].config.table_size, g2.layers[i].config.table_size);
        for (const auto& [slot, p] : g.layers[i].config.precision) {
          const std::string k = ir::SlotKey(slot);
          EXPECT_EQ(P(&g.layers[i], k), P(&g2.layers[i], k)) << g.layers[i].name << " " << k;
        }
      }
    }
  }
  EXPECT_FALSE(GenerateConfig(SmallGraph(), "layer").ok());
}

TEST(Config, GoldenInputConfigsParse) {
  for (const char* m : {"two_layer_keras", "three_layer_keras", "TFC_2W2A", "qkeras_jettagging",
                        "bnn_model_fc_1layer"}) {
    for (const char* f : {"hls4ml_config_input.yml", "hls4ml_config_written.yml"}) {
      const std::string path = hlsforge::test_data::Root() + "/golden/hls4ml/" + m + "/" + f;
      auto c = LoadConfig(path);
      EXPECT_TRUE(c.ok()) << c.status().message();
    }
  }
}

// ---- ParallelizationFactor (conv/pooling) -----------------------------------------

namespace {

// Input [8,8,1] -> Conv_0 (3x3, 1 -> 2, same) -> Conv_1 (1x1, 2 -> 2) -> pool_0 (2x2 max)
// -> Flatten_0 -> Dense_0 (32 -> 3)
Graph ConvGraph() {
  Graph g;
  g.name = "cnn";
  g.source_path = "cnn.onnx";
  g.inputs = {"x"};
  g.outputs = {"d"};
  for (auto [n, s] : std::vector<std::pair<std::string, std::vector<int64_t>>>{
           {"x", {8, 8, 1}}, {"c0", {8, 8, 2}}, {"c1", {8, 8, 2}}, {"p", {4, 4, 2}}, {"f", {32}}, {"d", {3}}})
    g.tensors[n] = Tensor{n, s, std::nullopt};
  Layer in;
  in.name = "x";
  in.kind = LayerKind::Input;
  in.output = "x";
  auto conv = [](const std::string& name, const std::string& from, const std::string& to, int64_t k, int64_t ci,
                 int64_t co) {
    Layer c;
    c.name = name;
    c.kind = LayerKind::Conv;
    c.inputs = {from};
    c.output = to;
    c.conv = ConvAttrs{};
    c.conv->kernel_h = c.conv->kernel_w = k;
    c.conv->pad_top = c.conv->pad_left = c.conv->pad_bottom = c.conv->pad_right = k / 2;
    c.params["weight"] = Param{{k, k, ci, co}, std::vector<double>(static_cast<size_t>(k * k * ci * co), 0.5),
                               std::nullopt, false};
    c.params["bias"] = Param{{co}, std::vector<double>(static_cast<size_t>(co), 0.0), std::nullopt, false};
    return c;
  };
  Layer pool;
  pool.name = "pool_0";
  pool.kind = LayerKind::Pooling;
  pool.inputs = {"c1"};
  pool.output = "p";
  pool.pool = PoolAttrs{};
  pool.pool->pool_h = pool.pool->pool_w = pool.pool->stride_h = pool.pool->stride_w = 2;
  Layer flat;
  flat.name = "Flatten_0";
  flat.kind = LayerKind::Reshape;
  flat.inputs = {"p"};
  flat.output = "f";
  Layer d;
  d.name = "Dense_0";
  d.kind = LayerKind::Dense;
  d.inputs = {"f"};
  d.output = "d";
  d.params["weight"] = Param{{32, 3}, std::vector<double>(96, 0.25), std::nullopt, false};
  g.layers = {in, conv("Conv_0", "x", "c0", 3, 1, 2), conv("Conv_1", "c0", "c1", 1, 2, 2), pool, flat, d};
  return g;
}

}  // namespace

TEST(ConfigParallelizationFactor, DefaultIsOne) {
  Graph g = ConvGraph();
  ASSERT_TRUE(ApplyConfig(DefaultConfig(), g).ok());
  for (const Layer& l : g.layers) EXPECT_EQ(l.config.parallelization_factor, 1) << l.name;
}

TEST(ConfigParallelizationFactor, PrecedenceNameOverTypeOverModel) {
  Graph g = ConvGraph();
  Status st = Apply(R"(
Model:
  Precision: fixed<16,6>
  ReuseFactor: 1
  ParallelizationFactor: 2
LayerType:
  Conv2D:
    ParallelizationFactor: 4
LayerName:
  Conv_0:
    ParallelizationFactor: 16
    ReuseFactor: 3
)", g);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(g.FindLayer("Conv_0")->config.parallelization_factor, 16);  // LayerName
  EXPECT_EQ(g.FindLayer("Conv_0")->config.reuse_factor, 3);
  EXPECT_EQ(g.FindLayer("Conv_1")->config.parallelization_factor, 4);   // LayerType Conv2D
  EXPECT_EQ(g.FindLayer("pool_0")->config.parallelization_factor, 2);   // Model
  // a LayerType entry of the pooling classes applies to pooling layers only
  Graph g2 = ConvGraph();
  ASSERT_TRUE(Apply("LayerType:\n  MaxPooling2D: {ParallelizationFactor: 8}\n", g2).ok());
  EXPECT_EQ(g2.FindLayer("pool_0")->config.parallelization_factor, 8);
  EXPECT_EQ(g2.FindLayer("Conv_0")->config.parallelization_factor, 1);
}

TEST(Config, WindowLayersAnswerToTheClassOfTheirRank) {
  Graph g = ConvGraph();
  EXPECT_EQ(HlsClassNames(*g.FindLayer("Conv_0")).front(), "Conv2D");
  EXPECT_EQ(HlsClassNames(*g.FindLayer("pool_0")).front(), "Pooling2D");
  Layer c1 = *g.FindLayer("Conv_0");
  c1.conv->rank = 1;
  EXPECT_EQ(HlsClassNames(c1).front(), "Conv1D");
  c1.conv->depthwise = true;
  EXPECT_EQ(HlsClassNames(c1).front(), "DepthwiseConv1D");
  // LayerType Conv1D does not reach a 2-D conv
  ASSERT_TRUE(Apply("LayerType:\n  Conv1D: {ReuseFactor: 3}\n  Conv2D: {ReuseFactor: 2}\n", g).ok());
  EXPECT_EQ(g.FindLayer("Conv_0")->config.reuse_factor, 2);
}

TEST(ConfigParallelizationFactor, InHLSConfigBlockOfAWrittenConfig) {
  Graph g = ConvGraph();
  Status st = Apply("IOType: io_parallel\nHLSConfig:\n  LayerName:\n    Conv_1:\n      ParallelizationFactor: 64\n", g);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(g.FindLayer("Conv_1")->config.parallelization_factor, 64);
}

TEST(ConfigErrors, BadParallelizationFactorNamesFileAndKey) {
  for (const char* v : {"0", "-2", "abc", "2.5", "''"}) {
    for (const auto& [yaml, key] : std::vector<std::pair<std::string, std::string>>{
             {std::string("LayerName:\n  Conv_0:\n    ParallelizationFactor: ") + v + "\n",
              "LayerName.Conv_0.ParallelizationFactor"},
             {std::string("LayerType:\n  Conv2D:\n    ParallelizationFactor: ") + v + "\n",
              "LayerType.Conv2D.ParallelizationFactor"},
             {std::string("Model:\n  ParallelizationFactor: ") + v + "\n", "Model.ParallelizationFactor"}}) {
      auto r = ParseConfig(yaml, "pf.yml");
      ASSERT_FALSE(r.ok()) << yaml;
      const std::string m = r.status().message();
      EXPECT_NE(m.find("pf.yml"), std::string::npos) << m;
      EXPECT_NE(m.find(key), std::string::npos) << m;
    }
  }
  // a map instead of a number
  auto r = ParseConfig("LayerName: {Conv_0: {ParallelizationFactor: {a: 1}}}\n", "pf.yml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("LayerName.Conv_0.ParallelizationFactor"), std::string::npos)
      << r.status().message();
}

TEST(ConfigParallelizationFactor, GenerateConfigWritesItForConvAndPoolingOnly) {
  Graph g = ConvGraph();
  ASSERT_TRUE(Apply("LayerName:\n  Conv_0: {ParallelizationFactor: 4}\n  pool_0: {ParallelizationFactor: 2}\n", g).ok());
  // name: every Conv/Pooling layer has the key with its value, no other layer has it
  auto text = GenerateConfig(g, "name");
  ASSERT_TRUE(text.ok()) << text.status().message();
  YAML::Node root = YAML::Load(*text);
  EXPECT_EQ(root["LayerName"]["Conv_0"]["ParallelizationFactor"].as<int>(), 4) << *text;
  EXPECT_EQ(root["LayerName"]["Conv_1"]["ParallelizationFactor"].as<int>(), 1) << *text;
  EXPECT_EQ(root["LayerName"]["pool_0"]["ParallelizationFactor"].as<int>(), 2) << *text;
  EXPECT_FALSE(root["LayerName"]["Dense_0"]["ParallelizationFactor"]) << *text;
  EXPECT_FALSE(root["LayerName"]["Flatten_0"]["ParallelizationFactor"]) << *text;
  EXPECT_EQ(root["LayerName"]["Conv_0"]["Strategy"].as<std::string>(), "Latency") << *text;
  EXPECT_FALSE(root["LayerName"]["pool_0"]["Strategy"]) << *text;
  EXPECT_EQ(root["Model"]["ParallelizationFactor"].as<int>(), 1) << *text;  // most common among conv/pool
  // round trip
  Graph g2 = ConvGraph();
  ASSERT_TRUE(Apply(*text, g2).ok()) << *text;
  for (size_t i = 0; i < g.layers.size(); ++i)
    EXPECT_EQ(g2.layers[i].config.parallelization_factor, g.layers[i].config.parallelization_factor)
        << g.layers[i].name;
  // type: the class entries carry it
  auto typed = GenerateConfig(g, "type");
  ASSERT_TRUE(typed.ok());
  YAML::Node t = YAML::Load(*typed);
  // (one entry per class, from its first layer: Conv_0)
  EXPECT_EQ(t["LayerType"]["Conv2D"]["ParallelizationFactor"].as<int>(), 4) << *typed;
  EXPECT_EQ(t["LayerType"]["Pooling2D"]["ParallelizationFactor"].as<int>(), 2) << *typed;
  EXPECT_FALSE(t["LayerType"]["Conv1D"]) << *typed;
  EXPECT_FALSE(t["LayerType"]["Dense"]["ParallelizationFactor"]) << *typed;
  Graph g3 = ConvGraph();
  EXPECT_TRUE(Apply(*typed, g3).ok()) << *typed;
  // a model without conv/pooling layers: the key is never written
  for (const char* gran : {"model", "type", "name"}) {
    auto dense = GenerateConfig(SmallGraph(), gran);
    ASSERT_TRUE(dense.ok());
    EXPECT_EQ(dense->find("ParallelizationFactor"), std::string::npos) << *dense;
  }
}

TEST(ConfigParallelizationFactor, GoldenConvConfigsParseAndCliWritesIt) {
  for (const char* m : {"conv1d_small_keras", "conv2d_small_keras"}) {
    for (const char* f : {"hls4ml_config_input.yml", "hls4ml_config_written.yml"}) {
      const std::string path = hlsforge::test_data::Root() + "/golden/hls4ml/" + m + "/" + f;
      auto c = LoadConfig(path);
      EXPECT_TRUE(c.ok()) << c.status().message();
    }
  }
  // `hlsforge config --granularity name` on the real CNN: its Conv layer gets the key.
  const std::string cmd = std::string(HLSFORGE_BINARY) + " config " + hlsforge::test_data::Root() +
                          "/models/onnx/conv2d_small_keras.onnx --granularity name 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
  ASSERT_EQ(pclose(p), 0) << out;
  YAML::Node root = YAML::Load(out);
  EXPECT_EQ(root["LayerName"]["Conv_0"]["ParallelizationFactor"].as<int>(), 1) << out;
  EXPECT_FALSE(root["LayerName"]["MatMul_0"]["ParallelizationFactor"]) << out;
}
