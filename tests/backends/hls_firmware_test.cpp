// What a Vitis/Vivado HLS (and a Catapult HLS) user gets from a generated
// project, beyond the C simulation agreeing with the emulator
// (hls_acceptance_test.cpp, catapult_test.cpp):
//  * no floating point in synthesized code: no `double` / `float` outside
//    simulation-only preprocessor branches, and every `/` or `%` divides by
//    a compile-time constant, in every firmware file of every shared model in
//    every variant (Latency / Resource x io_parallel / io_stream), the kernel
//    library included;
//  * the project's own testbench, compiled with g++ -std=c++14 against our
//    simulation headers exactly as build_prj.tcl compiles it (weights read
//    from the .txt files), runs without arguments and returns 0, and returns
//    non-zero once one expected value in tb_data is altered;
//  * golden text of the emitted schedule: the top function's pragmas and each
//    layer's strategy / reuse / multiplier fields, per strategy x io type,
//    for the MLP and CNN families (FileCheck habit: a change of the plan is a
//    reviewed diff of tests/backends/golden_pragmas/*.txt; regenerate with
//    HLSFORGE_UPDATE_GOLDEN=1 and review the diff); the Catapult dialect's
//    (`#pragma hls_...` and build_prj.tcl directives) in
//    tests/backends/catapult_golden_pragmas/.
// Every rule is checked on Vitis projects and on Catapult projects (the
// model's types in the AC family, ac_fixed / ac_channel).
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <set>

#include "hlsforge/flow/flow.h"
#include "hls_test_util.h"
#include "test_data.h"

using namespace hls_test;
using namespace hlsforge;

