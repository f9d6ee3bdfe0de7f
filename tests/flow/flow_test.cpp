// Tests of the compile flow (src/flow/flow.cpp): model + config + io_type +
// pass pipeline equals the stages run by hand; the options act; every error
// names the file and, for a config, the key. Uses the bundled
// examples/models/TFC_2W2A.onnx (in the repository).
#include "hlsforge/flow/flow.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::flow {
namespace {

namespace fs = std::filesystem;

const std::string kModel = std::string(HLSFORGE_SOURCE_DIR) + "/examples/models/TFC_2W2A.onnx";

/// A fresh directory under the system temp dir, removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = fs::temp_directory_path() / ("hlsforge_flow_" + std::string(info->name()) + "_" +
                                         std::to_string(std::random_device{}()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  /// Writes `text` to `name` inside the directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = (path_ / name).string();
    std::ofstream(p) << text;
    return p;
  }
  std::string Path(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

/// `rows` MNIST-like rows in [0, 1).
NDArray RandomRows(int64_t rows, int64_t size, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  NDArray x;
  x.shape = {rows, size};
  x.data.resize(static_cast<size_t>(rows * size));
  for (double& v : x.data) v = u(rng);
  return x;
}

NDArray PredictOrFail(const ir::Graph& g, const NDArray& x) {
  auto y = emu::Predict(g, x);
  EXPECT_TRUE(y.ok()) << y.status().message();
  return y.ok() ? std::move(y).value() : NDArray{};
}

/// The stages by hand: frontend, config (default when `config` is null), default pipeline.
ir::Graph ByHand(const ir::ModelConfig* config) {
  auto g = frontends::LoadOnnx(kModel);
  EXPECT_TRUE(g.ok()) << g.status().message();
  ir::ModelConfig cfg;
  if (config) {
    cfg = *config;
  } else {
    auto text = ir::GenerateConfig(*g, "name");
    EXPECT_TRUE(text.ok());
    cfg = ir::ParseConfig(*text, "by hand").value();
  }
  EXPECT_TRUE(ir::ApplyConfig(cfg, *g).ok());
  EXPECT_TRUE(passes::RunPipeline(*g, passes::DefaultPipeline()).ok());
  return std::move(g).value();
}

Options WithIoType(ir::IOType t) {
  Options o;
  o.io_type = t;
  return o;
}

Options WithPasses(std::vector<std::string> names) {
  Options o;
  o.passes = std::move(names);
  return o;
}

const ir::Layer& FirstDense(const ir::Graph& g) {
  for (const ir::Layer& l : g.layers)
    if (l.kind == ir::LayerKind::Dense) return l;
  throw Error("no Dense layer");
}

TEST(Flow, DefaultConfigEqualsTheStagesByHand) {
  auto g = LoadConfiguredModel(kModel, "");
  ASSERT_TRUE(g.ok()) << g.status().message();
  const ir::Graph ref = ByHand(nullptr);
  const NDArray x = RandomRows(64, 784, 1);
  const NDArray y = PredictOrFail(*g, x), y_ref = PredictOrFail(ref, x);
  ASSERT_EQ(y.shape, y_ref.shape);
  EXPECT_EQ(y.data, y_ref.data);
  // the comparison means something: outputs vary across rows and classes
  EXPECT_GT(std::set<double>(y.data.begin(), y.data.end()).size(), 10u);
  for (const auto& [name, t] : g->tensors) EXPECT_TRUE(t.type.has_value()) << name << " not typed by the pipeline";
}

TEST(Flow, ConfigFileAndConfigObjectAgree) {
  TempDir dir;
  auto raw = LoadModel(kModel);
  ASSERT_TRUE(raw.ok()) << raw.status().message();
  const std::string dense = FirstDense(*raw).name;
  const std::string cfg_path = dir.Write("cfg.yml",
                                         "Model:\n  Precision: fixed<16,6>\n  ReuseFactor: 1\n  Strategy: Latency\n"
                                         "LayerName:\n  " + dense + ":\n    ReuseFactor: 4\n");
  auto from_file = LoadConfiguredModel(kModel, cfg_path);
  ASSERT_TRUE(from_file.ok()) << from_file.status().message();
  auto cfg = ir::LoadConfig(cfg_path);
  ASSERT_TRUE(cfg.ok()) << cfg.status().message();
  auto from_object = LoadConfiguredModel(kModel, *cfg);
  ASSERT_TRUE(from_object.ok()) << from_object.status().message();
  EXPECT_EQ(FirstDense(*from_file).config.reuse_factor, 4);
  EXPECT_EQ(FirstDense(*from_object).config.reuse_factor, 4);
  const ir::Graph ref = ByHand(&*cfg);
  const NDArray x = RandomRows(32, 784, 2);
  const NDArray y = PredictOrFail(*from_file, x);
  EXPECT_EQ(y.data, PredictOrFail(*from_object, x).data);
  EXPECT_EQ(y.data, PredictOrFail(ref, x).data);
}

TEST(Flow, IoTypeOverrideWinsOverTheConfig) {
  TempDir dir;
  const std::string stream_cfg = dir.Write("stream.yml", "Model:\n  Precision: fixed<16,6>\nIOType: io_stream\n");
  auto def = LoadConfiguredModel(kModel, "");
  ASSERT_TRUE(def.ok()) << def.status().message();
  EXPECT_EQ(def->io_type, ir::IOType::Parallel);
  auto from_cfg = LoadConfiguredModel(kModel, stream_cfg);
  ASSERT_TRUE(from_cfg.ok()) << from_cfg.status().message();
  EXPECT_EQ(from_cfg->io_type, ir::IOType::Stream);
  auto overridden = LoadConfiguredModel(kModel, stream_cfg, WithIoType(ir::IOType::Parallel));
  ASSERT_TRUE(overridden.ok()) << overridden.status().message();
  EXPECT_EQ(overridden->io_type, ir::IOType::Parallel);
  auto to_stream = LoadConfiguredModel(kModel, "", WithIoType(ir::IOType::Stream));
  ASSERT_TRUE(to_stream.ok()) << to_stream.status().message();
  EXPECT_EQ(to_stream->io_type, ir::IOType::Stream);
}

TEST(Flow, PassListOption) {
  // No pass: precisions stay `auto`, so the output tensor has no type yet.
  auto none = LoadConfiguredModel(kModel, "", WithPasses({}));
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_FALSE(none->tensor(none->outputs.at(0)).type.has_value());
  // fold_constants alone: the Reshape and merged ScaleShifts go, nothing is typed.
  auto fold = LoadConfiguredModel(kModel, "", WithPasses({"fold_constants"}));
  ASSERT_TRUE(fold.ok()) << fold.status().message();
  EXPECT_LT(fold->layers.size(), none->layers.size());
  EXPECT_FALSE(fold->tensor(fold->outputs.at(0)).type.has_value());
  // The default pipeline named explicitly equals the default.
  auto named = LoadConfiguredModel(kModel, "", WithPasses(passes::DefaultPipeline()));
  auto full = LoadConfiguredModel(kModel, "");
  ASSERT_TRUE(named.ok()) << named.status().message();
  ASSERT_TRUE(full.ok()) << full.status().message();
  EXPECT_EQ(named->layers.size(), full->layers.size());
  const NDArray x = RandomRows(16, 784, 3);
  EXPECT_EQ(PredictOrFail(*named, x).data, PredictOrFail(*full, x).data);
  // An unknown pass is named, with the model.
  auto bad = LoadConfiguredModel(kModel, "", WithPasses({"infer_precision", "no_such_pass"}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("unknown pass 'no_such_pass'"), std::string::npos) << bad.status().message();
  EXPECT_NE(bad.status().message().find(kModel), std::string::npos) << bad.status().message();
}

TEST(Flow, ModelErrorsNameTheFile) {
  TempDir dir;
  const std::string missing = dir.Path("missing.onnx");
  auto a = LoadConfiguredModel(missing, "");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().message(), missing + ": no such file");

  const std::string txt = dir.Write("model.txt", "not a model");
  auto b = LoadModel(txt);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find(txt + ": unknown model format '.txt'"), std::string::npos) << b.status().message();

  auto c = LoadModel(kModel, dir.Write("w.h5", ""));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("an ONNX model holds its weights"), std::string::npos) << c.status().message();

