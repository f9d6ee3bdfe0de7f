// Keras frontend: every model of ../shared/models/keras loads with the
// expected layers, shapes, quantized weights; bad inputs give Status errors
// naming the file / layer / dataset.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <zip.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/frontends/keras_frontend.h"
#include "test_data.h"

namespace fs = std::filesystem;
using hlsforge::frontends::LoadKeras;
using hlsforge::ir::ActivationKind;
using hlsforge::ir::Graph;
using hlsforge::ir::LayerKind;

namespace {

const std::string kModels = hlsforge::test_data::Root() + "/models/keras/";

std::string M(const std::string& f) { return kModels + f; }

/// "name:Kind" per layer, in order.
std::vector<std::string> Summary(const Graph& g) {
  std::vector<std::string> out;
  for (const auto& l : g.layers) out.push_back(l.name + ":" + hlsforge::ir::ToString(l.kind));
  return out;
}

std::vector<int64_t> Shape(const Graph& g, const std::string& layer) {
  const auto* l = g.FindLayer(layer);
  EXPECT_NE(l, nullptr) << layer;
  return l ? g.tensor(l->output).shape : std::vector<int64_t>{};
}

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("hlsforge_keras_test_" + std::to_string(::getpid()) + "_" +
                                         std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string operator/(const std::string& f) const { return (path_ / f).string(); }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(KerasLoad, OneLayerFunctional) {
  auto g = LoadKeras(M("KERAS_1layer.json"), M("KERAS_1layer_weights.h5"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(Summary(*g), (std::vector<std::string>{"input_1:Input", "fc1_relu:Dense", "fc1_relu_relu:Activation",
                                                   "output_sigmoid:Dense", "output_sigmoid_sigmoid:Activation"}));
  EXPECT_EQ(g->name, "KERAS_1layer");
  EXPECT_EQ(g->inputs, std::vector<std::string>{"input_1"});
  EXPECT_EQ(g->outputs, std::vector<std::string>{"output_sigmoid_sigmoid"});
  EXPECT_EQ(Shape(*g, "input_1"), std::vector<int64_t>{10});
  EXPECT_EQ(Shape(*g, "fc1_relu"), std::vector<int64_t>{32});
  const auto* fc1 = g->FindLayer("fc1_relu");
  ASSERT_TRUE(fc1->param("weight") && fc1->param("bias"));
  EXPECT_EQ(fc1->param("weight")->shape, (std::vector<int64_t>{10, 32}));
  EXPECT_FALSE(fc1->param("weight")->type.has_value());  // float model: precision left to config
  EXPECT_EQ(g->FindLayer("output_sigmoid_sigmoid")->activation, ActivationKind::Sigmoid);
  EXPECT_EQ(g->FindLayer("fc1_relu_relu")->inputs, std::vector<std::string>{"fc1_relu"});
}

TEST(KerasLoad, DefaultWeightsNextToJson) {
  auto g = LoadKeras(M("KERAS_3layer.json"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->layers.size(), 9u);
  EXPECT_EQ(g->FindLayer("output_softmax_softmax")->kind, LayerKind::Softmax);
  EXPECT_EQ(Shape(*g, "output_softmax_softmax"), std::vector<int64_t>{5});
}

TEST(KerasLoad, PrunedWeightsHaveZeros) {
  auto dense = LoadKeras(M("KERAS_3layer.json"), M("KERAS_3layer_weights.h5"));
  auto pruned = LoadKeras(M("KERAS_3layer.json"), M("KERAS_3layer_70pruned_retrained_weights.h5"));
  ASSERT_TRUE(dense.ok() && pruned.ok()) << pruned.status().message();
  const auto* w = pruned->FindLayer("fc2_relu")->param("weight");
  EXPECT_GT(static_cast<double>(w->zeros()) / w->size(), 0.5);
  EXPECT_EQ(dense->FindLayer("fc2_relu")->param("weight")->zeros(), 0u);
}

TEST(KerasLoad, BinarySequential) {
  auto g = LoadKeras(M("KERAS_3layer_binary_smaller.json"), M("KERAS_3layer_binary_smaller_weights.h5"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(Summary(*g),
            (std::vector<std::string>{"fc1_input:Input", "fc1:Dense", "bn1:ScaleShift", "act1:Activation",
                                      "fc2:Dense", "bn2:ScaleShift", "act2:Activation", "fc3:Dense",
                                      "bn3:ScaleShift", "act3:Activation", "output:Dense", "bn:ScaleShift"}));
  EXPECT_EQ(Shape(*g, "fc1_input"), std::vector<int64_t>{16});
  EXPECT_EQ(g->outputs, std::vector<std::string>{"bn"});
  for (const char* d : {"fc1", "fc2", "fc3", "output"}) {
    const auto* l = g->FindLayer(d);
    EXPECT_EQ(l->source_op, "BinaryDense");
    EXPECT_EQ(l->param("bias"), nullptr);
    const auto* w = l->param("weight");
    for (double v : w->values) ASSERT_TRUE(v == 1.0 || v == -1.0) << d << " " << v;
    ASSERT_TRUE(w->type.has_value());
    EXPECT_TRUE(w->type_from_quantizer);
  }
  EXPECT_EQ(g->FindLayer("act1")->activation, ActivationKind::BinaryTanh);
  EXPECT_EQ(g->FindLayer("bn1")->param("scale")->shape, std::vector<int64_t>{64});
}

TEST(KerasLoad, TernarySequential) {
  auto g = LoadKeras(M("KERAS_3layer_ternary_small.json"), M("KERAS_3layer_ternary_small_weights.h5"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->layers.size(), 12u);
  std::set<double> seen;
  for (const char* d : {"fc1", "fc2", "fc3", "output"}) {
    EXPECT_EQ(g->FindLayer(d)->source_op, "TernaryDense");
    for (double v : g->FindLayer(d)->param("weight")->values) {
      ASSERT_TRUE(v == 1.0 || v == -1.0 || v == 0.0) << v;
      seen.insert(v);
    }
  }
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(g->FindLayer("act2")->activation, ActivationKind::TernaryTanh);
}

void CheckQKeras(const Graph& g) {
  EXPECT_EQ(Summary(g), (std::vector<std::string>{"fc1_input:Input", "fc1:Dense", "relu1:Quantize", "fc2:Dense",
                                                  "relu2:Quantize", "fc3:Dense", "relu3:Quantize", "output:Dense",
                                                  "softmax:Softmax"}));
  const auto* fc1 = g.FindLayer("fc1");
  EXPECT_EQ(fc1->source_op, "QDense");
  const auto* w = fc1->param("weight");
  ASSERT_TRUE(w->type.has_value());
  EXPECT_TRUE(w->type_from_quantizer);
  EXPECT_EQ(w->type->ToString(), "ap_fixed<6,1,AP_RND_CONV,AP_SAT>");
  // quantized_bits(6,0,alpha=1): multiples of 2^-5 in [-1, 31/32]
  for (double v : w->values) {
    ASSERT_EQ(v * 32, std::round(v * 32)) << v;
    ASSERT_TRUE(v >= -1.0 && v <= 31.0 / 32) << v;
  }
  EXPECT_TRUE(fc1->param("bias")->type_from_quantizer);
  const auto* r1 = g.FindLayer("relu1");
  ASSERT_TRUE(r1->quant.has_value());
  EXPECT_EQ(r1->quant->scale, std::vector<double>{1.0 / 64});
  EXPECT_EQ(r1->quant->bit_width, 6);
  EXPECT_FALSE(r1->quant->is_signed);
  EXPECT_EQ(r1->quant->rounding_mode, "ROUND");
  ASSERT_TRUE(r1->config.precision.at("result").type.has_value());
  EXPECT_EQ(r1->config.precision.at("result").type->ToString(), "ap_ufixed<6,0,AP_RND_CONV,AP_SAT>");
  EXPECT_EQ(g.tensor("relu1").type, r1->config.precision.at("result").type);
}

TEST(KerasLoad, QKerasJson) {
  auto g = LoadKeras(M("qkeras_3layer.json"), M("qkeras_3layer_weights.h5"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  CheckQKeras(*g);
}

TEST(KerasLoad, QKerasV3Zip) {
  auto g = LoadKeras(M("qkeras-v3_3layer.keras"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  CheckQKeras(*g);
  // same weights as the Keras 2 file
  auto g2 = LoadKeras(M("qkeras_3layer.json"), M("qkeras_3layer_weights.h5"));
  ASSERT_TRUE(g2.ok());
  for (const char* d : {"fc1", "fc2", "fc3", "output"}) {
    EXPECT_EQ(g->FindLayer(d)->param("weight")->values, g2->FindLayer(d)->param("weight")->values) << d;
    EXPECT_EQ(g->FindLayer(d)->param("bias")->values, g2->FindLayer(d)->param("bias")->values) << d;
  }
}

TEST(KerasLoad, ConvModelsLoad) {
  // Convolutional networks: Conv1D/Conv2D with fused ReLU, Dropout (alias), Flatten after conv
  auto g = LoadKeras(M("KERAS_conv1d_small.json"), M("KERAS_conv1d_small_weights.h5"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  const hlsforge::ir::Layer* c = g->FindLayer("conv1_relu");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kind, hlsforge::ir::LayerKind::Conv);
  EXPECT_EQ(c->params.at("weight").shape, (std::vector<int64_t>{4, 4, 3}));
  auto g2 = LoadKeras(M("KERAS_conv2d_model.json"), M("KERAS_conv2d_model_weights.h5"));
  ASSERT_TRUE(g2.ok()) << g2.status().message();
  ASSERT_NE(g2->FindLayer("dropout_1"), nullptr);
  EXPECT_TRUE(g2->Validate().ok()) << g2->Validate().message();
}

// ---- synthetic architectures -----------------------------------------------------

TEST(KerasLoad, UnsupportedLayerClassNamesLayerAndClass) {
  TempDir d;
  std::string json = ReadText(M("KERAS_1layer.json"));
  size_t p = json.find("\"class_name\": \"Dense\"");
  ASSERT_NE(p, std::string::npos);
  json.replace(p, std::string("\"class_name\": \"Dense\"").size(), "\"class_name\": \"FancyAttention\"");
  WriteText(d / "m.json", json);
  auto g = LoadKeras(d / "m.json", M("KERAS_1layer_weights.h5"));
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("\"fc1_relu\""), std::string::npos) << g.status().message();
  EXPECT_NE(g.status().message().find("'FancyAttention'"), std::string::npos) << g.status().message();
}

TEST(KerasLoad, LayersAndQuantizerStringsFromJson) {
  // Sequential Keras 2 JSON exercising ReLU(max_value), LeakyReLU, Softmax,
  // Dropout, Flatten/Reshape, BatchNormalization and QKeras string quantizers;
  // weights borrowed from KERAS_3layer (fc1_relu 16x64, fc2_relu 64x32).
  TempDir d;
  const char* arch = R"JS({"class_name": "Sequential", "keras_version": "2.4.0", "config": {"name": "s", "layers": [
    {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 4, 4]}},
    {"class_name": "Flatten", "config": {"name": "flat"}},
    {"class_name": "QDense", "config": {"name": "fc1_relu", "units": 64, "use_bias": true,
       "activation": "quantized_relu(4, 2)", "kernel_quantizer": "quantized_bits(4,0,1,alpha=1)",
       "bias_quantizer": "quantized_po2(4)"}},
    {"class_name": "Dropout", "config": {"name": "drop", "rate": 0.5}},
    {"class_name": "ReLU", "config": {"name": "r6", "max_value": 6.0}},
    {"class_name": "LeakyReLU", "config": {"name": "lk", "alpha": 0.1}},
    {"class_name": "Reshape", "config": {"name": "rs", "target_shape": [8, -1]}},
    {"class_name": "Reshape", "config": {"name": "rs2", "target_shape": [64]}},
    {"class_name": "Dense", "config": {"name": "fc2_relu", "units": 32, "activation": "softmax"}},
    {"class_name": "QActivation", "config": {"name": "qa", "activation": "quantized_bits(8, 2, 1)"}},
    {"class_name": "Softmax", "config": {"name": "sm", "axis": -1}}
  ]}})JS";
  WriteText(d / "m.json", arch);
  auto g = LoadKeras(d / "m.json", M("KERAS_3layer_weights.h5"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(Summary(*g),
            (std::vector<std::string>{"in:Input", "flat:Reshape", "fc1_relu:Dense", "fc1_relu_quantized_relu:Quantize",
                                      "r6:Activation", "lk:Activation", "rs:Reshape", "rs2:Reshape",
                                      "fc2_relu:Dense", "fc2_relu_softmax:Softmax", "qa:Quantize", "sm:Softmax"}));
  EXPECT_EQ(Shape(*g, "flat"), std::vector<int64_t>{16});
  EXPECT_EQ(Shape(*g, "rs"), (std::vector<int64_t>{8, 8}));
  EXPECT_EQ(g->FindLayer("r6")->inputs, std::vector<std::string>{"fc1_relu_quantized_relu"});  // dropout removed
  EXPECT_EQ(g->FindLayer("r6")->activation, ActivationKind::ReLU6OrMax);
  EXPECT_EQ(g->FindLayer("r6")->alpha, 6.0);
  EXPECT_EQ(g->FindLayer("lk")->alpha, 0.1);
  const auto* fc1 = g->FindLayer("fc1_relu");
  // quantized_bits(4,0,symmetric=1): multiples of 1/8 in [-7/8, 7/8]
  for (double v : fc1->param("weight")->values) {
    ASSERT_EQ(v * 8, std::round(v * 8));
    ASSERT_LE(std::fabs(v), 7.0 / 8);
  }
  EXPECT_EQ(fc1->param("weight")->type->ToString(), "ap_fixed<4,1,AP_RND_CONV,AP_SAT_SYM>");
  // quantized_po2(4): +-2^e, e in [-4, 3]
  for (double v : fc1->param("bias")->values) {
    int e;
    ASSERT_EQ(std::frexp(std::fabs(v), &e), 0.5) << v;
    ASSERT_TRUE(e - 1 >= -4 && e - 1 <= 3) << v;
  }
  const auto* q = g->FindLayer("fc1_relu_quantized_relu");
  EXPECT_EQ(q->quant->scale, std::vector<double>{0.25});
  EXPECT_EQ(q->config.precision.at("result").type->ToString(), "ap_ufixed<4,2,AP_RND_CONV,AP_SAT>");
  const auto* qa = g->FindLayer("qa");
  EXPECT_TRUE(qa->quant->narrow);
  EXPECT_TRUE(qa->quant->is_signed);
  EXPECT_EQ(qa->quant->scale, std::vector<double>{1.0 / 32});
  EXPECT_EQ(qa->config.precision.at("result").type->ToString(), "ap_fixed<8,3,AP_RND_CONV,AP_SAT_SYM>");
}

TEST(KerasLoad, Keras3FunctionalInboundNodes) {
  // Keras 3 functional JSON form (keras_history) with Keras 2 weights.
  TempDir d;
  const char* arch = R"JS({"module": "keras", "class_name": "Functional", "config": {"name": "f",
    "layers": [
      {"module": "keras.layers", "class_name": "InputLayer", "name": "input_1",
       "config": {"batch_shape": [null, 10], "name": "input_1"}, "inbound_nodes": []},
      {"module": "keras.layers", "class_name": "Dense", "name": "fc1_relu",
       "config": {"name": "fc1_relu", "units": 32, "activation": "relu", "use_bias": true},
       "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 10],
          "dtype": "float32", "keras_history": ["input_1", 0, 0]}}], "kwargs": {}}]},
      {"module": "keras.layers", "class_name": "Dense", "name": "output_sigmoid",
       "config": {"name": "output_sigmoid", "units": 1, "activation": "sigmoid", "use_bias": true},
       "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 32],
          "dtype": "float32", "keras_history": ["fc1_relu", 0, 0]}}], "kwargs": {}}]}],
    "input_layers": [["input_1", 0, 0]], "output_layers": [["output_sigmoid", 0, 0]]}})JS";
  WriteText(d / "m.json", arch);
  auto g = LoadKeras(d / "m.json", M("KERAS_1layer_weights.h5"));
  ASSERT_TRUE(g.ok()) << g.status().message();
  EXPECT_EQ(g->layers.size(), 5u);
  EXPECT_EQ(g->outputs, std::vector<std::string>{"output_sigmoid_sigmoid"});
}

