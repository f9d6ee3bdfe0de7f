// Private pieces of the Keras frontend: the HDF5 weight store and the QKeras
// quantizer model. Not part of the public API.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "hlsforge/fixed/fixed_type.h"
#include "hlsforge/ir/graph.h"

namespace hlsforge::frontends::keras {

/// A float array read from HDF5 (row-major, as stored).
struct Array {
  std::vector<int64_t> shape;
  std::vector<double> values;
};

std::string ShapeStr(const std::vector<int64_t>& s);

/// An open HDF5 file (from disk or from an in-memory image), read-only.
/// All methods throw hlsforge::Error with messages naming `display_name`.
class H5File {
 public:
  static std::unique_ptr<H5File> Open(const std::string& path);
  /// `image` is copied; `display_name` is used in messages.
  static std::unique_ptr<H5File> OpenImage(const std::string& image, const std::string& display_name);
  ~H5File();
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  const std::string& name() const { return name_; }
  bool HasAttr(const std::string& obj, const std::string& attr) const;
  /// String attribute (scalar vlen or fixed-length).
  std::string StringAttr(const std::string& obj, const std::string& attr) const;
  /// String-array attribute (e.g. layer_names, weight_names); an empty
  /// array (any type) gives {}.
  std::vector<std::string> StringListAttr(const std::string& obj, const std::string& attr) const;
  bool Exists(const std::string& path) const;   ///< link exists (all parents too)
  bool IsGroup(const std::string& path) const;
  bool IsDataset(const std::string& path) const;
  /// Names of the direct children of a group, in name order.
  std::vector<std::string> Children(const std::string& group) const;
  Array ReadDataset(const std::string& path) const;

 private:
  H5File() = default;
  int64_t id_ = -1;
  std::string name_;
};

/// Where a layer's weights live: resolves weight keys ("kernel", "bias",
/// "gamma", ...) of a Keras layer to arrays.
class WeightStore {
 public:
  /// `root` is "/" for a weights file, "/model_weights" for a full model.
  WeightStore(std::unique_ptr<H5File> file, std::string root);
  /// Keras 3 layout (/layers/<snake>/vars/<i>) instead of Keras 2.
  bool keras3() const { return keras3_; }
  const std::string& file_name() const { return file_->name(); }
  /// Arrays of `layer` keyed by weight name. `class_name` is the Keras
  /// class (for Keras 3 group naming), `positional` the names of the
  /// layer's variables in Keras 3 creation order (Keras 2 files name them).
  /// Throws Error naming the file and layer when the group is missing.
  std::map<std::string, Array> LayerWeights(const std::string& layer, const std::string& class_name,
                                            const std::vector<std::string>& positional);

 private:
  std::unique_ptr<H5File> file_;
  std::string root_;
  bool keras3_ = false;
  std::map<std::string, int> snake_counts_;
};

/// Keras 3 object naming: "QDense" -> "q_dense", "BatchNormalization" ->
/// "batch_normalization".
std::string SnakeCase(const std::string& class_name);

// ---- QKeras quantizers ------------------------------------------------------

/// A QKeras quantizer with every argument resolved (defaults filled in).
struct Quantizer {
  std::string cls;       ///< quantized_bits, quantized_relu, binary, ternary, quantized_po2, quantized_relu_po2
  nlohmann::json cfg;    ///< arguments by name
  std::string text;      ///< as written, for messages
};

/// True if `v` (a string or {"class_name", "config"} object) names a QKeras
/// quantizer rather than a plain Keras activation.
bool IsQuantizerSpec(const nlohmann::json& v);
/// Parses "quantized_bits(6,0,alpha=1)" or {"class_name":..., "config":...}.
/// Throws Error (prefixed with `where`) on syntax errors / unknown classes.
Quantizer ParseQuantizer(const nlohmann::json& v, const std::string& where);

/// Applies a quantizer to weight values in place (QKeras inference forward,
/// in double). `type` receives the exact FixedType of the quantized values
/// when one exists. Throws Error (prefixed with `where`) for unsupported
/// options (alpha 'auto'/'auto_po2', qnoise_factor != 1, ...).
void QuantizeWeights(const Quantizer& q, std::vector<double>& values,
                     std::optional<FixedType>& type, const std::string& where);

/// True if `q` is quantized_bits with alpha 'auto' / 'auto_po2', or with
/// alpha=None when `layer_kernel` (QKeras layers turn a kernel quantizer's
/// alpha=None into 'auto_po2', qlayers.py _set_trainable_parameter).
bool IsAutoScale(const Quantizer& q, bool layer_kernel);

/// QKeras quantized_bits with alpha 'auto' / 'auto_po2' on a weight of
/// shape `shape` (row-major, channels = the last axis): `values` receive the
/// unscaled grid values m_i z / m (typed `type` = fixed<bits, integer+1>) and
/// the per-channel power-of-two scale is returned ([shape.back()]); the
/// QKeras weight is scale[c] * values. Throws Error for unsupported options.
std::vector<double> QuantizeWeightsAutoPo2(const Quantizer& q, const std::vector<int64_t>& shape,
                                           std::vector<double>& values, std::optional<FixedType>& type,
                                           const std::string& where);

/// Builds a Quantize layer's float semantics and result precision for a
/// quantizer on an activation. quantized_sigmoid needs `half_affine`: it is
/// set when the caller must follow the Quantize layer by y = x / 2 + 1/2.
/// Throws Error for unsupported quantizers.
void ActivationQuant(const Quantizer& q, ir::QuantParams& qp, FixedType& result_type,
                     const std::string& where, bool* half_affine = nullptr);

}  // namespace hlsforge::frontends::keras
