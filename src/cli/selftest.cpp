// hlsforge selftest [--cases N] [--seed S] [--family mlp|cnn|both]
//                   [--against csim|verilator|both] [--batch B] [--work DIR] [--keep]
// Differential self-test of the installation: N random models
// (hlsforge/testing/random_model.h: MLPs and CNNs whose types make rounding
// ties, saturation and wrapping happen) are compared with the emulator:
//  * csim: compiled to HLS C++, simulated with g++ (B models per program),
//    compared layer by layer;
//  * verilator: the model's RTL variant (io_parallel, reuse factor 1, random
//    Multiplier / PipelineStages per layer; testing::RtlVariant) written by
//    the Verilog backend, simulated with Verilator (B designs per build),
//    its output and measured latency compared. CNNs are skipped (the
//    backend has no window layers) and counted; so would be an MLP beyond
//    one of the backend's documented limits, listed with the reason.
// Prints one line per disagreeing case (seed, leg, first difference) and a
// summary per leg; exit status 0 only when every case agrees bit for bit
// (and varies), 1 otherwise, 2 on errors (a missing tool included).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "commands.h"
#include "hlsforge/testing/differential.h"
#include "hlsforge/testing/random_model.h"

namespace hlsforge::cli {
namespace {

namespace fs = std::filesystem;

struct SelftestArgs {
  int cases = 20;
  int seed = 1;
  int batch = 40;
  std::string family = "both", against = "csim", work;
  bool keep = false;
};

void RunSelftest(const SelftestArgs& a) {
  if (a.against != "csim" && a.family == "cnn")  // a leg that would compare nothing
    throw Error("selftest: --against " + a.against +
                " needs MLPs (--family mlp or both): the verilog backend has no convolutional layers");
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<testing::RandomModel> models;
  for (int k = 0; k < a.cases; ++k) {
    testing::RandomModelOptions o;
    o.family = a.family == "mlp" ? testing::ModelFamily::Mlp
               : a.family == "cnn" ? testing::ModelFamily::Cnn
               : (k % 2 ? testing::ModelFamily::Cnn : testing::ModelFamily::Mlp);
    models.push_back(ValueOrThrow(testing::GenerateRandomModel(static_cast<uint32_t>(a.seed + k), o)));
  }
  const fs::path work = a.work.empty() ? fs::temp_directory_path() / ("hlsforge_selftest_" + std::to_string(getpid()))
                                       : fs::path(a.work);
  testing::DifferentialOptions d;
  d.work_dir = work.string();
  d.batch = a.batch;
  d.log = [](const std::string& s) { std::fprintf(stderr, "selftest: %s\n", s.c_str()); };
  const bool csim = a.against != "verilator", rtl = a.against != "csim";
  bool ok = true;
  std::vector<std::string> summary;  // one line per leg
  auto fail_line = [&](const char* leg, size_t k, const testing::CaseReport& r) {
    std::printf("FAIL seed %u (%s, %s): %s\n      %s\n", r.seed,
                models[k].family == testing::ModelFamily::Mlp ? "MLP" : "CNN", leg, r.message.c_str(),
                models[k].summary.c_str());
    if (!r.variant.empty()) std::printf("      RTL variant: %s\n", r.variant.c_str());
  };
  if (csim) {
    double compile_s = 0;
    d.compile_seconds = &compile_s;
    const auto reports = ValueOrThrow(testing::CompareWithCsim(models, d));
    int agree = 0, layers = 0;
    for (size_t k = 0; k < reports.size(); ++k) {
      const auto& r = reports[k];
      layers += r.layers;
      if (r.agree && r.varying) ++agree;
      else fail_line("C simulation", k, r);
    }
    ok = ok && agree == static_cast<int>(reports.size());
    summary.push_back(fmt::format("selftest: {}/{} cases agree (C simulation vs emulator, every layer: {} layer "
                                  "outputs), seeds {}..{}, {:.1f} s in g++",
                           agree, reports.size(), layers, a.seed, a.seed + a.cases - 1, compile_s));
  }
  if (rtl) {
    double build_s = 0;
    d.compile_seconds = &build_s;
    const auto reports = ValueOrThrow(testing::CompareWithRtl(models, d));
    int agree = 0, run = 0, cnns = 0, limits = 0;
    for (size_t k = 0; k < reports.size(); ++k) {
      const auto& r = reports[k];
      if (!r.skipped.empty()) {
        if (models[k].family == testing::ModelFamily::Cnn) {
          ++cnns;
        } else {  // an MLP outside a documented limit of the backend: shown, not a failure
          ++limits;
          std::printf("skip seed %u (MLP, Verilator): %s\n", r.seed, r.skipped.c_str());
        }
        continue;
      }
      ++run;
      if (r.agree && r.varying) ++agree;
      else fail_line("Verilator", k, r);
    }
    ok = ok && agree == run;
    summary.push_back(fmt::format("selftest: {}/{} cases agree (Verilator vs emulator, output and latency), seeds "
                                  "{}..{}, {:.1f} s in Verilator builds; skipped: {} CNN (no window layers in the "
                                  "verilog backend), {} MLP outside the backend's limits",
                                  agree, run, a.seed, a.seed + a.cases - 1, build_s, cnns, limits));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (ok && !a.keep) {
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  // the last line also carries the total time (scripts/selftest_scale.sh reads it)
  summary.back() += fmt::format("; {:.1f} s in all{}", secs, ok && !a.keep ? "" : "; projects kept in " + work.string());
  for (const auto& line : summary) std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  if (!ok) throw ExitWith{1};
}

}  // namespace

void AddSelftestCommand(CLI::App& app) {
  auto a = std::make_shared<SelftestArgs>();
  CLI::App* sub = app.add_subcommand(
      "selftest", "compare the HLS C simulation (and/or the Verilator simulation of the RTL) with the emulator on random "
      "models (needs g++; --against verilator needs verilator)");
  sub->add_option("--cases", a->cases, "number of random models")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--seed", a->seed, "seed of the first model (model k uses seed + k)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--family", a->family, "mlp, cnn, or both (alternating)")
      ->check(CLI::IsMember({"mlp", "cnn", "both"}))->capture_default_str();
  sub->add_option("--against", a->against,
                  "csim (HLS C simulation, every layer), verilator (Verilog backend, MLPs: output and latency), "
                  "or both")
      ->check(CLI::IsMember({"csim", "verilator", "both"}))->capture_default_str();
  sub->add_option("--batch", a->batch, "models per g++ program")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--work", a->work, "directory for the generated projects (default: a temporary one)");
  sub->add_flag("--keep", a->keep, "keep the generated projects");
  sub->callback([a] { RunSelftest(*a); });
}

}  // namespace hlsforge::cli