namespace {

std::string ReadText(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// The text without comments, string and character literals (replaced by
/// spaces; newlines kept).
std::string StripComments(const std::string& s) {
  std::string r = s;
  for (size_t i = 0; i < r.size();) {
    if (r.compare(i, 2, "//") == 0) {
      while (i < r.size() && r[i] != '\n') r[i++] = ' ';
    } else if (r.compare(i, 2, "/*") == 0) {
      const size_t e = r.find("*/", i + 2);
      const size_t end = e == std::string::npos ? r.size() : e + 2;
      for (; i < end; ++i)
        if (r[i] != '\n') r[i] = ' ';
    } else if (r[i] == '"' || r[i] == '\'') {
      const char q = r[i];
      if (q == '"' && i > 0 && r[i - 1] == 'R') {  // raw string R"(...)"
        const size_t e = r.find(")\"", i);
        const size_t end = e == std::string::npos ? r.size() : e + 2;
        for (; i < end; ++i)
          if (r[i] != '\n') r[i] = ' ';
        continue;
      }
      r[i++] = ' ';
      while (i < r.size() && r[i] != q && r[i] != '\n') {
        if (r[i] == '\\' && i + 1 < r.size()) r[i++] = ' ';
        r[i++] = ' ';
      }
      if (i < r.size() && r[i] == q) r[i++] = ' ';
    } else {
      ++i;
    }
  }
  return r;
}

/// Whether a preprocessor condition selects simulation-only code.
bool SimOnlyCondition(const std::string& directive, const std::string& cond) {
  if (directive == "ifndef") return cond.find("__SYNTHESIS__") != std::string::npos;
  if (directive == "ifdef") return cond.find("HLSFORGE_CSIM_TRACE") != std::string::npos;
  return cond.find("!defined(__SYNTHESIS__)") != std::string::npos ||
         cond.find("defined(HLSFORGE_CSIM_TRACE)") != std::string::npos;
}

/// Names a file declares as compile-time constants: constexpr / const
/// integral variables, static const members, template value parameters.
std::set<std::string> ConstantNames(const std::string& s) {
  std::set<std::string> names;
  static const std::regex decl(R"((?:constexpr|const)\s+(?:unsigned|int|bool|size_t|long)\s+([A-Za-z_]\w*(?:\s*=[^,;]*,\s*[A-Za-z_]\w*)*))");
  static const std::regex tparam(R"((?:unsigned|int)\s+([A-Za-z_]\w*)\s*[,>=])");
  static const std::regex name(R"(([A-Za-z_]\w*)\s*(?:=|$))");
  for (std::sregex_iterator it(s.begin(), s.end(), decl), end; it != end; ++it) {
    const std::string list = (*it)[1];
    for (std::sregex_iterator n(list.begin(), list.end(), name); n != end; ++n) names.insert((*n)[1]);
  }
  for (size_t t = s.find("template"); t != std::string::npos; t = s.find("template", t + 1)) {
    const size_t open = s.find('<', t), close = s.find('>', open == std::string::npos ? t : open);
    if (open == std::string::npos || close == std::string::npos) continue;
    const std::string params = s.substr(open, close - open + 1);
    for (std::sregex_iterator it(params.begin(), params.end(), tparam), end; it != end; ++it) names.insert((*it)[1]);
  }
  return names;
}

/// Violations of the synthesizable-code rules in one file: `double`/`float`
/// or a division / modulo by a non-constant outside simulation-only
/// branches. Each entry names the file and line.
std::vector<std::string> FirmwareViolations(const std::string& text, const std::string& file) {
  std::vector<std::string> v;
  const std::string s = StripComments(text);
  const std::set<std::string> consts = ConstantNames(s);
  std::vector<std::pair<bool, bool>> stack;  // (this branch sim-only, the #else branch sim-only)
  std::istringstream in(s);
  std::string line;
  int no = 0;
  static const std::regex fp(R"(\b(double|float)\b|\.to_double\s*\(|\.to_float\s*\()");
  static const std::regex directive(R"(^\s*#\s*(\w+)\s*(.*)$)");
  static const std::regex table_init(R"(^\s*(template\s*<[^>]*>\s*)?\w[\w:<>, ]*\s+(init_\w*table\w*|value_of_top_bits)\s*\()");
  int depth = 0, exempt_depth = 0;
  bool exempt = false, exempt_opened = false;
  while (std::getline(in, line)) {
    ++no;
    std::smatch m;
    if (std::regex_match(line, m, directive)) {
      const std::string d = m[1], cond = m[2];
      if (d == "if" || d == "ifdef" || d == "ifndef") {
        const bool sim = SimOnlyCondition(d, cond);
        const bool else_sim = (d == "ifdef" && cond.find("__SYNTHESIS__") != std::string::npos);
        stack.push_back({sim, else_sim});
      } else if (d == "else" && !stack.empty()) {
        stack.back() = {stack.back().second, false};
      } else if (d == "elif" && !stack.empty()) {
        stack.back() = {false, false};
      } else if (d == "endif" && !stack.empty()) {
        stack.pop_back();
      }
      continue;  // directives (#define, #pragma, #include) are not synthesized operations
    }
    bool sim = false;
    for (const auto& e : stack) sim = sim || e.first;
    // Table initializers (sigmoid/tanh/softmax ROM contents) compute in float
    // on constants only; the tool evaluates them at compile time (hls4ml's
    // pattern). They are the one exemption, by name.
    if (!exempt && std::regex_search(line, table_init)) {
      exempt = true;
      exempt_depth = depth;
      exempt_opened = false;
    }
    for (char c : line) {
      if (c == '{') ++depth, exempt_opened = exempt_opened || exempt;
      if (c == '}') --depth;
    }
    if (exempt) {
      if (exempt_opened && depth <= exempt_depth) exempt = false;
      continue;
    }
    if (sim) continue;
    if (std::regex_search(line, m, fp))
      v.push_back(fmt::format("{}:{}: floating point '{}' in synthesized code", file, no, m.str()));
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '/' && line[i] != '%') continue;
      if (i + 1 < line.size() && line[i + 1] == '=') continue;  // compound assignment: checked below like the operator
      size_t j = i + 1;
      auto skip_ws = [&] { while (j < line.size() && std::isspace(static_cast<unsigned char>(line[j]))) ++j; };
      skip_ws();
      // casts: (T)x, ap_uint<..>(x), (x)
      for (int guard = 0; guard < 4; ++guard) {
        if (line.compare(j, 3, "ap_") == 0 || line.compare(j, 3, "ac_") == 0 || line.compare(j, 7, "uint_t<") == 0 ||
            line.compare(j, 6, "int_t<") == 0) {
          const size_t gt = line.find(">(", j);
          if (gt == std::string::npos) break;
          j = gt + 2;
        } else if (j < line.size() && line[j] == '(') {
          const size_t close = line.find(')', j);
          if (close == std::string::npos) break;
          const std::string inner = line.substr(j + 1, close - j - 1);
          const bool is_type = std::regex_match(inner, std::regex(R"(\s*[A-Za-z_][\w:<>, ]*\s*)")) &&
                               close + 1 < line.size() &&
                               (std::isalnum(static_cast<unsigned char>(line[close + 1])) || line[close + 1] == '(');
          j = is_type ? close + 1 : j + 1;
        } else {
          break;
        }
        skip_ws();
      }
      size_t e = j;
      while (e < line.size() && (std::isalnum(static_cast<unsigned char>(line[e])) || line[e] == '_' || line[e] == ':' ||
                                 line[e] == '.'))
        ++e;
      const std::string tok = line.substr(j, e - j);
      const bool ok = !tok.empty() && (std::isdigit(static_cast<unsigned char>(tok[0])) ||
                                       tok.find("::") != std::string::npos || consts.count(tok) > 0 ||
                                       tok == "sizeof");
      if (!ok) v.push_back(fmt::format("{}:{}: '{}' by a non-constant '{}'", file, no, line[i], tok));
    }
  }
  return v;
}

