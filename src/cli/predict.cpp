// hlsforge predict MODEL [-c CFG] -i X.npy -o Y.npy [--trace DIR] [--float] [--threads N]
//   [--passes a,b,c] [--block-rows R]
//
// A float32/float64 input of shape [N, ...] is streamed: memory-mapped,
// converted, predicted and written R rows at a time (emu::PredictBlocks,
// NpyWriter), so memory stays bounded whatever N. A single sample (1-d
// array), an input that fails the header checks, and --trace (every layer's
// output is held whole) take the in-memory path, whose messages and output
// are the reference the streamed path equals byte for byte.
#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>

#include "commands.h"
#include "nonfinite.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/emu/predict_blocks.h"
#include "hlsforge/util/npy_stream.h"
#include "hlsforge/util/progress.h"

namespace hlsforge::cli {
namespace fs = std::filesystem;

namespace {

struct PredictArgs {
  ModelArgs model;
  PipelineArgs pipeline;
  std::string input, output, trace_dir, dtype = "float64";
  bool float_mode = false;
  int threads = 0;
  int64_t block_rows = 65536;
};

/// In-memory path: the whole input, the whole output (and the trace).
void RunPredictInMemory(const PredictArgs& a, const ir::Graph& g) {
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

/// Streamed path (see the file comment); false when the input is not for it.
bool RunPredictStreamed(const PredictArgs& a, const ir::Graph& g) {
  if (!a.trace_dir.empty()) return false;
  auto h = ReadNpyHeader(a.input);
  if (!h.ok() || !IsFloatDtype(h->descr) || h->shape.size() < 2) return false;
  MappedNpy in = ValueOrThrow(MappedNpy::Open(a.input));
  const NdArrayView view = in.view();
  const int64_t n = view.rows();
  // The per-sample shape decides FitInput's outcome whatever the row count:
  // check it on an empty probe; on failure the whole shape (data untouched
  // on that path) gives the in-memory path's message word for word.
  NDArray probe;
  probe.shape = view.shape;
  probe.shape[0] = 0;
  if (!FitInput(g, probe, a.input).ok()) {
    NDArray whole;
    whole.shape = view.shape;
    ThrowIfError(FitInput(g, whole, a.input));
    return false;  // not reached: the per-sample shape was rejected above
  }
  emu::Options opt;
  opt.float_mode = a.float_mode;
  opt.threads = a.threads;
  emu::BlockOptions bo;
  bo.block_rows = a.block_rows;
  int64_t nan = 0, pos = 0, neg = 0;
  bo.prepare = [&](int64_t first_row, NDArray& x) {
    for (double v : x.data)
      if (!std::isfinite(v)) ++(std::isnan(v) ? nan : (v > 0 ? pos : neg));
    Status s = FitInput(g, x, a.input);
    in.Release(first_row + x.rows());
    return s;
  };
  std::optional<Progress> progress;
  if (n > a.block_rows) progress.emplace("predict", n);
  NpyWriter out;
  auto sink = [&](int64_t first_row, NDArray& y) {
    ToSourceLayout(g, y);
    if (!out.is_open()) {
      std::vector<int64_t> shape = y.shape;
      shape[0] = n;
      HLSFORGE_RETURN_IF_ERROR(out.Open(a.output, shape, a.dtype == "float32"));
    }
    HLSFORGE_RETURN_IF_ERROR(out.Append(y.data.data(), static_cast<int64_t>(y.data.size())));
    if (progress) progress->Update(first_row + y.rows());
    return Status::Ok();
  };
  ThrowIfError(emu::PredictBlocks(g, view, opt, sink, bo, a.input));
  if (progress) progress->Finish();
  WarnNonFiniteCounts(nan, pos, neg, a.input);
  ThrowIfError(out.Finish());
  return true;
}

void RunPredict(const PredictArgs& a) {
  ir::Graph g = ValueOrThrow(PrepareModel(a.model, a.pipeline, false));
  if (!RunPredictStreamed(a, g)) RunPredictInMemory(a, g);
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
  sub->add_option("--block-rows", args->block_rows,
                  "rows converted, predicted and written at a time (bounds memory; same output for any value)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  sub->add_option("--dtype", args->dtype, "dtype of the written arrays")
      ->check(CLI::IsMember({"float32", "float64"}))
      ->capture_default_str();
  sub->callback([args] { RunPredict(*args); });
}

}  // namespace hlsforge::cli
