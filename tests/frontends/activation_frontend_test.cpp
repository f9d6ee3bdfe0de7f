// The Keras and ONNX spellings of the clipped ReLU, hard sigmoid / hard tanh,
// thresholded ReLU, PReLU, ELU, SELU, softplus and softsign activations map
// to the IR kinds with their documented constants:
//  * Keras (keras.io/api/layers/activations, .../activation_layers):
//    relu6; ReLU(max_value); ELU(alpha = 1); ThresholdedReLU(theta = 1);
//    PReLU (weight 'alpha'); selu alpha 1.67326324, scale 1.05070098;
//    hard_sigmoid 0.2 x + 0.5 (Keras 2) / relu6(x + 3) / 6 (Keras 3); hls4ml's
//    relu1 (ReLU clipped at 1) and hard_tanh (clip(x, -1, 1)).
//  * ONNX (onnx.ai/onnx/operators): Clip (min/max attributes before opset
//    11, inputs after), Elu (alpha 1), Selu (alpha 1.67326319..., gamma
//    1.05070102...), HardSigmoid (alpha 0.2, beta 0.5), ThresholdedRelu
//    (alpha 1), PRelu (slope broadcast to the input), Softplus, Softsign.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hlsforge/frontends/keras_frontend.h"
#include "hlsforge/frontends/onnx_frontend.h"

namespace fs = std::filesystem;
using hlsforge::frontends::LoadKeras;
using hlsforge::frontends::LoadOnnx;
using hlsforge::ir::ActivationKind;
using hlsforge::ir::Graph;
using hlsforge::ir::Layer;
using K = hlsforge::ir::ActivationKind;

