// hlsforge predict MODEL [-c CFG] -i X.npy -o Y.npy [--trace DIR] [--float] [--threads N]
//   [--passes a,b,c]
#include <filesystem>
#include <memory>

#include "commands.h"
#include "hlsforge/emu/emulator.h"

namespace hlsforge::cli {
namespace fs = std::filesystem;

namespace {

struct PredictArgs {
  ModelArgs model;
  PipelineArgs pipeline;
  std::string input, output, trace_dir, dtype = "float64";
  bool float_mode = false;
  int threads = 0;
};

void RunPredict(const PredictArgs& a) {
  ir::Graph g = ValueOrThrow(PrepareModel(a.model, a.pipeline, false));
  NDArray x = ValueOrThrow(ReadInput(g, a.input));
  NDArray y = ValueOrThrow(PredictWithProgress(g, x, a.float_mode, a.threads, "predict"));
  ToSourceLayout(g, y);
  ThrowIfError(WriteNpy(a.output, y, a.dtype == "float32"));
  if (!a.trace_dir.empty()) {
    std::error_code ec;
    fs::create_directories(a.trace_dir, ec);
    if (ec) throw Error(a.trace_dir + ": cannot create directory: " + ec.message());
    emu::Options opt;
    opt.float_mode = a.float_mode;
    opt.threads = a.threads;
    auto trace = ValueOrThrow(emu::Trace(g, x, opt));
    for (const auto& [layer, arr] : trace)
      ThrowIfError(WriteNpy((fs::path(a.trace_dir) / (TraceFileName(layer) + ".npy")).string(), arr,
                            a.dtype == "float32"));
  }
}

}  // namespace

void AddPredictCommand(CLI::App& app) {
  auto args = std::make_shared<PredictArgs>();
  CLI::App* sub = app.add_subcommand("predict", "run the bit-exact emulator (or float reference) on a batch");
  AddModelOptions(*sub, args->model);
  AddPipelineOptions(*sub, args->pipeline, false);
  sub->add_option("-i,--input", args->input, "input .npy, [N, features...] float32/float64")->required();
  sub->add_option("-o,--output", args->output, "output .npy, [N, outputs...] (written atomically)")->required();
  sub->add_option("--trace", args->trace_dir, "also write every layer's output to DIR/<layer>.npy");
  sub->add_flag("--float", args->float_mode, "evaluate in double precision with the source framework's semantics");
  sub->add_option("--threads", args->threads, "worker threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  sub->add_option("--dtype", args->dtype, "dtype of the written arrays")
      ->check(CLI::IsMember({"float32", "float64"}))
      ->capture_default_str();
  sub->callback([args] { RunPredict(*args); });
}

}  // namespace hlsforge::cli
