// `inspect` and `convert` never disagree: for every bundled model (the
// shared models, examples/models, and the golden hls4ml configs), every
// reuse factor of {1, 2, 3, 4, 7, 8}, every ParallelizationFactor of
// {1, 2, 4} and both io types, the reuse factor, parallelization factor and
// multipliers of report::Summarize equal those of the written parameters.h.
// Only projects are written (no compiler runs). Models without Conv layers
// are swept over PF 1 only: no other kernel reads the ParallelizationFactor
// (their parameters.h does not depend on it). A model a backend cannot
// write (an io type it does not support) must fail with the documented
// message, listed in kKnownFailures.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "hls_test_util.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/passes/pass.h"
#include "hlsforge/report/summary.h"
#include "test_data.h"

namespace {

using namespace hls_test;

const std::string kSource = std::string(HLSFORGE_SOURCE_DIR);

struct Model {
  std::string name, path, weights, config;
};

std::vector<Model> BundledModels() {
  std::vector<Model> m;
  // Corpus files through tests/test_data.h (../shared, else tests/data).
  const auto corpus = [](const std::string& rel) { return test_data::Path(rel); };
  const auto onnx = [&](const std::string& n) { return corpus("models/onnx/" + n); };
  const auto qonnx = [&](const std::string& n) { return corpus("models/qonnx/" + n); };
  const auto keras = [&](const std::string& n) { return corpus("models/keras/" + n); };
  for (const char* n : {"three_layer_bn_pytorch", "bnn_model_fc_1layer", "two_layer_keras", "three_layer_keras",
                        "conv1d_small_keras", "dense_big_keras", "conv2d_small_keras", "three_layer_pytorch",
                        "separable_conv_model_ch_last"})
    m.push_back({n, onnx(std::string(n) + ".onnx"), "", ""});
  for (const char* n : {"TFC_2W2A", "TFC_1W1A", "qkeras_jettagging"}) m.push_back({n, qonnx(std::string(n) + ".onnx"), "", ""});
  for (const char* n : {"TFC_2W2A", "TFC_1W1A"})
    m.push_back({std::string("examples_") + n, kSource + "/examples/models/" + n + ".onnx", "", ""});
  for (const char* n : {"KERAS_1layer", "KERAS_3layer", "KERAS_3layer_binary_smaller", "KERAS_3layer_ternary_small",
                        "qkeras_3layer", "KERAS_conv1d_small", "KERAS_conv2d_model"})
    m.push_back({n, keras(std::string(n) + ".json"), keras(std::string(n) + "_weights.h5"), ""});
  m.push_back({"KERAS_3layer_70pruned", keras("KERAS_3layer.json"), keras("KERAS_3layer_70pruned_retrained_weights.h5"), ""});
  m.push_back({"qkeras-v3_3layer", keras("qkeras-v3_3layer.keras"), "", ""});
  for (const char* n : {"proxy_jet_classifier", "proxy_mnist_homogeneous_act"})
    m.push_back({n, keras(std::string(n) + ".json"), keras(std::string(n) + ".h5"), ""});
  for (const char* n : {"TFC_2W2A", "bnn_model_fc_1layer", "conv1d_small_keras", "conv2d_small_keras", "dense_big_keras",
                        "qkeras_jettagging", "three_layer_keras", "three_layer_pytorch", "two_layer_keras"}) {
    const std::string dir = "golden/hls4ml/" + std::string(n);
    m.push_back({std::string("golden_") + n, corpus(dir + "/model_clean.onnx"), "", corpus(dir + "/hls4ml_config_input.yml")});
  }
  return m;
}

/// Models the frontends do not read yet, with the reason (part of the error):
/// none today (the list stays so that a model added to the corpus ahead of
/// its frontend support is recorded, not silently skipped).
const std::map<std::string, std::string>& KnownLoadFailures() {
  static const std::map<std::string, std::string> k = {};
  return k;
}

/// Models a backend rejects in one io type, with the reason (part of the error).
const std::map<std::pair<std::string, ir::IOType>, std::string>& KnownFailures() {
  static const std::map<std::pair<std::string, ir::IOType>, std::string> k = {};
  return k;
}

/// The numbers of one layer's config structs in parameters.h.
struct Written {
  std::map<std::string, int64_t> fields;  ///< last value of each `static const unsigned` field
  std::optional<int64_t> dense_multiplier_limit;  ///< a dense_config's DIV_ROUNDUP(n_in*n_out, R) - n_zeros/R
  std::optional<int64_t> scale_multiplier_limit;  ///< a batchnorm_config's DIV_ROUNDUP(n_in, R)
};

/// Splits parameters.h at the "// layer 'NAME' (" comment that opens every
/// layer's configs and reads their unsigned fields.
std::map<std::string, Written> ParseParameters(const std::string& text) {
  std::map<std::string, Written> out;
  static const std::regex layer_re("^// layer '(.*)' \\(");
  static const std::regex field_re("(\\w+) = (\\d+)");
  std::istringstream in(text);
  std::string line, current, kind;
  std::map<std::string, int64_t> st;  // fields of the struct being read
  auto close = [&] {
    if (current.empty() || kind.empty()) return;
    Written& w = out[current];
    for (const auto& [k, v] : st) w.fields[k] = v;
    const int64_t r = std::max<int64_t>(1, st.count("reuse_factor") ? st["reuse_factor"] : 1);
    if (kind == "dense_config")
      w.dense_multiplier_limit = (st["n_in"] * st["n_out"] + r - 1) / r - st["n_zeros"] / r;
    if (kind == "batchnorm_config") w.scale_multiplier_limit = (st["n_in"] + r - 1) / r;
    kind.clear();
    st.clear();
  };
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, layer_re)) {
      close();
      current = m[1];
      continue;
    }
    const size_t base = line.find(" : nnet::");
    if (line.rfind("struct ", 0) == 0 && base != std::string::npos) {
      close();
      kind = line.substr(base + 9, line.find(' ', base + 9) - base - 9);
      continue;
    }
    if (line.find("static const unsigned") == std::string::npos) continue;
    for (auto it = std::sregex_iterator(line.begin(), line.end(), field_re); it != std::sregex_iterator(); ++it)
      st[(*it)[1]] = std::stoll((*it)[2]);
    if (line.find("};") != std::string::npos) close();
  }
  close();
  return out;
}