namespace {

fs::path Dir() {
  fs::path d = fs::temp_directory_path() / ("hlsforge_act_fe_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

void StringList(hid_t obj, const char* attr, const std::vector<std::string>& v) {
  size_t len = 1;
  for (const auto& s : v) len = std::max(len, s.size());
  std::string buf;
  for (const auto& s : v) buf += s + std::string(len - s.size(), '\0');
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, len);
  hsize_t n = v.size();
  hid_t sp = H5Screate_simple(1, &n, nullptr);
  hid_t a = H5Acreate2(obj, attr, t, sp, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, t, buf.data());
  H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(t);
}

/// A Keras 2 weights file holding one layer `layer` with weight `alpha:0` of `shape`.
void WriteAlphaWeights(const std::string& path, const std::string& layer, const std::vector<hsize_t>& shape,
                       const std::vector<float>& v) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  StringList(f, "layer_names", {layer});
  hid_t g = H5Gcreate2(f, layer.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  StringList(g, "weight_names", {layer + "/alpha:0"});
  hid_t inner = H5Gcreate2(g, layer.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  hid_t sp = H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr);
  hid_t d = H5Dcreate2(inner, "alpha:0", H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Dclose(d);
  H5Sclose(sp);
  H5Gclose(inner);
  H5Gclose(g);
  H5Fclose(f);
}

/// A weights file without weights (the models below have none).
void WriteNoWeights(const std::string& path) {
  const hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  H5Gclose(H5Gcreate2(f, "layers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Fclose(f);
}

std::string Act(const std::string& name, const std::string& act) {
  return R"({"class_name": "Activation", "config": {"name": ")" + name + R"(", "activation": ")" + act + R"("}})";
}

std::string Sequential(const std::string& version, const std::string& input_shape, const std::vector<std::string>& layers) {
  std::string s = R"({"class_name": "Sequential", "keras_version": ")" + version +
                  R"(", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": )" +
                  input_shape + "}}";
  for (const auto& l : layers) s += ",\n" + l;
  return s + "]}}";
}

const Layer& L(const Graph& g, const std::string& name) {
  const Layer* l = g.FindLayer(name);
  EXPECT_NE(l, nullptr) << name;
  static const Layer none;
  return l ? *l : none;
}

const double kSeluAlpha = 1.6732632423543772848170429916717, kSeluScale = 1.0507009873554804934193349852946;

TEST(ActivationFrontendKeras, EverySpelling) {
  const fs::path d = Dir();
  const std::string arch = Sequential(
      "2.4.0", "[null, 4]",
      {Act("r1", "relu1"), Act("r6", "relu6"), Act("ht", "hard_tanh"), Act("hs", "hard_sigmoid"), Act("e", "elu"),
       Act("se", "selu"), Act("sp", "softplus"), Act("ss", "softsign"),
       R"({"class_name": "ELU", "config": {"name": "e2", "alpha": 0.5}})",
       R"({"class_name": "ThresholdedReLU", "config": {"name": "th", "theta": 0.25}})",
       R"({"class_name": "ReLU", "config": {"name": "rm", "max_value": 2.5}})",
       R"({"class_name": "PReLU", "config": {"name": "pr", "shared_axes": null}})"});
  std::ofstream(d / "k2.json") << arch;
  WriteAlphaWeights((d / "k2_weights.h5").string(), "pr", {4}, {0.25f, -0.5f, 0.125f, 2.0f});
  auto g = LoadKeras((d / "k2.json").string(), (d / "k2_weights.h5").string());
  ASSERT_TRUE(g.ok()) << g.status().message();
  struct Want {
    const char* name;
    K kind;
    double alpha, beta;
  };
  for (const Want& w : std::vector<Want>{{"r1", K::ReLU6OrMax, 1, 0},
                                         {"r6", K::ReLU6OrMax, 6, 0},
                                         {"ht", K::HardTanh, 0.5, 0.5},
                                         {"hs", K::HardSigmoid, 0.2, 0.5},
                                         {"e", K::ELU, 1, 0},
                                         {"se", K::SELU, kSeluAlpha, kSeluScale},
                                         {"sp", K::Softplus, 0, 0},
                                         {"ss", K::Softsign, 0, 0},
                                         {"e2", K::ELU, 0.5, 0},
                                         {"th", K::ThresholdedReLU, 0.25, 0},
                                         {"rm", K::ReLU6OrMax, 2.5, 0},
                                         {"pr", K::PReLU, 0, 0}}) {
    const Layer& l = L(*g, w.name);
    EXPECT_EQ(l.activation, w.kind) << w.name;
    EXPECT_EQ(l.alpha, w.alpha) << w.name;
    EXPECT_EQ(l.beta, w.beta) << w.name;
  }
  const hlsforge::ir::Param* a = L(*g, "pr").param("param");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->values, (std::vector<double>{0.25, -0.5, 0.125, 2.0}));
}

TEST(ActivationFrontendKeras, HardSigmoidFollowsTheKerasVersion) {
  const fs::path d = Dir();
  std::ofstream(d / "k3.json") << Sequential("3.3.3", "[null, 4]", {Act("hs", "hard_sigmoid")});
  WriteNoWeights((d / "k3_weights.h5").string());
  auto g = LoadKeras((d / "k3.json").string(), (d / "k3_weights.h5").string());
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(L(*g, "hs").alpha, 1.0 / 6);  // Keras 3: relu6(x + 3) / 6
  EXPECT_EQ(L(*g, "hs").beta, 0.5);
}

TEST(ActivationFrontendKeras, PreluSharedOverTheImage) {
  // PReLU(shared_axes=[1, 2]) on a [2, 2, 3] image: alpha [1, 1, 3], one per channel
  const fs::path d = Dir();
  std::ofstream(d / "img.json") << Sequential(
      "2.4.0", "[null, 2, 2, 3]", {R"({"class_name": "PReLU", "config": {"name": "p", "shared_axes": [1, 2]}})"});
  WriteAlphaWeights((d / "img_weights.h5").string(), "p", {1, 1, 3}, {0.5f, 0.25f, -1.0f});
  auto g = LoadKeras((d / "img.json").string(), (d / "img_weights.h5").string());
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(L(*g, "p").param("param")->values, (std::vector<double>{0.5, 0.25, -1.0}));
  // an alpha matching neither the channels nor the input is a located error
  WriteAlphaWeights((d / "img_weights.h5").string(), "p", {2, 1, 1}, {0.5f, 0.25f});
  auto bad = LoadKeras((d / "img.json").string(), (d / "img_weights.h5").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("\"p\""), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find("alpha"), std::string::npos) << bad.status().message();
}

TEST(ActivationFrontendKeras, UnknownActivationStringListsTheSupportedNames) {
  const fs::path d = Dir();
  std::ofstream(d / "u.json") << Sequential("2.4.0", "[null, 4]", {Act("weird", "gelu")});
  WriteNoWeights((d / "u_weights.h5").string());
  auto g = LoadKeras((d / "u.json").string(), (d / "u_weights.h5").string());
  ASSERT_FALSE(g.ok());
  const std::string m = g.status().message();
  for (const char* part : {"u.json", "\"weird\"", "'gelu'", "supported:", "relu1", "hard_tanh", "softsign"})
    EXPECT_NE(m.find(part), std::string::npos) << part << " in " << m;
}

// ---------------------------------------------------------------- ONNX

/// x [batch, 4] -> op -> y, at `opset`.
onnx::ModelProto Model(const std::string& op, int opset) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  auto* os = m.add_opset_import();
  os->set_domain("");
  os->set_version(opset);
  auto* g = m.mutable_graph();
  g->set_name("act");
  auto* in = g->add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_param("batch");
  tt->mutable_shape()->add_dim()->set_dim_value(4);
  auto* n = g->add_node();
  n->set_name("node");
  n->set_op_type(op);
  n->add_input("x");
  n->add_output("y");
  g->add_output()->set_name("y");
  return m;
}

void FloatAttr(onnx::ModelProto& m, const std::string& name, float v) {
  auto* a = m.mutable_graph()->mutable_node(0)->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

/// Adds initializer `name` (float values of `shape`) as the node's next input.
void ConstInput(onnx::ModelProto& m, const std::string& name, std::vector<int64_t> shape, std::vector<float> v) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t s : shape) t->add_dims(s);
  for (float f : v) t->add_float_data(f);
  m.mutable_graph()->mutable_node(0)->add_input(name);
}

hlsforge::StatusOr<Graph> Load(const onnx::ModelProto& m, const std::string& file) {
  const fs::path p = Dir() / file;
  std::ofstream(p, std::ios::binary) << m.SerializeAsString();
  return LoadOnnx(p.string());
}

const Layer& Only(const Graph& g) { return g.layers.back(); }

TEST(ActivationFrontendOnnx, ClipInEveryOpset) {
  // opset 6: attributes; ReLU6 as PyTorch exported it before opset 11
  onnx::ModelProto m6 = Model("Clip", 6);
  FloatAttr(m6, "min", 0);
  FloatAttr(m6, "max", 6);
  auto g = Load(m6, "clip6.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(Only(*g).activation, K::ReLU6OrMax);
  EXPECT_EQ(Only(*g).alpha, 6.0);
  // opset 13: constant inputs; Hardtanh(-1, 1) = hard tanh
  onnx::ModelProto m13 = Model("Clip", 13);
  ConstInput(m13, "lo", {}, {-1});
  ConstInput(m13, "hi", {}, {1});
  g = Load(m13, "clip13.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(Only(*g).activation, K::HardTanh);
  EXPECT_EQ(Only(*g).alpha, 0.5);
  EXPECT_EQ(Only(*g).beta, 0.5);
  // min only: ReLU
  onnx::ModelProto mr = Model("Clip", 13);
  ConstInput(mr, "lo", {}, {0});
  g = Load(mr, "clip_relu.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(Only(*g).activation, K::ReLU);
  // other bounds: a located error naming the bounds
  onnx::ModelProto mb = Model("Clip", 13);
  ConstInput(mb, "lo", {}, {-2});
  ConstInput(mb, "hi", {}, {2});
  g = Load(mb, "clip_bad.onnx");
  ASSERT_FALSE(g.ok());
  for (const char* part : {"clip_bad.onnx", "\"node\"", "min=-2", "max=2", "supported bounds"})
    EXPECT_NE(g.status().message().find(part), std::string::npos) << part << " in " << g.status().message();
}

TEST(ActivationFrontendOnnx, ParametrizedOpsAndDefaults) {
  struct Case {
    const char* op;
    std::vector<std::pair<const char*, float>> attrs;
    K kind;
    double alpha, beta;
  };
  const std::vector<Case> cases = {
      {"Elu", {}, K::ELU, 1.0, 0},
      {"Elu", {{"alpha", 0.5f}}, K::ELU, 0.5, 0},
      {"Selu", {}, K::SELU, 1.67326319217681884765625, 1.05070102214813232421875},
      {"HardSigmoid", {}, K::HardSigmoid, 0.2f, 0.5},
      {"HardSigmoid", {{"alpha", 0.25f}, {"beta", 0.375f}}, K::HardSigmoid, 0.25, 0.375},
      {"ThresholdedRelu", {}, K::ThresholdedReLU, 1.0, 0},
      {"ThresholdedRelu", {{"alpha", 0.5f}}, K::ThresholdedReLU, 0.5, 0},
      {"Softplus", {}, K::Softplus, 0, 0},
      {"Softsign", {}, K::Softsign, 0, 0},
  };
  for (const Case& c : cases) {
    onnx::ModelProto m = Model(c.op, 13);
    for (const auto& [n, v] : c.attrs) FloatAttr(m, n, v);
    auto g = Load(m, std::string(c.op) + ".onnx");
    ASSERT_TRUE(g.ok()) << c.op << ": " << g.status().message();
    EXPECT_EQ(Only(*g).activation, c.kind) << c.op;
    EXPECT_EQ(Only(*g).alpha, c.alpha) << c.op;
    EXPECT_EQ(Only(*g).beta, c.beta) << c.op;
  }
}

TEST(ActivationFrontendOnnx, PreluSlopePerChannel) {
  onnx::ModelProto m = Model("PRelu", 13);
  ConstInput(m, "slope", {4}, {0.25f, -0.5f, 0.125f, 2.0f});
  auto g = Load(m, "prelu.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(Only(*g).activation, K::PReLU);
  EXPECT_EQ(Only(*g).param("param")->values, (std::vector<double>{0.25, -0.5, 0.125, 2.0}));
  // a PReLU slope config entry named after the ONNX constant reaches the param
  EXPECT_EQ(Only(*g).alias_param.count("slope"), 1u);
  onnx::ModelProto one = Model("PRelu", 13);
  ConstInput(one, "slope", {1}, {0.25f});
  g = Load(one, "prelu1.onnx");
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(Only(*g).param("param")->values, (std::vector<double>{0.25}));
}

}  // namespace
