// hlsforge selftest [--cases N] [--seed S] [--family mlp|cnn|both] [--batch B] [--work DIR] [--keep]
// Differential self-test of the installation: N random models
// (hlsforge/testing/random_model.h: MLPs and CNNs whose types make rounding
// ties, saturation and wrapping happen) are compiled to HLS C++, simulated
// with g++ (B models per program) and compared layer by layer with the
// emulator. Prints one line per disagreeing case (seed, first differing
// layer) and a summary; exit status 0 only when every case agrees bit for bit
// on every layer (and every layer varies), 1 otherwise, 2 on errors.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

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
  std::string family = "both", work;
  bool keep = false;
};

void RunSelftest(const SelftestArgs& a) {
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
  double compile_s = 0;
  d.compile_seconds = &compile_s;
  const auto reports = ValueOrThrow(testing::CompareWithCsim(models, d));
  int agree = 0, layers = 0;
  for (size_t k = 0; k < reports.size(); ++k) {
    const auto& r = reports[k];
    layers += r.layers;
    if (r.agree && r.varying) {
      ++agree;
      continue;
    }
    std::printf("FAIL seed %u (%s): %s\n      %s\n", r.seed, models[k].family == testing::ModelFamily::Mlp ? "MLP" : "CNN",
                r.message.c_str(), models[k].summary.c_str());
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const bool ok = agree == static_cast<int>(reports.size());
  if (ok && !a.keep) {
    std::error_code ec;
    fs::remove_all(work, ec);
  }
  std::printf("selftest: %d/%zu cases agree (C simulation vs emulator, every layer: %d layer outputs), seeds %d..%d, "
              "%.1f s (%.1f s in g++)%s\n",
              agree, reports.size(), layers, a.seed, a.seed + a.cases - 1, secs, compile_s,
              ok && !a.keep ? "" : ("; projects kept in " + work.string()).c_str());
  std::fflush(stdout);
  if (!ok) throw ExitWith{1};
}

}  // namespace

void AddSelftestCommand(CLI::App& app) {
  auto a = std::make_shared<SelftestArgs>();
  CLI::App* sub = app.add_subcommand(
      "selftest", "compare the HLS C simulation with the emulator, layer by layer, on random models (needs g++)");
  sub->add_option("--cases", a->cases, "number of random models")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--seed", a->seed, "seed of the first model (model k uses seed + k)")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  sub->add_option("--family", a->family, "mlp, cnn, or both (alternating)")
      ->check(CLI::IsMember({"mlp", "cnn", "both"}))->capture_default_str();
  sub->add_option("--batch", a->batch, "models per g++ program")->check(CLI::PositiveNumber)->capture_default_str();
  sub->add_option("--work", a->work, "directory for the generated projects (default: a temporary one)");
  sub->add_flag("--keep", a->keep, "keep the generated projects");
  sub->callback([a] { RunSelftest(*a); });
}

}  // namespace hlsforge::cli
