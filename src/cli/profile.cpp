// hlsforge profile MODEL [-c CFG] -i X.npy [--passes a,b,c]
//                  [--suggest-config OUT.yml] [--report DIR]:
// per tensor, how many values the bit-exact emulator's result casts wrapped,
// saturated or rounded to zero on the given data, and the range before the
// cast (include/hlsforge/emu/numerics.h), as a table on stdout;
// --suggest-config writes the config with each layer's narrowest result type
// that overflows nowhere on the data (include/hlsforge/report/suggest_config.h);
// --report writes an HTML page with the table and SVG box plots
// (include/hlsforge/report/profile_report.h).
#include <fmt/format.h>

#include <cstdio>
#include <memory>

#include "commands.h"
#include "hlsforge/emu/numerics.h"
#include "hlsforge/report/profile_report.h"
#include "hlsforge/report/suggest_config.h"

namespace hlsforge::cli {

void AddProfileCommand(CLI::App& app) {
  struct ProfileArgs {
    ModelArgs model;
    PipelineArgs pipeline;
    std::string input, suggest, report;
  };
  auto args = std::make_shared<ProfileArgs>();
  CLI::App* sub = app.add_subcommand(
      "profile", "count the values each layer's result type wraps, saturates or rounds to zero on X.npy");
  AddModelOptions(*sub, args->model);
  AddPipelineOptions(*sub, args->pipeline, false);
  sub->add_option("-i,--input", args->input, "input .npy, [N, features...] float32/float64")->required();
  sub->add_option("--suggest-config", args->suggest,
                  "write the config with each layer's narrowest result precision that does not overflow on the "
                  "input (same LSB) to this YAML file");
  sub->add_option("--report", args->report, "write an HTML report (table, SVG box plots) into this directory");
  sub->callback([args] {
    ir::Graph g = ValueOrThrow(PrepareModel(args->model, args->pipeline, false));
    NDArray x = ValueOrThrow(ReadInput(g, args->input));
    std::vector<emu::TensorCounts> counts;
    std::vector<report::TypeChange> changes;
    if (args->suggest.empty()) {
      counts = ValueOrThrow(emu::CountNumerics(g, x));
    } else {
      std::optional<ir::ModelConfig> cfg;
      if (!args->model.config.empty()) cfg = ValueOrThrow(ir::LoadConfig(args->model.config));
      report::ConfigSuggestion s = ValueOrThrow(
          report::SuggestConfig(args->model.model, cfg, FlowOptions(args->model, args->pipeline, false), x));
      counts = s.initial_counts;
      changes = s.changes;
      int64_t over = 0;
      for (const emu::TensorCounts& c : s.counts) over += c.wrapped + c.saturated;
      std::string head = fmt::format("# hlsforge profile --suggest-config: each layer's narrowest result precision "
                                     "with no overflow on {} ({} rows), LSB kept\n", args->input, x.rows());
      WriteTextFile(args->suggest, head + s.yaml);
      std::fputs(emu::FormatNumerics(counts).c_str(), stdout);
      std::printf("\nsuggested result precisions (%s):\n", args->suggest.c_str());
      for (const report::TypeChange& c : s.changes)
        std::printf("  %s: %s -> %s\n", c.layer.c_str(), c.from.c_str(), c.to.c_str());
      for (const std::string& l : s.not_settable)
        std::printf("  %s: not settable from the config (a layer a pass made, or a quantizer's type)\n", l.c_str());
      std::printf("with them: %lld values wrapped or saturated (%d profile round%s%s)\n",
                  static_cast<long long>(over), s.rounds, s.rounds == 1 ? "" : "s",
                  s.converged ? "" : ", not converged");
    }
    if (args->suggest.empty()) std::fputs(emu::FormatNumerics(counts).c_str(), stdout);
    if (!args->report.empty()) {
      ThrowIfError(report::WriteProfileReport(args->report, g, counts, changes, args->input));
      std::printf("report: %s/index.html\n", args->report.c_str());
    }
  });
}

}  // namespace hlsforge::cli