// ---- full-model .h5 -----------------------------------------------------------------

TEST(KerasLoad, FullModelH5) {
  // Build a Keras 2 full-model file: root attribute model_config + the weight
  // groups under /model_weights (copied from KERAS_3layer_weights.h5).
  TempDir d;
  const std::string out = d / "full.h5";
  hid_t src = H5Fopen(M("KERAS_3layer_weights.h5").c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(src, 0);
  hid_t dst = H5Fcreate(out.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(dst, 0);
  ASSERT_GE(H5Ocopy(src, "/", dst, "model_weights", H5P_DEFAULT, H5P_DEFAULT), 0);  // copies attributes too
  std::string cfg = ReadText(M("KERAS_3layer.json"));
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  hid_t sp = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(dst, "model_config", t, sp, H5P_DEFAULT, H5P_DEFAULT);
  const char* p = cfg.c_str();
  ASSERT_GE(H5Awrite(a, t, &p), 0);
  H5Aclose(a);
  H5Sclose(sp);
  H5Tclose(t);
  H5Fclose(dst);
  H5Fclose(src);
  auto g = LoadKeras(out);
  ASSERT_TRUE(g.ok()) << g.status().message();
  auto ref = LoadKeras(M("KERAS_3layer.json"), M("KERAS_3layer_weights.h5"));
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(Summary(*g), Summary(*ref));
  EXPECT_EQ(g->FindLayer("fc3_relu")->param("weight")->values, ref->FindLayer("fc3_relu")->param("weight")->values);
  // a weights-only file passed as the model
  auto w = LoadKeras(M("KERAS_3layer_weights.h5"));
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("model_config"), std::string::npos) << w.status().message();
}

// ---- bad inputs -------------------------------------------------------------------

TEST(KerasErrors, NonexistentFiles) {
  auto g = LoadKeras("/nonexistent/model.json");
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("/nonexistent/model.json"), std::string::npos);
  auto g2 = LoadKeras(M("KERAS_1layer.json"), "/nonexistent/w.h5");
  ASSERT_FALSE(g2.ok());
  EXPECT_NE(g2.status().message().find("/nonexistent/w.h5"), std::string::npos) << g2.status().message();
  auto g3 = LoadKeras("/nonexistent/m.keras");
  ASSERT_FALSE(g3.ok());
}

