// The bad-input contract of docs/ERRORS.md, one test per row of its table:
// each class of bad input gives exit status 2 and one first line
// "hlsforge: <message>" naming the file (and layer / field / key), and
// leaves no output behind (the -o path does not exist afterwards). The row
// names here are the names in the document.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.h"
#include "hlsforge/util/ndarray.h"
#include "support/npy_bytes.h"

namespace hlsforge::cli_test {
namespace {

namespace fs = std::filesystem;

const std::string kModel = Shared("golden/hls4ml/two_layer_keras/model_clean.onnx");  // 10 inputs
const std::string kKerasJson = Shared("models/keras/KERAS_1layer.json");
const std::string kKerasWeights = Shared("models/keras/KERAS_1layer_weights.h5");

class ErrorTable : public ::testing::Test {
 protected:
  ErrorTable() : t_("errors_table") {}
  void SetUp() override { ASSERT_TRUE(WriteNpy(t_ / "x.npy", NDArray{{3, 10}, Values(30)}, true).ok()); }
  static std::vector<double> Values(size_t n) {
    std::vector<double> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = 0.125 * static_cast<double>(i % 11) - 0.5;
    return v;
  }
  std::string Write(const std::string& name, const std::string& bytes) {
    std::ofstream(t_ / name, std::ios::binary) << bytes;
    return t_ / name;
  }
  /// Exit status 2, "hlsforge: " first, every needle in stderr, `out` absent.
  void Expect(const RunResult& r, const std::vector<std::string>& needles, const std::string& out = "") {
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(r.err.rfind("hlsforge: ", 0), 0u) << r.err;
    for (const auto& n : needles) EXPECT_NE(r.err.find(n), std::string::npos) << "want '" << n << "' in: " << r.err;
    if (!out.empty()) EXPECT_FALSE(fs::exists(out)) << out << " was written";
  }
  RunResult Predict(const std::string& model, const std::string& input, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"predict", model, "-i", input, "-o", t_ / "y.npy"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args);
  }
  TempDir t_;
};

/// x[1,4] -> <op_type>(x) -> y as ONNX bytes.
std::string OneNodeModel(const std::string& op_type) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("g");
  for (auto* v : {g->add_input(), g->add_output()}) {
    v->set_name(v == &g->input(0) ? "x" : "y");
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    tt->mutable_shape()->add_dim()->set_dim_value(1);
    tt->mutable_shape()->add_dim()->set_dim_value(4);
  }
  auto* n = g->add_node();
  n->set_op_type(op_type);
  n->set_name("mystery");
  n->add_input("x");
  n->add_output("y");
  return m.SerializeAsString();
}

TEST_F(ErrorTable, MissingFile) {
  Expect(RunCli({"inspect", t_ / "nope.onnx"}), {"nope.onnx", "no such file"});
}

TEST_F(ErrorTable, TruncatedModel) {
  const std::string bytes = Slurp(kModel);
  const std::string p = Write("cut.onnx", bytes.substr(0, bytes.size() / 2));
  Expect(Predict(p, t_ / "x.npy"), {"cut.onnx", "not a valid ONNX model", "truncated or corrupt"}, t_ / "y.npy");
}

TEST_F(ErrorTable, TruncatedWeights) {
  const std::string p = Write("w.h5", Slurp(kKerasWeights).substr(0, 5000));
  Expect(RunCli({"inspect", kKerasJson, "--weights", p}), {"w.h5", "not a readable HDF5 file"});
}

TEST_F(ErrorTable, TruncatedInput) {
  const std::string bytes = Slurp(t_ / "x.npy");
  const std::string p = Write("cut.npy", bytes.substr(0, bytes.size() - 8));
  Expect(Predict(kModel, p), {"cut.npy", "truncated data", "needs 120 bytes", "file has 112"}, t_ / "y.npy");
}

TEST_F(ErrorTable, WrongMagic) {
  Expect(Predict(kModel, Write("bad.npy", "PK\x03\x04 not an npy file")), {"bad.npy", "bad magic"}, t_ / "y.npy");
  Expect(RunCli({"inspect", Write("bad.keras", "\x89PNG\r\n\x1a\n not a zip")}), {"bad.keras", "not a readable zip"});
  fs::create_directories(t_ / "mnist");
  Write("mnist/t10k-images-idx3-ubyte.gz", std::string("\x00\x00\x08\x01\x00\x00\x00\x01", 8));
  Write("mnist/t10k-labels-idx1-ubyte.gz", std::string("\x00\x00\x08\x01\x00\x00\x00\x01\x07", 9));
  Expect(RunCli({"eval", kModel, "--mnist", t_ / "mnist"}), {"t10k-images-idx3-ubyte", "magic"});
}

