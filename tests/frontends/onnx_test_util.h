// Helpers shared by the ONNX frontend tests: hand-built models written to a
// temporary directory and loaded, expecting an error.
#pragma once

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "hlsforge/frontends/onnx_frontend.h"

namespace onnx_test {

namespace fs = std::filesystem;

inline fs::path TempDir() {
  fs::path d = fs::temp_directory_path() / ("hlsforge_onnx_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

inline void Write(const fs::path& p, const std::string& bytes) {
  std::ofstream f(p, std::ios::binary);
  f << bytes;
}

/// Opset-13 model: graph input x [batch, 4] -> node "my_node" (`op`) -> y.
inline onnx::ModelProto TinyModel(const std::string& op, const std::string& domain = "") {
  onnx::ModelProto m;
  m.set_ir_version(7);
  auto* os = m.add_opset_import();
  os->set_domain("");
  os->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("tiny");
  auto* in = g->add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  tt->mutable_shape()->add_dim()->set_dim_param("batch");
  tt->mutable_shape()->add_dim()->set_dim_value(4);
  auto* n = g->add_node();
  n->set_name("my_node");
  n->set_op_type(op);
  n->set_domain(domain);
  n->add_input("x");
  n->add_output("y");
  g->add_output()->set_name("y");
  return m;
}

inline void AddScalar(onnx::GraphProto* g, const std::string& name, float v) {
  auto* t = g->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_float_data(v);
}

/// Writes `m` as TempDir()/file, loads it and returns the error message
/// (expects a failure).
inline std::string ErrorOf(const onnx::ModelProto& m, const std::string& file) {
  const fs::path p = TempDir() / file;
  Write(p, m.SerializeAsString());
  auto g = hlsforge::frontends::LoadOnnx(p.string());
  EXPECT_FALSE(g.ok());
  return g.ok() ? "" : g.status().message();
}

}  // namespace onnx_test
