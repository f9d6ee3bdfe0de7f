// The compile flow: model loading, config, io_type override and pass
// pipeline (see include/hlsforge/flow/flow.h).
#include "hlsforge/flow/flow.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "hlsforge/frontends/keras_frontend.h"
#include "hlsforge/frontends/onnx_frontend.h"
#include "hlsforge/ir/family.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::flow {
namespace fs = std::filesystem;

namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// Config, io_type override and passes on a loaded graph.
Status Prepare(ir::Graph& g, const ir::ModelConfig& config, const Options& options, const std::string& path) {
  // The family is decided before the config's types are read, so that an
  // AC-only mode of the config is accepted when the backend implies the AC
  // family; ApplyConfig puts every type in it.
  const std::optional<Family> cf = ir::ConfigFamily(config);
  if (options.family && cf && *cf != *options.family)
    return Status::Fail(config.source_path + ": Model.Family: '" + ir::FamilyName(*cf) + "', but the backend needs '" +
                        ir::FamilyName(*options.family) + "' types");
  const Family family = options.family ? *options.family : cf.value_or(Family::AP);
  HLSFORGE_RETURN_IF_ERROR(ir::ApplyConfig(config, g, family));
  if (options.io_type) g.io_type = *options.io_type;
  const std::vector<std::string>& names = options.passes ? *options.passes : passes::DefaultPipeline();
  HLSFORGE_RETURN_IF_ERROR(passes::RunPipeline(g, names).WithContext(path));
  // Types the passes made (defaults, tables, plans) join the model's family.
  return ir::SetFamily(g, family).WithContext(path);
}

}  // namespace

StatusOr<ir::Graph> LoadModel(const std::string& path, const std::string& weights_path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::Fail(path + ": no such file");
  if (fs::is_directory(path, ec)) return Status::Fail(path + ": is a directory, expected a model file");
  if (!weights_path.empty() && !fs::exists(weights_path, ec))
    return Status::Fail(weights_path + ": no such file (weights)");
  const std::string ext = Lower(fs::path(path).extension().string());
  if (ext == ".onnx") {
    if (!weights_path.empty()) return Status::Fail(path + ": an ONNX model holds its weights; --weights not accepted");
    return frontends::LoadOnnx(path);
  }
  // The Keras frontend finds a JSON's default weights (<stem>_weights.h5) itself.
  if (ext == ".json" || ext == ".h5" || ext == ".hdf5" || ext == ".keras")
    return frontends::LoadKeras(path, weights_path);
  return Status::Fail(path + ": unknown model format '" + ext +
                      "' (expected .onnx, .json + .h5 weights, .h5 or .keras)");
}

StatusOr<ir::ModelConfig> DefaultModelConfig(const ir::Graph& g) {
  auto text = ir::GenerateConfig(g, "name");
  if (!text.ok()) return text.status();
  return ir::ParseConfig(*text, g.source_path + " <default config: --granularity name>");
}

StatusOr<ir::Graph> LoadConfiguredModel(const std::string& path, const ir::ModelConfig& config,
                                        const Options& options) {
  auto g = LoadModel(path, options.weights_path);
  if (!g.ok()) return g.status();
  HLSFORGE_RETURN_IF_ERROR(Prepare(*g, config, options, path));
  return g;
}

StatusOr<ir::Graph> LoadConfiguredModel(const std::string& path, const std::string& config_path,
                                        const Options& options) {
  auto g = LoadModel(path, options.weights_path);
  if (!g.ok()) return g.status();
  auto config = config_path.empty() ? DefaultModelConfig(*g) : ir::LoadConfig(config_path);
  if (!config.ok()) return config.status();
  HLSFORGE_RETURN_IF_ERROR(Prepare(*g, *config, options, path));
  return g;
}

}  // namespace hlsforge::flow
