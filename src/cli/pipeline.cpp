// --passes and --io-type of convert / inspect / predict: which pass pipeline
// runs, and the io type the hardware plan is made for.
#include <cstdio>
#include <optional>
#include <sstream>

#include "commands.h"
#include "hlsforge/frontends/load_model.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/passes/pass.h"

namespace hlsforge::cli {
namespace {

constexpr const char* kLowerHardware = "lower_hardware";

/// "a, b,c" -> {"a", "b", "c"}; an empty name is an error.
std::vector<std::string> SplitPasses(const std::string& list) {
  std::vector<std::string> names;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    const size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b == std::string::npos) throw Error("--passes '" + list + "': empty pass name");
    names.push_back(item.substr(b, e - b + 1));
  }
  if (names.empty()) throw Error("--passes: no pass given");
  return names;
}

/// The model loaded and configured (as frontends::LoadConfiguredModel) but
/// no pass run yet.
StatusOr<ir::Graph> LoadUnpassed(const ModelArgs& a) {
  auto g = frontends::LoadModel(a.model, a.weights);
  if (!g.ok()) return g.status();
  StatusOr<ir::ModelConfig> cfg = Status::Fail("no config");
  if (a.config.empty()) {
    auto text = ir::GenerateConfig(*g, "name");  // the config `hlsforge config` writes
    if (!text.ok()) return text.status();
    cfg = ir::ParseConfig(*text, a.model + " <default config: --granularity name>");
  } else {
    cfg = ir::LoadConfig(a.config);
  }
  if (!cfg.ok()) return cfg.status();
  HLSFORGE_RETURN_IF_ERROR(ir::ApplyConfig(*cfg, *g));
  return g;
}

}  // namespace

void AddPipelineOptions(CLI::App& sub, PipelineArgs& args, bool with_io_type) {
  std::string known;
  for (const passes::PassInfo& p : passes::Registry()) known += (known.empty() ? "" : ", ") + p.name;
  std::string help = "comma-separated passes to run instead of the default pipeline (known: " + known + ")";
  if (with_io_type) help += "; lower_hardware is appended when the list does not end with it";
  sub.add_option("--passes", args.passes, help);
  if (with_io_type)
    sub.add_option("--io-type", args.io_type, "io_parallel or io_stream (default: the config's)")
        ->check(CLI::IsMember({"io_parallel", "io_stream"}));
}

StatusOr<ir::Graph> PrepareModel(const ModelArgs& model, const PipelineArgs& pipeline, bool lower_hardware_last) {
  std::optional<ir::IOType> io;
  if (pipeline.io_type == "io_stream") io = ir::IOType::Stream;
  else if (pipeline.io_type == "io_parallel") io = ir::IOType::Parallel;
  if (pipeline.passes.empty()) {
    // The default pipeline (lower_hardware last); an io type override is
    // applied before the plan is made again for it.
    auto g = PrepareModel(model);
    if (!g.ok() || !io || g->io_type == *io) return g;
    g->io_type = *io;
    HLSFORGE_RETURN_IF_ERROR(passes::RunPipeline(*g, {kLowerHardware}).WithContext(model.model));
    return g;
  }
  std::vector<std::string> names = SplitPasses(pipeline.passes);
  if (lower_hardware_last && names.back() != kLowerHardware) names.push_back(kLowerHardware);
  auto g = LoadUnpassed(model);
  if (!g.ok()) return g;
  if (io) g->io_type = *io;
  HLSFORGE_RETURN_IF_ERROR(passes::RunPipeline(*g, names).WithContext(model.model));
  return g;
}

}  // namespace hlsforge::cli
