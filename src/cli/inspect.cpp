// hlsforge inspect MODEL [-c CFG] [--io-type T] [--passes a,b,c]: the model
// summary table, from the same hardware plan `convert` implements; the plan's
// warnings (snapped reuse / parallelization factors...) go to stderr.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "hlsforge/report/summary.h"

namespace hlsforge::cli {

void AddInspectCommand(CLI::App& app) {
  struct InspectArgs {
    ModelArgs model;
    PipelineArgs pipeline;
  };
  auto args = std::make_shared<InspectArgs>();
  CLI::App* sub = app.add_subcommand(
      "inspect", "print the model summary: layers, shapes, precisions, parameters, MACs, multipliers, BOPs");
  AddModelOptions(*sub, args->model);
  AddPipelineOptions(*sub, args->pipeline, true);
  sub->callback([args] {
    ir::Graph g = ValueOrThrow(PrepareModel(args->model, args->pipeline, true));
    const report::ModelSummary s = report::Summarize(g);
    for (const std::string& w : s.warnings) std::fprintf(stderr, "hlsforge: warning: %s\n", w.c_str());
    std::fputs(report::FormatSummary(s).c_str(), stdout);
  });
}

}  // namespace hlsforge::cli