std::vector<std::string> CheckFiles(const fs::path& dir, const std::vector<fs::path>& files) {
  std::vector<std::string> v;
  for (const fs::path& f : files) {
    auto w = FirmwareViolations(ReadText(f), fs::relative(f, dir).string());
    v.insert(v.end(), w.begin(), w.end());
  }
  return v;
}

struct Variant {
  const char* name;
  ir::Strategy strategy;
  ir::IOType io;
};
const Variant kVariants[] = {
    {"latency_parallel", ir::Strategy::Latency, ir::IOType::Parallel},
    {"latency_stream", ir::Strategy::Latency, ir::IOType::Stream},
    {"resource_parallel", ir::Strategy::Resource, ir::IOType::Parallel},
    {"resource_stream", ir::Strategy::Resource, ir::IOType::Stream},
};

/// The graph of `model` for a variant: every Dense/Conv given the strategy
/// (Resource: the valid reuse factor nearest 4), planned for the io type.
ir::Graph VariantGraph(const ir::Graph& loaded, const Variant& v) {
  ir::Graph g = loaded;
  for (auto& l : g.layers) {
    if (l.kind != ir::LayerKind::Dense && l.kind != ir::LayerKind::Conv) continue;
    l.config.strategy = v.strategy;
    if (v.strategy == ir::Strategy::Resource && l.kind == ir::LayerKind::Dense) {
      const auto& w = l.params.at("weight").shape;
      l.config.reuse_factor = backends::ClosestReuseFactor(
          backends::ValidDenseReuseFactors(static_cast<int>(w[0]), static_cast<int>(w[1])), 4);
    }
  }
  Replan(g, v.io);
  return g;
}

const char* const kModels[] = {
    "models/onnx/three_layer_keras.onnx",   "models/onnx/two_layer_keras.onnx",
    "models/onnx/three_layer_pytorch.onnx", "models/onnx/three_layer_bn_pytorch.onnx",
    "models/onnx/dense_big_keras.onnx",     "models/onnx/bnn_model_fc_1layer.onnx",
    "models/onnx/conv1d_small_keras.onnx",  "models/onnx/conv2d_small_keras.onnx",
    "models/onnx/separable_conv_model_ch_last.onnx",
    "models/qonnx/qkeras_jettagging.onnx",  "models/qonnx/TFC_2W2A.onnx",
    "models/qonnx/TFC_1W1A.onnx",           "models/keras/KERAS_3layer.json",
    "models/keras/KERAS_3layer_binary_smaller.json", "models/keras/KERAS_3layer_ternary_small.json",
    "models/keras/KERAS_conv1d_small.json", "models/keras/KERAS_conv2d_model.json",
    "models/keras/qkeras_3layer.json",
};

