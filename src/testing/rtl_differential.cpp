// Differential testing, Verilator simulation of the Verilog backend vs
// emulator (differential.h: RtlVariant, CompareWithRtl).
#include <fmt/format.h>

#include <filesystem>
#include <optional>
#include <random>

#include "hlsforge/backends/rtl_backend.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/passes/pass.h"
#include "hlsforge/testing/differential.h"
#include "../backends/rtl/tools.h"
#include "bisect.h"

namespace fs = std::filesystem;

namespace hlsforge::testing {
namespace {

struct RtlSim {
  std::optional<backends::RtlSimResult> result;
  std::string error;
};

// One Verilator build for the projects `idx` (bisected on failure).
void Simulate(const std::vector<std::string>& dirs, const std::vector<NDArray>& inputs, const fs::path& root,
              std::vector<RtlSim>& sims, double& build_total, const DifferentialOptions& opt) {
  auto run = [&](const std::vector<size_t>& idx) -> Status {
    backends::RtlSimOptions so;
    so.opt_level = "-O0";  // the build dominates: 64 rows per design
    double build_s = 0;
    so.build_seconds = &build_s;
    const fs::path work = root / fmt::format("rtlsim_{}_{}", idx.front(), idx.size());
    auto r = backends::RunRtlSimBatch(detail::Pick(dirs, idx), detail::Pick(inputs, idx), work.string(), so);
    build_total += build_s;
    if (!r.ok()) return r.status();
    if (opt.log) opt.log(fmt::format("{} designs simulated in one Verilator build ({:.1f} s)", idx.size(), build_s));
    for (size_t i = 0; i < idx.size(); ++i) sims[idx[i]].result = std::move((*r)[i]);
    std::error_code ec;
    fs::remove_all(work, ec);
    return Status::Ok();
  };
  std::vector<size_t> idx(dirs.size());
  for (size_t k = 0; k < idx.size(); ++k) idx[k] = k;
  detail::RunBisecting(idx, run, [&](size_t k, const std::string& m) { sims[k].error = m; }, opt.log,
                       "Verilator build");
}

const char* MultiplierName(ir::MultiplierStyle m) {
  switch (m) {
    case ir::MultiplierStyle::Lut: return "lut";
    case ir::MultiplierStyle::Dsp: return "dsp";
    case ir::MultiplierStyle::Auto: break;
  }
  return "auto";
}

}  // namespace

StatusOr<ir::Graph> RtlVariant(const RandomModel& m, std::string* knobs) {
  ir::Graph g = m.graph;
  g.io_type = ir::IOType::Parallel;
  // a generator of its own, so that the model of a seed stays what it is
  std::mt19937 rng(m.seed ^ 0x5eed7e1u);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::string line;
  for (ir::Layer& l : g.layers) {
    l.config.reuse_factor = 1;
    l.config.multiplier = static_cast<ir::MultiplierStyle>(pick(0, 2));
    const int stages = pick(-3, 3);  // auto about half of the time
    l.config.pipeline_stages = stages < 0 ? -1 : stages;
    if (l.kind == ir::LayerKind::Input) continue;
    line += fmt::format("{}{}: Multiplier {}, PipelineStages {}", line.empty() ? "" : "; ", l.name,
                        MultiplierName(l.config.multiplier),
                        stages < 0 ? std::string("auto") : std::to_string(stages));
  }
  const Status st = passes::RunPipeline(g, {"lower_hardware"});
  if (!st.ok()) return Status::Fail(fmt::format("seed {}: RTL variant: {}", m.seed, st.message()));
  if (knobs) *knobs = line;
  return g;
}

StatusOr<std::vector<CaseReport>> CompareWithRtl(const std::vector<RandomModel>& models,
                                                 const DifferentialOptions& opt) {
  std::vector<CaseReport> reports(models.size());
  if (auto v = backends::rtl::FindTool("verilator", "verilator"); !v.ok()) return v.status();
  double build_total = 0;
  const fs::path root = fs::absolute(opt.work_dir);
  const size_t batch = static_cast<size_t>(std::max(1, opt.batch));
  bool failed = false;
  for (size_t start = 0; start < models.size(); start += batch) {
    const size_t end = std::min(models.size(), start + batch);
    std::vector<std::string> dirs;
    std::vector<NDArray> inputs;
    std::vector<size_t> index;  // model of each project
    std::vector<ir::Graph> variants(end - start);
    std::vector<int> latency;
    for (size_t k = start; k < end; ++k) {
      const RandomModel& m = models[k];
      CaseReport& r = reports[k];
      r.seed = m.seed;
      if (failed && opt.stop_at_first_failure) {
        r.message = "not simulated (stopped at the first failure)";
        continue;
      }
      auto v = RtlVariant(m, &r.variant);
      if (!v.ok()) return v.status();
      const Status ok = backends::CheckRtlGraph(*v);
      if (!ok.ok()) {
        r.skipped = ok.message();
        continue;
      }
      variants[k - start] = std::move(*v);
      backends::RtlOptions ro;
      ro.project_name = fmt::format("{}{}", m.family == ModelFamily::Mlp ? "mlp" : "cnn", m.seed);
      ro.warn = [](const std::string&) {};
      const fs::path dir = root / ("rtl_" + ro.project_name);
      std::error_code ec;
      fs::remove_all(dir, ec);
      auto d = backends::WriteRtlProject(variants[k - start], ro, dir.string());
      if (!d.ok()) return Status::Fail(fmt::format("seed {}: {}", m.seed, d.status().message()));
      if (opt.after_write) opt.after_write(dir.string());
      dirs.push_back(dir.string());
      NDArray x = m.input;
      x.shape = {x.rows(), x.row_size()};
      inputs.push_back(std::move(x));
      index.push_back(k);
      latency.push_back(d->latency);
    }
    if (dirs.empty()) continue;
    std::vector<RtlSim> sims(dirs.size());
    Simulate(dirs, inputs, root, sims, build_total, opt);
    for (size_t i = 0; i < dirs.size(); ++i) {
      const size_t k = index[i];
      const RandomModel& m = models[k];
      const ir::Graph& g = variants[k - start];
      CaseReport& r = reports[k];
      const RtlSim& s = sims[i];
      if (!s.result) {
        r.message = "Verilator simulation failed: " + s.error;
        failed = true;
        continue;
      }
      r.simulated = true;
      r.latency = s.result->latency;
      r.layers = static_cast<int>(g.layers.size()) - 1;  // without the input
      auto y = emu::Predict(g, m.input);
      if (!y.ok()) return Status::Fail(fmt::format("seed {}: emulator: {}", m.seed, y.status().message()));
      const NDArray& o = s.result->output;
      if (o.data.size() != y->data.size()) {
        r.message = fmt::format("{} output values from Verilator, {} from the emulator", o.data.size(),
                                y->data.size());
      } else {
        int64_t n = 0, first = -1;
        for (size_t e = 0; e < o.data.size(); ++e)
          if (o.data[e] != y->data[e]) {
            ++n;
            if (first < 0) first = static_cast<int64_t>(e);
          }
        if (n > 0) {
          const int64_t cols = y->row_size();
          r.message = fmt::format("output: {} of {} values differ; first at row {}, element {}: Verilator {}, "
                                  "emulator {}",
                                  n, o.data.size(), first / cols, first % cols, o.data[static_cast<size_t>(first)],
                                  y->data[static_cast<size_t>(first)]);
        }
      }
      if (r.message.empty() && r.latency != latency[i])
        r.message = fmt::format("measured latency {} cycles, the design reports {}", r.latency, latency[i]);
      r.agree = r.message.empty();
      std::string out_layer;
      for (const auto& l : g.layers)
        if (l.output == g.outputs.at(0)) out_layer = l.name;
      auto it = m.min_distinct.find(out_layer);
      const Status v = CheckVarying(*y, it == m.min_distinct.end() ? 2 : it->second, "the output");
      r.varying = v.ok();
      if (r.agree && !r.varying) r.message = v.message();
      if (r.agree) {
        std::error_code ec;
        fs::remove_all(dirs[i], ec);
      }
      failed = failed || !r.agree || !r.varying;
    }
  }
  if (opt.compile_seconds) *opt.compile_seconds = build_total;
  return reports;
}

}  // namespace hlsforge::testing