TEST(KerasErrors, WeightsMissingADataset) {
  TempDir d;
  const std::string w = d / "w.h5";
  fs::copy_file(M("KERAS_1layer_weights.h5"), w);
  fs::permissions(w, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::add);
  hid_t f = H5Fopen(w.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  ASSERT_GE(H5Ldelete(f, "/output_sigmoid/output_sigmoid/bias:0", H5P_DEFAULT), 0);
  H5Fclose(f);
  auto g = LoadKeras(M("KERAS_1layer.json"), w);
  ASSERT_FALSE(g.ok());
  const std::string m = g.status().message();
  EXPECT_NE(m.find(w), std::string::npos) << m;
  EXPECT_NE(m.find("\"output_sigmoid\""), std::string::npos) << m;
  EXPECT_NE(m.find("bias:0"), std::string::npos) << m;
}

TEST(KerasErrors, WeightsMissingALayer) {
  // the binary model's weights hold no group for KERAS_1layer's layers
  auto g = LoadKeras(M("KERAS_1layer.json"), M("KERAS_3layer_binary_smaller_weights.h5"));
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("\"fc1_relu\""), std::string::npos) << g.status().message();
}

TEST(KerasErrors, WeightShapeMismatch) {
  auto g = LoadKeras(M("KERAS_1layer.json"), M("KERAS_3layer_weights.h5"));  // fc1_relu is 16x64 there
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("\"fc1_relu\""), std::string::npos) << g.status().message();
  EXPECT_NE(g.status().message().find("[10, 32]"), std::string::npos) << g.status().message();
}