/// The options that load a model for `backend` (Catapult: the AC family).
flow::Options BackendFlow(const std::string& backend) {
  flow::Options o;
  if (backend == "catapult") o.family = Family::AC;
  return o;
}

TEST(HlsFirmware, NoFloatingPointNorRuntimeDivisorInSynthesizedCode) {
  const fs::path root = TmpDir("firmware_rules");
  int projects = 0, files = 0;
  for (const std::string backend : {"vitis", "catapult"}) {
    bool library_checked = false;
    for (const char* rel : kModels) {
      const std::string path = test_data::Find(rel);
      if (path.empty()) continue;
      auto loaded = flow::LoadConfiguredModel(path, std::string(), BackendFlow(backend));
      ASSERT_TRUE(loaded.ok()) << rel << ": " << loaded.status().message();
      for (const Variant& v : kVariants) {
        const ir::Graph g = VariantGraph(*loaded, v);
        backends::HlsOptions opt;
        opt.backend = backend;
        opt.warn = [](const std::string&) {};
        opt.tb_samples = 1;
        const fs::path dir = root / (backend + "_" + fs::path(rel).stem().string() + "_" + v.name);
        const Status st = backends::WriteHlsProject(g, opt, dir.string());
        ASSERT_TRUE(st.ok()) << rel << " " << v.name << ": " << st.message();
        std::vector<fs::path> fw = {dir / "firmware" / "myproject.cpp", dir / "firmware" / "myproject.h",
                                    dir / "firmware" / "parameters.h", dir / "firmware" / "defines.h"};
        for (const auto& e : fs::directory_iterator(dir / "firmware" / "weights"))
          if (e.path().extension() == ".h") fw.push_back(e.path());
        if (!library_checked) {  // the kernel library: the same files in every project
          for (const auto& e : fs::directory_iterator(dir / "firmware" / "nnet_utils")) fw.push_back(e.path());
          library_checked = true;
        }
        const std::vector<std::string> bad = CheckFiles(dir, fw);
        files += static_cast<int>(fw.size());
        ++projects;
        EXPECT_TRUE(bad.empty()) << backend << " " << rel << " " << v.name << ":\n" << fmt::format("{}", fmt::join(bad, "\n"));
        fs::remove_all(dir);
      }
    }
  }
  if (projects == 0) GTEST_SKIP() << "no model of the corpus found";
  std::printf("[ covered  ] %d projects (%d firmware files) free of floating point and runtime divisors\n", projects,
              files);
}

// The checker itself finds what it must (it could otherwise pass vacuously).
TEST(HlsFirmware, CheckerFindsFloatingPointAndRuntimeDivisors) {
  const std::string code =
      "template <unsigned N> void f(int a, int n) {\n"
      "  constexpr unsigned K = 3;\n"
      "  int b = a / N + a % K + a / 4 + a / CONFIG_T::n_in;\n"  // constants: fine
      "  int c = a / n;\n"                                       // line 4: runtime divisor
      "  double d = 0;\n"                                        // line 5
      "#ifndef __SYNTHESIS__\n  double e = a / n;\n#endif\n"     // simulation only: fine
      "#ifdef __SYNTHESIS__\n  int g = 0;\n#else\n  float h = 0;\n#endif\n"
      "  // a / n double in a comment\n"
      "  if (a > b.to_double()) {}\n"  // line 15
      "}\n"
      "template <typename C> void init_exp_table(int t[4]) {\n"  // exempt: a table initializer
      "  for (int i = 0; i < 4; i++) { float x = i; t[i] = x; }\n"
      "}\n"
      "void g() { float after_the_initializer = 0; }\n";  // line 20
  const auto v = FirmwareViolations(code, "x.h");
  ASSERT_EQ(v.size(), 4u) << fmt::format("{}", fmt::join(v, "\n"));
  EXPECT_NE(v[0].find("x.h:4:"), std::string::npos) << v[0];
  EXPECT_NE(v[1].find("x.h:5:"), std::string::npos) << v[1];
  EXPECT_NE(v[2].find("x.h:15:"), std::string::npos) << v[2];
  EXPECT_NE(v[3].find("x.h:20:"), std::string::npos) << v[3];
}