std::string ReadText(const fs::path& p) {
  std::ifstream f(p);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

bool HasConv(const ir::Graph& g) {
  for (const ir::Layer& l : g.layers)
    if (l.kind == ir::LayerKind::Conv) return true;
  return false;
}

/// One sweep point: the config's reuse / parallelization factor on every
/// layer (as a Model-level value), the io type set on the graph before
/// lower_hardware runs (as `convert --io-type` does), then inspect's numbers
/// against the written parameters.h. Returns the layers compared.
int CheckPoint(ir::Graph g, const std::string& tag, int rf, int pf, ir::IOType io, const fs::path& dir) {
  for (ir::Layer& l : g.layers) {
    l.config.reuse_factor = rf;
    l.config.parallelization_factor = pf;
  }
  g.io_type = io;
  Status st = passes::RunPipeline(g, {"lower_hardware"});
  EXPECT_TRUE(st.ok()) << tag << ": " << st.message();
  const report::ModelSummary s = report::Summarize(g);
  backends::HlsOptions opt;
  opt.io_type = io;
  opt.force = true;
  opt.warn = [](const std::string&) {};
  opt.tb_samples = 0;  // parameters only: no testbench data (a 512x512 image model writes 36 projects here)
  st = backends::WriteHlsProject(g, opt, dir.string());
  if (!st.ok()) {
    ADD_FAILURE() << tag << ": " << st.message();
    return 0;
  }
  const auto written = ParseParameters(ReadText(dir / "firmware" / "parameters.h"));
  int compared = 0;
  for (const report::LayerSummary& l : s.layers) {
    auto it = written.find(l.name);
    if (it == written.end()) continue;
    const Written& w = it->second;
    const std::string where = tag + " layer " + l.name;
    if (w.fields.count("reuse_factor")) {
      EXPECT_EQ(l.reuse_factor, w.fields.at("reuse_factor")) << where;
      ++compared;
    }
    if (w.fields.count("parallelization_factor"))
      EXPECT_EQ(l.parallelization_factor, w.fields.at("parallelization_factor")) << where;
    if (w.dense_multiplier_limit) {
      const int64_t units = w.fields.count("parallelization_factor") ? w.fields.at("parallelization_factor") : 1;
      EXPECT_EQ(l.multipliers, *w.dense_multiplier_limit * units) << where;
    }
    if (w.scale_multiplier_limit) EXPECT_EQ(l.multipliers, *w.scale_multiplier_limit) << where;
  }
  return compared;
}

class PlanConsistency : public ::testing::TestWithParam<Model> {};

TEST_P(PlanConsistency, InspectEqualsWrittenParameters) {
  const Model& m = GetParam();
  for (const std::string* f : {&m.path, &m.weights, &m.config})
    if (!f->empty() && !fs::exists(*f))
      GTEST_SKIP() << "needs " << *f << " of the full test corpus (../shared), not bundled in tests/data";
  auto loaded = flow::LoadConfiguredModel(m.path, m.config, flow::Options{m.weights, std::nullopt, std::nullopt});
  if (auto known = KnownLoadFailures().find(m.name); known != KnownLoadFailures().end()) {
    ASSERT_FALSE(loaded.ok()) << m.name << " loads now: remove it from KnownLoadFailures";
    EXPECT_NE(loaded.status().message().find(known->second), std::string::npos) << loaded.status().message();
    GTEST_SKIP() << m.name << ": " << known->second;
  }
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const fs::path dir = TmpDir("plan_" + m.name);
  const std::vector<int> pfs = HasConv(*loaded) ? std::vector<int>{1, 2, 4} : std::vector<int>{1};
  int compared = 0;
  for (ir::IOType io : {ir::IOType::Parallel, ir::IOType::Stream}) {
    auto known = KnownFailures().find({m.name, io});
    for (int rf : {1, 2, 3, 4, 7, 8})
      for (int pf : pfs) {
        const std::string tag = m.name + (io == ir::IOType::Stream ? " io_stream" : " io_parallel") + " RF " +
                                std::to_string(rf) + " PF " + std::to_string(pf);
        if (known != KnownFailures().end()) {
          backends::HlsOptions opt;
          opt.io_type = io;
          opt.warn = [](const std::string&) {};
          Status st = backends::WriteHlsProject(*loaded, opt, dir.string());
          ASSERT_FALSE(st.ok()) << tag;
          EXPECT_NE(st.message().find(known->second), std::string::npos) << tag << ": " << st.message();
          continue;
        }
        compared += CheckPoint(*loaded, tag, rf, pf, io, dir);
      }
  }
  EXPECT_GT(compared, 0) << m.name << ": no layer compared";
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Bundled, PlanConsistency, ::testing::ValuesIn(BundledModels()),
                         [](const ::testing::TestParamInfo<Model>& i) {
                           std::string n = i.param.name;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// The case that made them disagree: TFC_2W2A at ReuseFactor 7. MatMul_1
// (64 x 64) cannot use 7; both say 8 and multiplier_limit 379.
TEST(PlanConsistencyCase, Tfc2w2aReuseFactor7) {
  auto g = flow::LoadConfiguredModel(kSource + "/examples/models/TFC_2W2A.onnx", std::string());
  ASSERT_TRUE(g.ok()) << g.status().message();
  const fs::path dir = TmpDir("plan_tfc_rf7");
  ASSERT_GT(CheckPoint(*g, "TFC_2W2A RF 7", 7, 1, ir::IOType::Parallel, dir), 0);
  for (ir::Layer& l : g->layers) l.config.reuse_factor = 7;
  ASSERT_TRUE(passes::RunPipeline(*g, {"lower_hardware"}).ok());
  const report::ModelSummary s = report::Summarize(*g);
  bool found = false;
  for (const auto& l : s.layers)
    if (l.name == "MatMul_1") {
      found = true;
      EXPECT_EQ(l.reuse_factor, 8);
      EXPECT_EQ(l.multipliers, 379);
    }
  EXPECT_TRUE(found);
  const auto w = ParseParameters(ReadText(dir / "firmware" / "parameters.h"));
  ASSERT_TRUE(w.count("MatMul_1"));
  EXPECT_EQ(w.at("MatMul_1").fields.at("reuse_factor"), 8);
  EXPECT_EQ(*w.at("MatMul_1").dense_multiplier_limit, 379);
  fs::remove_all(dir);
}

}  // namespace
