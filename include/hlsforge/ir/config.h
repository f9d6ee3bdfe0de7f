// hls4ml-layout YAML configuration:
//   Model:     {Precision: <str | {default, weight, bias, result, accum, ...}>,
//               ReuseFactor, ParallelizationFactor, Strategy, BramFactor, TraceOutput}
//   LayerType: {<hls4ml class name, e.g. Dense, Activation, Softmax>: {...}}
//   LayerName: {<layer or alias name>: {Precision, ReuseFactor, Strategy,
//               ParallelizationFactor (Conv/Pooling), TableSize, Implementation,
//               Trace, ...}}
//   Model Family: ap (default; ap_fixed, Vitis) or ac (ac_fixed, Catapult):
//   the type family of every precision of the model (ir/family.h).
//   Softmax Precision also takes `inp_norm` (the stable softmax's exp-table
//   index type); absent, it is derived from the input type as hls4ml does.
//   Verilog backend keys (Model, LayerType, LayerName): PipelineStages (0..64
//   or auto), Multiplier (lut, dsp or auto); see LayerConfig.
// Precedence as in hls4ml: LayerName > LayerType > Model.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hlsforge/ir/graph.h"
#include "hlsforge/util/status.h"

namespace hlsforge::ir {

struct ModelConfig {
  std::string yaml_text;    ///< normalized source, for writing into projects
  std::string source_path;  ///< for messages
  // parsed representation is private to config.cpp; held as a YAML tree
  struct Impl;
  std::shared_ptr<Impl> impl;
};

/// Loads and checks the structure of a config file. Errors name file and key.
StatusOr<ModelConfig> LoadConfig(const std::string& path);
StatusOr<ModelConfig> ParseConfig(const std::string& yaml_text, const std::string& source_name);
/// The default config: Model Precision fixed<16,6>, ReuseFactor 1, Latency.
ModelConfig DefaultConfig();

/// Applies a config to every layer's LayerConfig and params' precisions
/// (never overriding a precision fixed by a quantizer). Error when a
/// LayerName entry names no layer or alias of `g` (names the key).
/// Every layer gets every precision key of its kind (explicit type or auto),
/// plus key "default" = the Model default precision, which infer_precision
/// uses for slots hls4ml fills with the model default. A LayerName entry for
/// a constant merged into a layer (Layer::alias_param, or the ONNX naming
/// "<Node>_param<k>") sets that param's precision from its "result".
/// Every type of the graph is then put in one family (ir::SetFamily): `family`
/// when given (the backend's), else the config's Model: Family, else ap; a
/// mode with no equivalent in it is an error naming the config file, layer
/// and slot.
Status ApplyConfig(const ModelConfig& cfg, Graph& g, std::optional<Family> family = std::nullopt);

/// Model: Family of the config, when it sets one.
std::optional<Family> ConfigFamily(const ModelConfig& cfg);

/// hls4ml class names a layer answers to in LayerType (first = canonical):
/// Dense; ScaleShift -> BatchNormalization, ApplyAlpha; Activation -> Activation
/// (+ ReLU / LeakyReLU ...); Softmax; Quantize -> Quant; Threshold ->
/// BatchNormalizationQuantizedTanh; Input -> InputLayer; Reshape; window
/// layers by rank: Conv1D / Conv2D (DepthwiseConv1D/2D), Pooling1D / Pooling2D
/// (MaxPooling2D, AveragePooling2D, Global...), ZeroPadding, Cropping,
/// UpSampling and Merge classes (src/ir/config.cpp).
std::vector<std::string> HlsClassNames(const Layer& l);

/// Writes a complete config for `g` to edit, granularity "model", "type" or
/// "name" (hls4ml's config_from_*_model granularity).
StatusOr<std::string> GenerateConfig(const Graph& g, const std::string& granularity);

}  // namespace hlsforge::ir