  auto d = LoadModel(kModel, dir.Path("nope.h5"));
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(), dir.Path("nope.h5") + ": no such file (weights)");

  const std::string garbage = dir.Write("garbage.onnx", "\x01\x02 definitely not protobuf");
  auto e = LoadConfiguredModel(garbage, "");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find(garbage), std::string::npos) << e.status().message();
}

TEST(Flow, ConfigErrorsNameTheFileAndKey) {
  TempDir dir;
  const std::string missing = dir.Path("missing.yml");
  auto a = LoadConfiguredModel(kModel, missing);
  ASSERT_FALSE(a.ok());
  EXPECT_NE(a.status().message().find(missing), std::string::npos) << a.status().message();

  const std::string bad_layer =
      dir.Write("bad_layer.yml", "Model:\n  Precision: fixed<16,6>\nLayerName:\n  NoSuchLayer_7:\n    ReuseFactor: 2\n");
  auto b = LoadConfiguredModel(kModel, bad_layer);
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find(bad_layer), std::string::npos) << b.status().message();
  EXPECT_NE(b.status().message().find("'NoSuchLayer_7' names no layer"), std::string::npos) << b.status().message();

  const std::string bad_value = dir.Write("bad_value.yml", "Model:\n  Precision: fixed<16,6>\nIOType: io_sideways\n");
  auto c = LoadConfiguredModel(kModel, bad_value);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find(bad_value + ": IOType"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("io_sideways"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace hlsforge::flow
