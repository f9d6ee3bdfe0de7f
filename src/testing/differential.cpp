// Differential testing, HLS C simulation vs emulator (differential.h).
#include "hlsforge/testing/differential.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <filesystem>
#include <optional>

#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/ir/family.h"
#include "hlsforge/emu/emulator.h"
#include "bisect.h"

namespace fs = std::filesystem;

namespace hlsforge::testing {
namespace {

using Trace = std::map<std::string, NDArray>;

struct Sim {
  std::optional<NDArray> out;
  Trace trace;
  std::string error;
};

// C simulation of the projects `idx` in one program (bisected on failure).
void Simulate(const std::vector<std::string>& dirs, const std::vector<NDArray>& inputs, const fs::path& root,
              std::vector<Sim>& sims, double& compile_total, const DifferentialOptions& opt) {
  auto run = [&](const std::vector<size_t>& idx) -> Status {
    backends::CsimOptions co;
    double compile_s = 0;
    co.compile_seconds = &compile_s;
    std::vector<Trace> traces;
    co.traces = &traces;
    const fs::path work = root / fmt::format("batch_{}_{}", idx.front(), idx.size());
    auto r = backends::RunCsimBatch(detail::Pick(dirs, idx), detail::Pick(inputs, idx), work.string(), co);
    compile_total += compile_s;
    if (!r.ok()) return r.status();
    if (opt.log) opt.log(fmt::format("{} models simulated in one program (g++ {:.1f} s)", idx.size(), compile_s));
    for (size_t i = 0; i < idx.size(); ++i) {
      sims[idx[i]].out = std::move((*r)[i]);
      sims[idx[i]].trace = std::move(traces[i]);
    }
    std::error_code ec;
    fs::remove_all(work, ec);
    return Status::Ok();
  };
  std::vector<size_t> idx(dirs.size());
  for (size_t k = 0; k < idx.size(); ++k) idx[k] = k;
  detail::RunBisecting(idx, run, [&](size_t k, const std::string& m) { sims[k].error = m; }, opt.log, "program");
}

}  // namespace

std::string FirstTraceDifference(const ir::Graph& g, const Trace& csim, const Trace& emu) {
  for (const auto& l : g.layers) {
    auto e = emu.find(l.name);
    auto c = csim.find(l.name);
    if (e == emu.end() && c == csim.end()) continue;
    if (e == emu.end() || c == csim.end())
      return fmt::format("layer '{}': traced by {} only", l.name, e == emu.end() ? "the C simulation" : "the emulator");
    if (e->second.shape != c->second.shape)
      return fmt::format("layer '{}': shape [{}] in C simulation, [{}] in the emulator", l.name,
                         fmt::join(c->second.shape, ", "), fmt::join(e->second.shape, ", "));
    const auto& a = c->second.data;
    const auto& b = e->second.data;
    size_t first = a.size(), count = 0;
    for (size_t i = 0; i < a.size(); ++i)
      if (a[i] != b[i]) {
        if (!count) first = i;
        ++count;
      }
    if (count) {
      const int64_t rs = std::max<int64_t>(1, e->second.row_size());
      return fmt::format("layer '{}': {} of {} values differ; first at row {} element {}: C simulation {:.17g}, "
                         "emulator {:.17g}",
                         l.name, count, a.size(), static_cast<int64_t>(first) / rs, static_cast<int64_t>(first) % rs,
                         a[first], b[first]);
    }
  }
  for (const auto& [name, arr] : csim)
    if (!emu.count(name)) return fmt::format("layer '{}': traced by the C simulation only", name);
  return "";
}

StatusOr<std::vector<CaseReport>> CompareWithCsim(const std::vector<RandomModel>& models,
                                                  const DifferentialOptions& opt) {
  std::vector<CaseReport> reports(models.size());
  double compile_total = 0;
  const fs::path root = fs::absolute(opt.work_dir);
  const size_t batch = static_cast<size_t>(std::max(1, opt.batch));
  bool failed = false;
  for (size_t start = 0; start < models.size(); start += batch) {
    const size_t end = std::min(models.size(), start + batch);
    if (failed && opt.stop_at_first_failure) {
      for (size_t k = start; k < end; ++k) {
        reports[k].seed = models[k].seed;
        reports[k].message = "not simulated (stopped at the first failure)";
      }
      continue;
    }
    std::vector<std::string> dirs;
    std::vector<NDArray> inputs;
    for (size_t k = start; k < end; ++k) {
      const RandomModel& m = models[k];
      backends::HlsOptions ho;
      ho.backend = ir::FamilyOf(m.graph) == Family::AC ? "catapult" : "vitis";  // the model's type family
      ho.io_type = m.io;
      ho.project_name = fmt::format("{}{}", m.family == ModelFamily::Mlp ? "mlp" : "cnn", m.seed);
      ho.cpp_namespace = "ns_" + ho.project_name;
      ho.warn = [](const std::string&) {};
      const fs::path dir = root / ho.project_name;
      std::error_code ec;
      fs::remove_all(dir, ec);
      Status st = backends::WriteHlsProject(m.graph, ho, dir.string());
      if (!st.ok()) return Status::Fail(fmt::format("seed {}: {}", m.seed, st.message()));
      dirs.push_back(dir.string());
      inputs.push_back(m.input);
    }
    std::vector<Sim> sims(dirs.size());
    Simulate(dirs, inputs, root, sims, compile_total, opt);
    for (size_t k = start; k < end; ++k) {
      const RandomModel& m = models[k];
      CaseReport& r = reports[k];
      r.seed = m.seed;
      const Sim& s = sims[k - start];
      if (!s.out) {
        r.message = "C simulation failed: " + s.error;
        failed = true;
        continue;
      }
      r.simulated = true;
      auto e = emu::Trace(m.graph, m.input);
      if (!e.ok()) return Status::Fail(fmt::format("seed {}: emulator: {}", m.seed, e.status().message()));
      r.layers = static_cast<int>(e->size());
      r.message = FirstTraceDifference(m.graph, s.trace, *e);
      auto y = emu::Predict(m.graph, m.input);
      if (!y.ok()) return Status::Fail(fmt::format("seed {}: emulator: {}", m.seed, y.status().message()));
      if (r.message.empty() && y->data != s.out->data) r.message = "the model outputs differ (every layer agrees)";
      r.agree = r.message.empty();
      r.varying = true;
      for (const auto& [layer, arr] : *e) {
        auto it = m.min_distinct.find(layer);
        const Status v = CheckVarying(arr, it == m.min_distinct.end() ? 2 : it->second, "layer '" + layer + "'");
        if (!v.ok()) {
          r.varying = false;
          if (r.agree) r.message = v.message();
        }
      }
      if (r.agree) {
        std::error_code ec;
        fs::remove_all(dirs[k - start], ec);
      }
      failed = failed || !r.agree || !r.varying;
    }
  }
  if (opt.compile_seconds) *opt.compile_seconds = compile_total;
  return reports;
}

}  // namespace hlsforge::testing