TEST(KerasErrors, TruncatedH5) {
  TempDir d;
  std::string bytes = ReadText(M("KERAS_1layer_weights.h5"));
  for (size_t keep : {bytes.size() / 2, size_t{100}, size_t{0}}) {
    const std::string w = d / std::string("t").append(std::to_string(keep)).append(".h5");  // not "t" + ...: GCC 12 -Wrestrict
    WriteText(w, bytes.substr(0, keep));
    auto g = LoadKeras(M("KERAS_1layer.json"), w);
    ASSERT_FALSE(g.ok()) << keep;
    EXPECT_NE(g.status().message().find(w), std::string::npos) << g.status().message();
  }
}

TEST(KerasErrors, KerasZipWithoutConfig) {
  TempDir d;
  const std::string z = d / "bad.keras";
  // the weights of the real archive, without config.json
  int err = 0;
  zip_t* src = zip_open(M("qkeras-v3_3layer.keras").c_str(), ZIP_RDONLY, &err);
  ASSERT_NE(src, nullptr);
  zip_t* dst = zip_open(z.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  ASSERT_NE(dst, nullptr);
  zip_source_t* s = zip_source_zip(dst, src, zip_name_locate(src, "model.weights.h5", 0), 0, 0, -1);
  ASSERT_NE(s, nullptr);
  ASSERT_GE(zip_file_add(dst, "model.weights.h5", s, ZIP_FL_OVERWRITE), 0);
  static const char meta[] = "{\"keras_version\": \"3.0.0\"}";
  zip_source_t* m = zip_source_buffer(dst, meta, sizeof(meta) - 1, 0);
  ASSERT_GE(zip_file_add(dst, "metadata.json", m, ZIP_FL_OVERWRITE), 0);
  ASSERT_EQ(zip_close(dst), 0);
  zip_discard(src);
  auto g = LoadKeras(z);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("config.json"), std::string::npos) << g.status().message();
  EXPECT_NE(g.status().message().find(z), std::string::npos) << g.status().message();
  // not a zip at all
  WriteText(d / "junk.keras", "PKjunk");
  auto g2 = LoadKeras(d / "junk.keras");
  ASSERT_FALSE(g2.ok());
}

