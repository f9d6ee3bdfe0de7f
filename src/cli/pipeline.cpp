// --passes and --io-type of convert / inspect / predict: which pass pipeline
// runs, and the io type the hardware plan is made for.
#include <optional>
#include <sstream>

#include "commands.h"
#include "hlsforge/flow/flow.h"
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

flow::Options FlowOptions(const ModelArgs& model, const PipelineArgs& pipeline, bool lower_hardware_last) {
  flow::Options options;
  options.weights_path = model.weights;
  // The io type override is applied before any pass runs, so the hardware
  // plan (lower_hardware) is made for the io type actually used.
  if (pipeline.io_type == "io_stream") options.io_type = ir::IOType::Stream;
  else if (pipeline.io_type == "io_parallel") options.io_type = ir::IOType::Parallel;
  options.family = pipeline.family;
  if (!pipeline.passes.empty()) {
    std::vector<std::string> names = SplitPasses(pipeline.passes);
    if (lower_hardware_last && names.back() != kLowerHardware) names.push_back(kLowerHardware);
    options.passes = std::move(names);
  }
  return options;
}

StatusOr<ir::Graph> PrepareModel(const ModelArgs& model, const PipelineArgs& pipeline, bool lower_hardware_last) {
  return flow::LoadConfiguredModel(model.model, model.config, FlowOptions(model, pipeline, lower_hardware_last));
}

}  // namespace hlsforge::cli
