// hlsforge config MODEL [--granularity model|type|name] [-o FILE]:
// writes an hls4ml-layout config to edit.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>

#include "commands.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/ir/config.h"

namespace hlsforge::cli {
namespace {

struct ConfigArgs {
  ModelArgs model;
  std::string granularity = "name";
  std::string output;
};

}  // namespace

void AddConfigCommand(CLI::App& app) {
  auto args = std::make_shared<ConfigArgs>();
  CLI::App* sub = app.add_subcommand("config", "write a complete hls4ml-layout YAML config for a model, to edit");
  AddModelOptions(*sub, args->model, /*with_config=*/false);
  sub->add_option("--granularity", args->granularity, "model: one Model entry; type: per layer type; name: per layer")
      ->check(CLI::IsMember({"model", "type", "name"}))
      ->capture_default_str();
  sub->add_option("-o,--output", args->output, "write to FILE instead of stdout");
  sub->callback([args] {
    // Names as in the source model (no passes), so the config applies to it.
    ir::Graph g = ValueOrThrow(flow::LoadModel(args->model.model, args->model.weights));
    std::string yaml = ValueOrThrow(ir::GenerateConfig(g, args->granularity));
    if (args->output.empty()) std::fputs(yaml.c_str(), stdout);
    else WriteTextFile(args->output, yaml);
  });
}

}  // namespace hlsforge::cli