TEST(KerasErrors, MalformedJsonAndBadQuantizer) {
  TempDir d;
  WriteText(d / "bad.json", "{\"class_name\": \"Sequential\", \"config\": [");
  auto g = LoadKeras(d / "bad.json", M("KERAS_1layer_weights.h5"));
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("malformed JSON"), std::string::npos) << g.status().message();

  std::string q = ReadText(M("qkeras_3layer.json"));
  size_t p = q.find("\"alpha\": 1", q.find("\"kernel_quantizer\""));
  ASSERT_NE(p, std::string::npos);
  // alpha='auto_po2' is supported; a scale axis other than the last is not
  q.replace(p, std::string("\"alpha\": 1").size(), "\"alpha\": \"auto_po2\", \"scale_axis\": 0");
  WriteText(d / "q.json", q);
  auto g2 = LoadKeras(d / "q.json", M("qkeras_3layer_weights.h5"));
  ASSERT_FALSE(g2.ok());
  EXPECT_NE(g2.status().message().find("\"fc1\""), std::string::npos) << g2.status().message();
  EXPECT_NE(g2.status().message().find("auto_po2"), std::string::npos) << g2.status().message();
}

// ---- convolutional layers without weights ----------------------------------------

TEST(KerasLoad, ConvWindowErrorsNameLayerAndField) {
  // The window geometry is checked before any weight is read.
  auto error_of = [](const std::string& layer_json) {
    TempDir d;
    WriteText(d / "m.json", R"JS({"class_name": "Sequential", "keras_version": "2.4.0", "config": {"name": "s", "layers": [
      {"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": [null, 5, 5, 2]}},
      )JS" + layer_json + "]}}");
    auto g = LoadKeras(d / "m.json", M("KERAS_1layer_weights.h5"));
    EXPECT_FALSE(g.ok());
    return g.ok() ? std::string() : g.status().message();
  };
  std::string m = error_of(R"({"class_name": "Conv2D", "config": {"name": "c", "filters": 3, "kernel_size": [3, 3],
                               "dilation_rate": [1, 2]}})");
  EXPECT_NE(m.find("layer \"c\" (Conv2D): dilation_rate 2 is not supported (only 1)"), std::string::npos) << m;
  m = error_of(R"({"class_name": "Conv1D", "config": {"name": "c1", "filters": 3, "kernel_size": 3,
                   "padding": "causal"}})");
  EXPECT_NE(m.find("layer \"c1\" (Conv1D): input shape [5, 5, 2]"), std::string::npos) << m;
  m = error_of(R"({"class_name": "Conv2D", "config": {"name": "c2", "filters": 3, "kernel_size": 3,
                   "padding": "causal"}})");
  EXPECT_NE(m.find("layer \"c2\" (Conv2D): padding 'causal' unsupported (valid, same)"), std::string::npos) << m;
  m = error_of(R"({"class_name": "MaxPooling2D", "config": {"name": "p", "pool_size": [6, 2]}})");
  EXPECT_NE(m.find("\"p\""), std::string::npos) << m;
  EXPECT_NE(m.find("pool window of size 6 is larger than its padded input 5"), std::string::npos) << m;
}