TEST_F(ErrorTable, UnsupportedOperation) {
  Expect(Predict(Write("einsum.onnx", OneNodeModel("Einsum")), t_ / "x.npy"), {"einsum.onnx", "mystery", "Einsum", "unsupported op"},
         t_ / "y.npy");
  std::string json = Slurp(kKerasJson);
  const size_t at = json.find("\"Dense\"");
  ASSERT_NE(at, std::string::npos);
  json.replace(at, 7, "\"LSTM\"");
  Expect(RunCli({"inspect", Write("lstm.json", json), "--weights", kKerasWeights}), {"lstm.json", "LSTM"});
}

TEST_F(ErrorTable, ShapeMismatch) {
  ASSERT_TRUE(WriteNpy(t_ / "x7.npy", NDArray{{3, 7}, Values(21)}, true).ok());
  Expect(Predict(kModel, t_ / "x7.npy"), {"x7.npy", "[3, 7]", "expected [N, 10]"}, t_ / "y.npy");
}

TEST_F(ErrorTable, BadPrecision) {
  const std::string cfg = Write("p.yml", "Model:\n  Precision: fixed<70,3>\n");
  Expect(Predict(kModel, t_ / "x.npy", {"-c", cfg}), {"p.yml", "Model.Precision", "fixed<70,3>", "width 70"}, t_ / "y.npy");
  const std::string mode = Write("m.yml", "Model:\n  Precision: fixed<16,6,RND_NEAR,SAT>\n");
  Expect(RunCli({"inspect", kModel, "-c", mode}), {"m.yml", "RND_NEAR"});
}

TEST_F(ErrorTable, UnknownConfigKey) {
  const std::string cfg = Write("k.yml", "Model:\n  Precision: fixed<16,6>\n  ReuseFactr: 4\n");
  Expect(Predict(kModel, t_ / "x.npy", {"-c", cfg}), {"k.yml", "Model", "unknown key 'ReuseFactr'", "did you mean 'ReuseFactor'?"},
         t_ / "y.npy");
  const std::string layer = Write("l.yml", "Model:\n  Precision: fixed<16,6>\nLayerName:\n  Relu_1:\n    ReuseFactor: 2\n");
  Expect(RunCli({"inspect", kModel, "-c", layer}), {"l.yml", "'Relu_1' names no layer", "did you mean 'Relu_0'?"});
  // Far from every known key: ignored with a warning (hls4ml configs carry other tools' keys).
  const std::string other = Write("o.yml", "Model:\n  Precision: fixed<16,6>\n  SomethingElse: 1\n");
  RunResult r = RunCli({"inspect", kModel, "-c", other});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("unknown key 'SomethingElse' ignored"), std::string::npos) << r.err;
}

TEST_F(ErrorTable, UnwritableOutput) {
  const std::string file = Write("plain_file", "x");  // a path below a regular file cannot be created
  RunResult p = RunCli({"predict", kModel, "-i", t_ / "x.npy", "-o", file + "/y.npy"});
  Expect(p, {"plain_file/y.npy", "cannot write"});
  Expect(RunCli({"convert", kModel, "-o", file + "/prj"}), {"plain_file", "cannot create directory"});
  EXPECT_EQ(Slurp(file), "x");
}

TEST_F(ErrorTable, MissingTool) {
  ASSERT_EQ(RunCli({"convert", kModel, "-o", t_ / "prj"}).status, 0);
  RunResult r = RunProgram("/usr/bin/env", {"PATH=/nonexistent", HLSFORGE_BINARY, "csim", t_ / "prj", "-i", t_ / "x.npy",
                                            "-o", t_ / "y.npy"});
  Expect(r, {"does not compile", "g++: not found"}, t_ / "y.npy");
}

TEST_F(ErrorTable, DeclaredSizeBeyondTheData) {
  const std::string npy = test_support::NpyImage(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (100000000000, 10), }", std::string(40, '\0'));
  Expect(Predict(kModel, Write("huge.npy", npy)),
         {"huge.npy", "truncated data", "4000000000000 bytes", "file has 40"}, t_ / "y.npy");
}

TEST_F(ErrorTable, UsageError) {
  Expect(RunCli({"frobnicate"}), {});
  Expect(RunCli({"predict", kModel}), {"--input"});
}

// A file on which libhdf5 itself faults (a fuzzing find: use-after-free in
// H5O__msg_iterate_real under H5Aexists_by_name): the load runs in a child
// process first, which dies; the command reports a clean error. The model
// file is not written anywhere; `convert` leaves no project behind.
TEST_F(ErrorTable, LibraryFault) {
  const std::string h5 = Source("tests/data/fuzz_regressions/keras_h5/crash-hdf5-use-after-free-attribute-exists.h5");
  ASSERT_TRUE(fs::exists(h5)) << h5;
  Expect(RunCli({"inspect", h5}), {h5, "the HDF5 library failed while reading this model",
                                   "tried in a separate process first"});
  Expect(RunCli({"convert", h5, "-o", t_ / "prj"}), {h5, "the HDF5 library failed"}, t_ / "prj");
}

}  // namespace
}  // namespace hlsforge::cli_test
