// Model files that declare huge shapes get an error naming the file and the
// object before anything of that size is allocated: an ONNX initializer of
// 10^12 elements, an HDF5 weight dataset whose shape exceeds what the file
// holds, a `.keras` archive member that would expand to gigabytes.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <onnx/onnx_pb.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "hlsforge/frontends/keras_frontend.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "support/keras_h5_writer.h"
#include "support/zip_bytes.h"
#include "test_data.h"

namespace hlsforge::frontends {
namespace {

namespace fs = std::filesystem;

class ResourceLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("hlsforge_frontend_limits_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

void ExpectError(const Status& st, const std::vector<std::string>& needles) {
  ASSERT_FALSE(st.ok());
  for (const auto& n : needles) EXPECT_NE(st.message().find(n), std::string::npos) << "want '" << n << "' in: " << st.message();
}

/// x[1,4] -> Gemm(x, W, B) -> y, with W's dims as given and 16 bytes of data.
std::string GemmModel(const std::vector<int64_t>& w_dims) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("g");
  auto add_io = [](onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  };
  add_io(g->add_input(), "x", {1, 4});
  add_io(g->add_output(), "y", {1, 4});
  onnx::TensorProto* w = g->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : w_dims) w->add_dims(d);
  w->set_raw_data(std::string(16, '\0'));
  onnx::NodeProto* n = g->add_node();
  n->set_op_type("Gemm");
  n->set_name("gemm");
  n->add_input("x");
  n->add_input("W");
  n->add_output("y");
  return m.SerializeAsString();
}

TEST_F(ResourceLimits, OnnxInitializerOfTenToTheTwelveElements) {
  const std::string p = Path("huge.onnx");
  std::ofstream(p, std::ios::binary) << GemmModel({1000000, 1000000});
  ExpectError(LoadOnnx(p).status(), {"huge.onnx", "initializer 'W'", "[1000000,1000000]", "1000000000000 elements"});
  // Dims whose product overflows int64.
  std::ofstream(p, std::ios::binary) << GemmModel({int64_t{1} << 40, int64_t{1} << 40});
  ExpectError(LoadOnnx(p).status(), {"initializer 'W'", "more than 2^40"});
  // Within the limit but more than the 16 bytes present: the data check.
  std::ofstream(p, std::ios::binary) << GemmModel({4, 1000});
  ExpectError(LoadOnnx(p).status(), {"initializer 'W'", "raw_data has 16 bytes", "16000"});
}

/// Writes a Keras 2 weights file for KERAS_1layer.json (input_1, fc1_relu,
/// output_sigmoid) whose fc1_relu kernel declares `dims` and holds no data.
void WriteHugeWeights(const std::string& path, std::vector<hsize_t> dims) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  keras_test::StringList(f, "layer_names", {"input_1", "fc1_relu", "output_sigmoid"});
  for (const char* layer : {"fc1_relu", "output_sigmoid"}) {
    hid_t g = H5Gcreate2(f, layer, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    const std::string l = layer;
    keras_test::StringList(g, "weight_names", {l + "/kernel:0", l + "/bias:0"});
    hid_t inner = H5Gcreate2(g, layer, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t chunk[2] = {64, 64};
    H5Pset_chunk(dcpl, 2, chunk);
    hid_t sp = H5Screate_simple(2, dims.data(), nullptr);
    hid_t d = H5Dcreate2(inner, "kernel:0", H5T_IEEE_F32LE, sp, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Dclose(d);
    H5Sclose(sp);
    hsize_t nb = 4;
    hid_t bsp = H5Screate_simple(1, &nb, nullptr);
    d = H5Dcreate2(inner, "bias:0", H5T_IEEE_F32LE, bsp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d);
    H5Sclose(bsp);
    H5Pclose(dcpl);
    H5Gclose(inner);
    H5Gclose(g);
  }
  H5Fclose(f);
}

TEST_F(ResourceLimits, Hdf5DatasetDeclaringMoreThanTheFileHolds) {
  HLSFORGE_REQUIRE_DATA("models/keras/KERAS_1layer.json");
  const std::string arch = test_data::Path("models/keras/KERAS_1layer.json");
  const std::string w = Path("huge_weights.h5");
  WriteHugeWeights(w, {hsize_t{1} << 20, hsize_t{1} << 20});  // 2^40 elements
  ExpectError(LoadKeras(arch, w).status(), {"huge_weights.h5", "fc1_relu/kernel:0", "more than 2^28 elements"});
  WriteHugeWeights(w, {8192, 8192});  // 2^26 float32 values, no chunk written
  ExpectError(LoadKeras(arch, w).status(),
              {"huge_weights.h5", "fc1_relu/kernel:0", "needs 268435456 bytes", "holds 0 bytes"});
}

TEST_F(ResourceLimits, KerasArchiveMemberExpandingToGigabytes) {
  const std::string cfg = R"({"class_name": "Sequential", "config": {"layers": []}})";
  const uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(cfg.data()), static_cast<uInt>(cfg.size()));
  const std::string p = Path("bomb.keras");
  std::ofstream(p, std::ios::binary) << test_support::OneMemberZip("config.json", 8, test_support::RawDeflate(cfg),
                                                                   4000000000u, crc);
  ExpectError(LoadKeras(p).status(), {"bomb.keras: 'config.json'", "declares 4000000000 bytes", "deflate"});
}

}  // namespace
}  // namespace hlsforge::frontends