/// Compiles the project's testbench as build_prj.tcl does (g++ -std=c++14,
/// weights from the .txt files) into dir/tb; returns the compiler's status.
int CompileTestbench(const fs::path& dir) {
  const std::string cmd = fmt::format(
      "cd '{}' && g++ -std=c++14 -O0 -w -I sim_include -I firmware -I . -DHLSFORGE_WEIGHTS_FROM_TXT "
      "myproject_test.cpp firmware/myproject.cpp -o tb > compile.log 2>&1",
      dir.string());
  return std::system(cmd.c_str());
}

int RunTestbench(const fs::path& dir) {
  const int rc = std::system(fmt::format("cd '{}' && ./tb > run.log 2>&1", dir.string()).c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

// skip_softmax: `Skip: true` on the softmax (its constant 1/N output under
// the default config would make the expected outputs constant).
void SelfCheckingTestbench(const std::string& rel, const Variant& v, const std::string& tag, bool skip_softmax,
                           const std::string& backend = "vitis") {
  const std::string path = test_data::Find(rel);
  if (path.empty()) GTEST_SKIP() << "needs " << rel;
  auto loaded = flow::LoadConfiguredModel(path, std::string(), BackendFlow(backend));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  int skipped = 0;
  for (auto& l : loaded->layers)
    if (skip_softmax && l.kind == ir::LayerKind::Softmax) l.config.softmax_skip = true, ++skipped;
  ASSERT_EQ(skipped > 0, skip_softmax) << rel << ": no softmax to skip";
  const ir::Graph g = VariantGraph(*loaded, v);
  for (const auto& l : g.layers)
    if (l.kind == ir::LayerKind::Softmax) ASSERT_EQ(l.plan->skip, skip_softmax) << l.name;
  backends::HlsOptions opt;
  opt.backend = backend;
  opt.warn = [](const std::string&) {};
  const fs::path dir = TmpDir("tb_" + backend + "_" + tag);
  ASSERT_TRUE(backends::WriteHlsProject(g, opt, dir.string()).ok());
  // tb_data: 8 deterministic samples and the emulator's outputs for them.
  const std::string in = ReadText(dir / "tb_data" / "tb_input_features.dat");
  const std::string expected = ReadText(dir / "tb_data" / "tb_output_predictions.dat");
  EXPECT_EQ(std::count(in.begin(), in.end(), '\n'), 8);
  ASSERT_EQ(std::count(expected.begin(), expected.end(), '\n'), 8);
  // The expected outputs vary across the samples (else the check is weak).
  std::set<std::string> rows;
  std::istringstream es(expected);
  for (std::string l; std::getline(es, l);) rows.insert(l);
  EXPECT_GE(rows.size(), 2u) << expected;
  ASSERT_EQ(CompileTestbench(dir), 0) << ReadText(dir / "compile.log");
  EXPECT_EQ(RunTestbench(dir), 0) << ReadText(dir / "run.log");
  // One expected value altered: the testbench must fail.
  std::string altered = expected;
  const size_t end = altered.find_first_of(" \n");
  altered.replace(0, end, "12345.5");
  std::ofstream(dir / "tb_data" / "tb_output_predictions.dat", std::ios::binary) << altered;
  EXPECT_NE(RunTestbench(dir), 0) << "altered expected value not detected\n" << ReadText(dir / "run.log");
  fs::remove_all(dir);
}

TEST(HlsFirmware, TestbenchChecksItselfMlpParallel) {
  SelfCheckingTestbench("models/qonnx/qkeras_jettagging.onnx", kVariants[0], "mlp", false);
}

TEST(HlsFirmware, TestbenchChecksItselfCnnStreamResourceSkippedSoftmax) {
  SelfCheckingTestbench("models/onnx/conv1d_small_keras.onnx", kVariants[3], "cnn", true);
}

// The Catapult projects' testbench (ac_fixed, ac_channel) checks itself too.
TEST(HlsFirmware, CatapultTestbenchChecksItselfMlpParallel) {
  SelfCheckingTestbench("models/qonnx/qkeras_jettagging.onnx", kVariants[0], "mlp", false, "catapult");
}

TEST(HlsFirmware, CatapultTestbenchChecksItselfCnnStreamResourceSkippedSoftmax) {
  SelfCheckingTestbench("models/onnx/conv1d_small_keras.onnx", kVariants[3], "cnn", true, "catapult");
}

/// The schedule a project implements, as text: the top function's pragmas
/// and every layer config's strategy / reuse / multiplier / PF fields.
std::string ScheduleText(const fs::path& dir, const std::string& backend = "vitis") {
  std::string r;
  const bool catapult = backend == "catapult";
  std::istringstream top(ReadText(dir / "firmware" / "myproject.cpp"));
  for (std::string l; std::getline(top, l);)
    if (l.find(catapult ? "#pragma hls_" : "#pragma HLS") != std::string::npos)
      r += "top: " + l.substr(l.find("#pragma")) + "\n";
  if (catapult) {  // the FIFO depths and clock Catapult takes by directive
    std::istringstream tcl(ReadText(dir / "build_prj.tcl"));
    for (std::string l; std::getline(tcl, l);)
      if (l.rfind("directive set", 0) == 0) r += "tcl: " + l + "\n";
  }
  std::istringstream par(ReadText(dir / "firmware" / "parameters.h"));
  static const std::regex field(
      R"(^\s*(?:static const \w+ )?(struct \w+|strategy|reuse_factor|n_zeros|multiplier_limit|parallelization_factor|io_type)\b.*$)");
  for (std::string l; std::getline(par, l);)
    if (std::regex_match(l, field)) r += l.substr(l.find_first_not_of(' ')) + "\n";
  return r;
}

void GoldenSchedule(const std::string& backend) {
  const std::string golden_dir = std::string(HLSFORGE_SOURCE_DIR) +
                                 (backend == "catapult" ? "/tests/backends/catapult_golden_pragmas" : "/tests/backends/golden_pragmas");
  const bool update = std::getenv("HLSFORGE_UPDATE_GOLDEN") != nullptr;
  const std::pair<const char*, const char*> families[] = {{"mlp", "models/onnx/three_layer_keras.onnx"},
                                                          {"cnn", "models/onnx/conv2d_small_keras.onnx"}};
  int checked = 0;
  for (const auto& [family, rel] : families) {
    const std::string path = test_data::Find(rel);
    if (path.empty()) continue;
    auto loaded = flow::LoadConfiguredModel(path, std::string(), BackendFlow(backend));
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    for (const Variant& v : kVariants) {
      const ir::Graph g = VariantGraph(*loaded, v);
      backends::HlsOptions opt;
      opt.backend = backend;
      opt.warn = [](const std::string&) {};
      opt.tb_samples = 1;
      const fs::path dir = TmpDir(fmt::format("pragmas_{}_{}_{}", backend, family, v.name));
      ASSERT_TRUE(backends::WriteHlsProject(g, opt, dir.string()).ok());
      const std::string got = ScheduleText(dir, backend);
      const fs::path golden = fs::path(golden_dir) / fmt::format("{}_{}.txt", family, v.name);
      if (update) {
        fs::create_directories(golden_dir);
        std::ofstream(golden, std::ios::binary) << got;
      }
      EXPECT_EQ(got, ReadText(golden)) << golden << " differs from the generated schedule (review, then "
                                       << "regenerate with HLSFORGE_UPDATE_GOLDEN=1)";
      ++checked;
      fs::remove_all(dir);
    }
  }
  if (checked == 0) GTEST_SKIP() << "no model of the corpus found";
}

TEST(HlsPragmas, GoldenSchedulePerStrategyIoTypeAndFamily) { GoldenSchedule("vitis"); }

// The Catapult dialect prints the same plan: hls_design top, the pipelined
// top (hls_pipeline_init_interval 1) or the hierarchy of hls_design processes,
// FIFO depths as directives.
TEST(HlsPragmas, CatapultGoldenSchedulePerStrategyIoTypeAndFamily) { GoldenSchedule("catapult"); }

}  // namespace
