// hlsforge profile MODEL [-c CFG] -i X.npy [--passes a,b,c]: per tensor, how
// many values the bit-exact emulator's result casts wrapped, saturated or
// rounded to zero on the given data, and the range before the cast
// (include/hlsforge/emu/numerics.h), as a table on stdout.
#include <cstdio>
#include <memory>

#include "commands.h"
#include "hlsforge/emu/numerics.h"

namespace hlsforge::cli {

void AddProfileCommand(CLI::App& app) {
  struct ProfileArgs {
    ModelArgs model;
    PipelineArgs pipeline;
    std::string input;
  };
  auto args = std::make_shared<ProfileArgs>();
  CLI::App* sub = app.add_subcommand(
      "profile", "count the values each layer's result type wraps, saturates or rounds to zero on X.npy");
  AddModelOptions(*sub, args->model);
  AddPipelineOptions(*sub, args->pipeline, false);
  sub->add_option("-i,--input", args->input, "input .npy, [N, features...] float32/float64")->required();
  sub->callback([args] {
    ir::Graph g = ValueOrThrow(PrepareModel(args->model, args->pipeline, false));
    NDArray x = ValueOrThrow(ReadInput(g, args->input));
    const auto counts = ValueOrThrow(emu::CountNumerics(g, x));
    std::fputs(emu::FormatNumerics(counts).c_str(), stdout);
  });
}

}  // namespace hlsforge::cli
