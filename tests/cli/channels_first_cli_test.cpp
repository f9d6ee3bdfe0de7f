// CLI with a channels-first ONNX model (PyTorch export: NCHW input, Conv,
// image output): `predict` accepts the input in the model's own layout
// [N, C, H, W] as well as channels-last [N, H, W, C], and writes an image
// output back in the model's layout [N, C, H, W].
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>

#include "cli_test_util.h"
#include "hlsforge/util/ndarray.h"

using namespace hlsforge;
using namespace hlsforge::cli_test;

namespace {

// x [1, 2, 3, 4] -> Conv 1x1 (3 filters, weight w[o][c] = o + 1 - c, bias o) -> y [1, 3, 3, 4]
void WriteModel(const std::string& path) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("cf");
  auto io = [](onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  };
  io(g->add_input(), "x", {1, 2, 3, 4});
  io(g->add_output(), "y", {1, 3, 3, 4});
  auto* w = g->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {3, 2, 1, 1}) w->add_dims(d);
  for (int o = 0; o < 3; ++o)
    for (int c = 0; c < 2; ++c) w->add_float_data(static_cast<float>(o + 1 - c));
  auto* b = g->add_initializer();
  b->set_name("B");
  b->set_data_type(onnx::TensorProto::FLOAT);
  b->add_dims(3);
  for (int o = 0; o < 3; ++o) b->add_float_data(static_cast<float>(o));
  auto* n = g->add_node();
  n->set_op_type("Conv");
  n->set_name("conv");
  // std::string, not a literal: add_input(const char*) inlines a string assign that
  // GCC 12 flags at -O2 (-Wrestrict false positive).
  n->add_input(std::string("x"));
  n->add_input(std::string("W"));
  n->add_input(std::string("B"));
  n->add_output(std::string("y"));
  std::ofstream f(path, std::ios::binary);
  m.SerializeToOstream(&f);
}

}  // namespace

TEST(ChannelsFirstCli, PredictAcceptsAndWritesTheModelLayout) {
  TempDir t("cf");
  WriteModel(t / "cf.onnx");
  // NCHW input: x[c][y][x] = c * 100 + y * 10 + x (exact in float)
  NDArray xcf, xcl;
  xcf.shape = {1, 2, 3, 4};
  xcl.shape = {1, 3, 4, 2};
  for (int c = 0; c < 2; ++c)
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 4; ++x) xcf.data.push_back((c * 100 + y * 10 + x) / 64.0);
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 4; ++x)
      for (int c = 0; c < 2; ++c) xcl.data.push_back((c * 100 + y * 10 + x) / 64.0);
  ASSERT_TRUE(WriteNpy(t / "xcf.npy", xcf).ok());
  ASSERT_TRUE(WriteNpy(t / "xcl.npy", xcl).ok());
  for (const char* in : {"xcf.npy", "xcl.npy"}) {
    SCOPED_TRACE(in);
    auto r = RunCli({"predict", t / "cf.onnx", "-i", t / in, "-o", t / "y.npy", "--float"});
    ASSERT_EQ(r.status, 0) << r.err;
    auto y = ReadNpy(t / "y.npy");
    ASSERT_TRUE(y.ok()) << y.status().message();
    ASSERT_EQ(y->shape, (std::vector<int64_t>{1, 3, 3, 4}));
    for (int o = 0; o < 3; ++o)
      for (int yy = 0; yy < 3; ++yy)
        for (int x = 0; x < 4; ++x) {
          double want = o;
          for (int c = 0; c < 2; ++c) want += (o + 1 - c) * ((c * 100 + yy * 10 + x) / 64.0);
          EXPECT_DOUBLE_EQ(y->data[(o * 3 + yy) * 4 + x], want) << o << "," << yy << "," << x;
        }
  }
  // A shape that is neither layout names both.
  NDArray bad;
  bad.shape = {1, 4, 3, 2};
  bad.data.assign(24, 0.0);
  ASSERT_TRUE(WriteNpy(t / "bad.npy", bad).ok());
  auto r = RunCli({"predict", t / "cf.onnx", "-i", t / "bad.npy", "-o", t / "y.npy"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("channels-first"), std::string::npos) << r.err;
}
