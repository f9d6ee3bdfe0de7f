// Golden: LoadOnnx + hls4ml_config_input.yml + ApplyConfig + default pipeline
// must give exactly the types of hls4ml's generated firmware (defines.h,
// parameters.h, myproject.cpp of golden/hls4ml/<model> in the test corpus).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "hlsforge/frontends/onnx_frontend.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/passes/pass.h"
#include "test_data.h"

using namespace hlsforge;

namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Canon(const std::string& text) {
  auto t = FixedType::Parse(text);
  return t.ok() ? t->ToString() : "<unparsable " + text + ">";
}

struct Call {
  std::string fn, in_t, out_t, config, layer;  // layer = hls4ml name from the comment
};

struct Golden {
  std::map<std::string, std::string> typedefs;                       // defines.h
  std::vector<Call> calls;                                           // myproject.cpp
  std::map<std::string, std::map<std::string, std::string>> config;  // struct name -> typedef key -> type
};

Golden ParseGolden(const std::string& dir) {
  Golden g;
  const std::regex td(R"(typedef\s+(.+?)\s+(\w+);)");
  const std::string defs = Read(dir + "/firmware/defines.h");
  for (std::sregex_iterator it(defs.begin(), defs.end(), td), end; it != end; ++it)
    g.typedefs[(*it)[2]] = Canon((*it)[1]);
  const std::string cpp = Read(dir + "/firmware/myproject.cpp");
  const std::regex call(R"(nnet::(\w+)<([^;]*)>\(([^;]*)\);\s*//\s*(\w+))");
  for (std::sregex_iterator it(cpp.begin(), cpp.end(), call), end; it != end; ++it) {
    Call c;
    c.fn = (*it)[1];
    if (c.fn.rfind("load_weights", 0) == 0) continue;
    std::vector<std::string> args;
    std::stringstream ss((*it)[2].str());
    for (std::string a; std::getline(ss, a, ',');) args.push_back(std::regex_replace(a, std::regex(R"(^\s+|\s+$)"), ""));
    c.in_t = args.at(0);
    c.config = args.back();
    if (args.size() == 3) {
      c.out_t = args[1];
    } else {  // output type = declared type of the output array (2nd call argument)
      std::stringstream as((*it)[3].str());
      std::string a0, a1;
      std::getline(as, a0, ',');
      std::getline(as, a1, ',');
      a1 = std::regex_replace(a1, std::regex(R"(^\s+|\s+$)"), "");
      std::smatch m;
      const std::regex decl("(\\w+)\\s+" + a1 + "\\[");
      if (std::regex_search(cpp, m, decl)) c.out_t = m[1];
    }
    c.layer = (*it)[4];
    g.calls.push_back(c);
  }
  const std::string par = Read(dir + "/firmware/parameters.h");
  const std::regex st(R"(struct\s+(\w+)\s*:[^{]*\{([^}]*)\})");
  const std::regex ptd(R"(typedef\s+(.+?)\s+(\w+);)");
  for (std::sregex_iterator it(par.begin(), par.end(), st), end; it != end; ++it) {
    const std::string body = (*it)[2];
    auto& m = g.config[(*it)[1]];
    for (std::sregex_iterator j(body.begin(), body.end(), ptd); j != end; ++j) {
      const std::string ty = (*j)[1];
      m[(*j)[2]] = g.typedefs.count(ty) ? g.typedefs[ty] : Canon(ty);
    }
  }
  return g;
}

std::string Prec(const ir::Layer& l, const std::string& key) {
  auto it = l.config.precision.find(key);
  if (it == l.config.precision.end() || !it->second.type) return "<unset>";
  return it->second.type->ToString();
}