TEST(KerasLoad, PoolingPaddingUpsamplingMerges) {
  // Functional Keras 2 JSON: in[4,4,2] -> MaxPooling2D(2) -> a[2,2,2]
  //                                    -> AveragePooling2D(3, strides 2, same) -> b[2,2,2]
  // Add(a, b) -> ZeroPadding2D(((1,0),(0,2))) -> UpSampling2D((2,1)) -> Cropping2D(((1,1),(0,1)))
  // -> Concatenate(axis=-1) with itself? no: Concatenate(c, Maximum(a, b)) -> GlobalAveragePooling2D
  TempDir d;
  auto node = [](const char* cls, const char* name, const char* cfg, std::vector<const char*> ins) {
    std::string s = std::string(R"({"class_name": ")") + cls + R"(", "name": ")" + name +
                    R"(", "config": {"name": ")" + name + "\"" + (cfg[0] ? ", " : "") + cfg + R"(}, "inbound_nodes": [)";
    if (!ins.empty()) {
      s += "[";
      for (size_t i = 0; i < ins.size(); ++i) s += std::string(i ? ", " : "") + "[\"" + ins[i] + "\", 0, 0, {}]";
      s += "]";
    }
    return s + "]}";
  };
  std::string layers = node("InputLayer", "in", R"("batch_input_shape": [null, 4, 4, 2])", {}) + ",\n" +
                       node("MaxPooling2D", "a", R"("pool_size": [2, 2], "padding": "valid")", {"in"}) + ",\n" +
                       node("AveragePooling2D", "b", R"("pool_size": [3, 3], "strides": [2, 2], "padding": "same")", {"in"}) + ",\n" +
                       node("Add", "c", "", {"a", "b"}) + ",\n" +
                       node("Maximum", "m", "", {"a", "b"}) + ",\n" +
                       node("Concatenate", "cat", R"("axis": -1)", {"c", "m"}) + ",\n" +
                       node("ZeroPadding2D", "zp", R"("padding": [[1, 0], [0, 2]])", {"cat"}) + ",\n" +
                       node("UpSampling2D", "up", R"("size": [2, 1], "interpolation": "nearest")", {"zp"}) + ",\n" +
                       node("Cropping2D", "cr", R"("cropping": [[1, 1], [0, 1]])", {"up"}) + ",\n" +
                       node("GlobalAveragePooling2D", "gap", "", {"cr"});
  std::string arch = R"({"class_name": "Model", "keras_version": "2.4.0", "config": {"name": "m", "layers": [)" +
                     layers + R"(], "input_layers": [["in", 0, 0]], "output_layers": [["gap", 0, 0]]}})";
  WriteText(d / "m.json", arch);
  const hid_t f = H5Fcreate((d / "m_weights.h5").c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);  // no weights
  ASSERT_GE(f, 0);
  H5Gclose(H5Gcreate2(f, "layers", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  H5Fclose(f);
  auto g = LoadKeras(d / "m.json", "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  ASSERT_TRUE(g->Validate().ok()) << g->Validate().message();
  EXPECT_EQ(g->tensor(g->FindLayer("cat")->output).shape, (std::vector<int64_t>{2, 2, 4}));
  EXPECT_EQ(g->tensor(g->FindLayer("zp")->output).shape, (std::vector<int64_t>{3, 4, 4}));
  EXPECT_EQ(g->tensor(g->FindLayer("up")->output).shape, (std::vector<int64_t>{6, 4, 4}));
  EXPECT_EQ(g->tensor(g->FindLayer("cr")->output).shape, (std::vector<int64_t>{4, 3, 4}));
  EXPECT_EQ(g->FindLayer("b")->pool->pad_top, 0);     // same, stride 2, pool 3 on 4: total 1 -> 0, 1
  EXPECT_EQ(g->FindLayer("b")->pool->pad_bottom, 1);
  // float evaluation against a direct computation
  hlsforge::NDArray x;
  x.shape = {1, 4, 4, 2};
  for (int i = 0; i < 32; ++i) x.data.push_back((i * 7 % 11) - 5.0);
  auto X = [&](int y, int xx, int c) { return x.data[(y * 4 + xx) * 2 + c]; };
  double a[2][2][2], b[2][2][2];
  for (int oy = 0; oy < 2; ++oy)
    for (int ox = 0; ox < 2; ++ox)
      for (int c = 0; c < 2; ++c) {
        double mx = -1e9, s = 0;
        int n = 0;
        for (int ky = 0; ky < 2; ++ky)
          for (int kx = 0; kx < 2; ++kx) mx = std::max(mx, X(oy * 2 + ky, ox * 2 + kx, c));
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) {
            const int iy = oy * 2 + ky, ix = ox * 2 + kx;
            if (iy < 4 && ix < 4) s += X(iy, ix, c), ++n;
          }
        a[oy][ox][c] = mx;
        b[oy][ox][c] = s / n;
      }
  // cat[y][x] = (a+b, max(a,b)); zp: rows shifted by 1 (top), 2 zero cols right -> [3,4];
  // up: rows doubled -> [6,4]; crop rows 1..4, cols 0..2 -> [4,3]; gap over 12 cells
  std::vector<double> want(4, 0.0);
  for (int y = 0; y < 4; ++y)
    for (int xx = 0; xx < 3; ++xx) {
      const int zy = (y + 1) / 2, sy = zy - 1;  // up row -> zp row -> source row
      if (sy < 0 || xx >= 2) continue;
      for (int c = 0; c < 2; ++c) {
        want[c] += a[sy][xx][c] + b[sy][xx][c];
        want[2 + c] += std::max(a[sy][xx][c], b[sy][xx][c]);
      }
    }
  for (double& w : want) w /= 12;
  hlsforge::emu::Options opt;
  opt.float_mode = true;
  auto y = hlsforge::emu::Predict(*g, x, opt);
  ASSERT_TRUE(y.ok()) << y.status().message();
  ASSERT_EQ(y->data.size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(y->data[i], want[i], 1e-12) << i;
}
