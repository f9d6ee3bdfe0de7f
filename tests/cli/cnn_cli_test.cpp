// CLI on convolutional networks: `predict` of the golden conv2d_small_keras
// with hls4ml's config equals the reference C simulation; an unsupported
// Conv (auto_pad SAME_LOWER, dilation 2) exits with status 2 and a message
// naming the node.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <fstream>

#include "cli_test_util.h"
#include "hlsforge/util/ndarray.h"

namespace hlsforge::cli_test {
namespace {

std::string BadConvModel(const TempDir& dir, const std::string& auto_pad, int64_t dilation) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  auto* os = m.add_opset_import();
  os->set_domain("");
  os->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("bad");
  auto* in = g->add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {1, 1, 6, 6}) tt->mutable_shape()->add_dim()->set_dim_value(d);
  auto* w = g->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {1, 1, 3, 3}) w->add_dims(d);
  for (int i = 0; i < 9; ++i) w->add_float_data(0.25f);
  auto* n = g->add_node();
  n->set_op_type("Conv");
  n->set_name("conv_bad");
  // std::string, not a literal: add_input(const char*) inlines a string assign that
  // GCC 12 flags at -O2 (-Wrestrict false positive).
  n->add_input(std::string("x"));
  n->add_input(std::string("W"));
  n->add_output(std::string("y"));
  if (!auto_pad.empty()) {
    auto* a = n->add_attribute();
    a->set_name("auto_pad");
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(auto_pad);
  }
  if (dilation != 1) {
    auto* a = n->add_attribute();
    a->set_name("dilations");
    a->set_type(onnx::AttributeProto::INTS);
    a->add_ints(dilation);
    a->add_ints(dilation);
  }
  g->add_output()->set_name("y");
  const std::string p = dir / "bad_conv.onnx";
  std::ofstream(p, std::ios::binary) << m.SerializeAsString();
  return p;
}

TEST(CnnCli, UnsupportedConvExitsWithStatus2) {
  TempDir dir("cnn_cli");
  RunResult r = RunCli({"inspect", BadConvModel(dir, "SAME_LOWER", 1)});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("conv_bad"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("SAME_LOWER"), std::string::npos) << r.err;
  r = RunCli({"inspect", BadConvModel(dir, "", 2)});
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("conv_bad"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dilation"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace hlsforge::cli_test
