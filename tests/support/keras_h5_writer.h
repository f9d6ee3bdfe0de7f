// Writes small Keras 2 models for frontend tests: the Sequential
// architecture JSON and an HDF5 weights file in the Keras 2 layout
// (attribute layer_names on the root; one group per layer with attribute
// weight_names "<layer>/<weight>:0"; datasets <layer>/<layer>/<weight>:0,
// float32, row-major).
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

namespace keras_test {

/// A fixed-length string-array attribute `attr` of HDF5 object `obj`.
inline void StringList(hid_t obj, const char* attr, const std::vector<std::string>& v) {
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

/// A Keras 2 Sequential model JSON: an InputLayer "in" of batch_input_shape
/// `input_shape` (e.g. "[null, 4, 4, 1]") then `layers` (JSON objects).
inline std::string Sequential(const std::string& version, const std::string& input_shape,
                              const std::vector<std::string>& layers) {
  std::string s = R"({"class_name": "Sequential", "keras_version": ")" + version +
                  R"(", "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"name": "in", "batch_input_shape": )" +
                  input_shape + "}}";
  for (const auto& l : layers) s += ",\n" + l;
  return s + "]}}";
}

/// One weight of a layer: name ("kernel", "bias", ...), shape, values.
struct Weight {
  std::string name;
  std::vector<hsize_t> shape;
  std::vector<float> values;
};

/// One layer's weights (a layer without weights has an empty list).
struct LayerWeights {
  std::string layer;
  std::vector<Weight> weights;
};

/// Writes a Keras 2 weights file holding `layers`.
inline void WriteWeights(const std::string& path, const std::vector<LayerWeights>& layers) {
  hid_t f = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  std::vector<std::string> names;
  for (const auto& l : layers) names.push_back(l.layer);
  StringList(f, "layer_names", names);
  for (const auto& l : layers) {
    hid_t g = H5Gcreate2(f, l.layer.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    std::vector<std::string> wn;
    for (const auto& w : l.weights) wn.push_back(l.layer + "/" + w.name + ":0");
    StringList(g, "weight_names", wn);
    if (!l.weights.empty()) {
      hid_t inner = H5Gcreate2(g, l.layer.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      for (const auto& w : l.weights) {
        hid_t sp = H5Screate_simple(static_cast<int>(w.shape.size()), w.shape.data(), nullptr);
        const std::string dn = w.name + ":0";
        hid_t d = H5Dcreate2(inner, dn.c_str(), H5T_IEEE_F32LE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, w.values.data());
        H5Dclose(d);
        H5Sclose(sp);
      }
      H5Gclose(inner);
    }
    H5Gclose(g);
  }
  H5Fclose(f);
}

}  // namespace keras_test