void CheckModel(const std::string& model) {
  const std::string dir = hlsforge::test_data::Root() + "/golden/hls4ml/" + model;
  auto g = frontends::LoadOnnx(dir + "/model_clean.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto cfg = ir::LoadConfig(dir + "/hls4ml_config_input.yml");
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  Status st = ir::ApplyConfig(*cfg, *g);
  ASSERT_TRUE(st.ok()) << st.message();
  st = passes::RunPipeline(*g, passes::DefaultPipeline());
  ASSERT_TRUE(st.ok()) << st.message();

  const Golden gold = ParseGolden(dir);
  std::vector<const ir::Layer*> ours;
  const ir::Layer* input = nullptr;
  for (const ir::Layer& l : g->layers) {
    if (l.kind == ir::LayerKind::Input) input = &l;
    else ours.push_back(&l);
  }
  std::string our_names, their_names;
  for (auto* l : ours) our_names += l->name + "(" + ir::ToString(l->kind) + ") ";
  for (auto& c : gold.calls) their_names += c.layer + " ";
  ASSERT_EQ(ours.size(), gold.calls.size()) << "ours: " << our_names << "\nhls4ml: " << their_names;
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(Prec(*input, "result"), gold.typedefs.at("input_t"));
  EXPECT_EQ(g->tensor(g->inputs[0]).type->ToString(), gold.typedefs.at("input_t"));

  for (size_t i = 0; i < ours.size(); ++i) {
    const ir::Layer& l = *ours[i];
    const Call& c = gold.calls[i];
    SCOPED_TRACE(model + ": hls4ml layer " + c.layer + " <-> our layer " + l.name);
    ASSERT_TRUE(gold.typedefs.count(c.out_t)) << c.out_t;
    EXPECT_EQ(Prec(l, "result"), gold.typedefs.at(c.out_t)) << "result";
    ASSERT_TRUE(g->tensor(l.output).type.has_value());
    EXPECT_EQ(g->tensor(l.output).type->ToString(), gold.typedefs.at(c.out_t)) << "tensor";
    auto cf = gold.config.find(c.config);
    ASSERT_NE(cf, gold.config.end()) << c.config;
    static const std::map<std::string, std::string> kKeys = {
        {"accum_t", "accum"},         {"weight_t", "weight"},       {"bias_t", "bias"},
        {"scale_t", "scale"},         {"table_t", "table"},         {"exp_table_t", "exp_table"},
        {"inv_table_t", "inv_table"}, {"inv_inp_t", "inv_inp"},     {"inp_norm_t", "inp_norm"}};
    for (const auto& [td, type] : cf->second) {
      auto k = kKeys.find(td);
      if (k == kKeys.end()) continue;  // index_t etc.
      EXPECT_EQ(Prec(l, k->second), type) << td;
      if (const ir::Param* p = l.param(k->second)) {
        ASSERT_TRUE(p->type.has_value()) << k->second;
        EXPECT_EQ(p->type->ToString(), type) << "param " << k->second;
      }
    }
    // Threshold params: typedef threshold<N>_t where config<N>.
    if (l.kind == ir::LayerKind::Threshold && l.param("threshold")) {
      const std::string n = std::regex_replace(c.config, std::regex("[^0-9]"), "");
      auto t = gold.typedefs.find("threshold" + n + "_t");
      ASSERT_NE(t, gold.typedefs.end());
      EXPECT_EQ(l.param("threshold")->type->ToString(), t->second);
    }
  }
}

}  // namespace

TEST(GoldenTypes, TwoLayerKeras) { CheckModel("two_layer_keras"); }
TEST(GoldenTypes, ThreeLayerKeras) { CheckModel("three_layer_keras"); }
TEST(GoldenTypes, ThreeLayerPytorch) { CheckModel("three_layer_pytorch"); }
TEST(GoldenTypes, DenseBigKeras) { CheckModel("dense_big_keras"); }
TEST(GoldenTypes, QkerasJettagging) { CheckModel("qkeras_jettagging"); }
TEST(GoldenTypes, TFC_2W2A) { CheckModel("TFC_2W2A"); }
TEST(GoldenTypes, BnnModelFc1Layer) { CheckModel("bnn_model_fc_1layer"); }
TEST(GoldenTypes, Conv1dSmallKeras) { CheckModel("conv1d_small_keras"); }
TEST(GoldenTypes, Conv2dSmallKeras) { CheckModel("conv2d_small_keras"); }
TEST(GoldenTypes, LegacySoftmaxConfigs) {
  for (const char* m : {"three_layer_keras", "dense_big_keras"}) {
    const std::string dir = hlsforge::test_data::Root() + "/golden/hls4ml/" + m + "/legacy_softmax";
    auto c = ir::LoadConfig(dir + "/hls4ml_config_input.yml");
    ASSERT_TRUE(c.ok()) << c.status().message();
  }
}
