// Verilog backend figures:
//   generate   WriteRtlProject of a generated 1,010,000-weight MLP
//              (1000 -> 1000 -> 10, 8-bit weights, ReLU; required < 5 s), next
//              to WriteHlsProject of the same graph in the same process (ratio)
//   rtlsim     the 6-bit QKeras jet tagger (qkeras_3layer, default config):
//              Verilator build from scratch, then 100,000 rows at II = 1
//              (required < 1 min), bit-exact check against emu::Predict
//   ice40      a generated small quantized MLP (16 -> 16 -> 8 -> 4, 4-bit
//              weights, 6-bit activations) through Yosys synth_ice40,
//              nextpnr-ice40 (up5k) and icepack: LCs, Fmax, time
// Single runs (the tools are costly on 2 shared cores). Yosys synth_xilinx
// figures of the jet taggers and TFC_2W2A: scripts/rtl_synth_bench.sh.
//   usage: rtl_bench [generate|rtlsim|ice40]   (default: all three)
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>

#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/backends/rtl_backend.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/passes/pass.h"
#include "test_data.h"

namespace fs = std::filesystem;
using namespace hlsforge;

namespace {

double Since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void Tensor(ir::Graph& g, const std::string& n, int64_t size, FixedType t) {
  ir::Tensor x;
  x.name = n;
  x.shape = {size};
  x.type = t;
  g.tensors[n] = x;
}

// An MLP with resolved precisions and its hardware plan: sizes[0] inputs,
// Dense + ReLU between.
ir::Graph Mlp(const std::string& name, const std::vector<int>& sizes, FixedType w_t, FixedType act_t,
              FixedType in_t, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  ir::Graph g;
  g.name = name;
  ir::Layer in;
  in.name = "input_1";
  in.output = "input_1";
  g.layers.push_back(in);
  Tensor(g, "input_1", sizes[0], in_t);
  g.inputs = {"input_1"};
  std::string t = "input_1";
  for (size_t k = 1; k < sizes.size(); ++k) {
    ir::Layer d;
    d.name = "fc" + std::to_string(k);
    d.kind = ir::LayerKind::Dense;
    d.inputs = {t};
    d.output = d.name + "_out";
    ir::Param w, b;
    w.shape = {sizes[k - 1], sizes[k]};
    for (int64_t i = 0; i < int64_t{sizes[k - 1]} * sizes[k]; ++i) w.values.push_back(u(rng));
    w.type = w_t;
    b.shape = {sizes[k]};
    for (int i = 0; i < sizes[k]; ++i) b.values.push_back(u(rng));
    b.type = FixedType(8, 3);
    d.params["weight"] = w;
    d.params["bias"] = b;
    d.config.precision[ir::Slot::Accum].type = FixedType(32, 16);
    g.layers.push_back(d);
    Tensor(g, d.output, sizes[k], FixedType(16, 6));
    t = d.output;
    if (k + 1 < sizes.size()) {
      ir::Layer r;
      r.name = "relu" + std::to_string(k);
      r.kind = ir::LayerKind::Activation;
      r.activation = ir::ActivationKind::ReLU;
      r.inputs = {t};
      r.output = r.name + "_out";
      g.layers.push_back(r);
      Tensor(g, r.output, sizes[k], act_t);
      t = r.output;
    }
  }
  g.outputs = {t};
  // the hardware plan the backends read (every precision is set above)
  if (Status st = passes::RunPipeline(g, {"lower_hardware"}); !st.ok()) throw Error(st.message());
  return g;
}

uint64_t DirBytes(const fs::path& p) {
  uint64_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(p))
    if (e.is_regular_file()) n += e.file_size();
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string only = argc > 1 ? argv[1] : "";
  auto want = [&](const char* what) { return only.empty() || only == what; };
  const fs::path root = fs::temp_directory_path() / "hlsforge_rtl_bench";
  fs::remove_all(root);
  fs::create_directories(root);
  // ---- generate
  if (want("generate")) {
    const ir::Graph g = Mlp("mlp_1m", {1000, 1000, 10}, FixedType(8, 1), FixedType(8, 3, false), FixedType(16, 6), 1);
    backends::RtlOptions ro;
    ro.project_name = "mlp_1m";
    auto t0 = std::chrono::steady_clock::now();
    auto d = backends::WriteRtlProject(g, ro, (root / "mlp_1m_v").string());
    const double rtl_s = Since(t0);
    if (!d.ok()) {
      std::fprintf(stderr, "%s\n", d.status().message().c_str());
      return 1;
    }
    backends::HlsOptions ho;
    ho.warn = [](const std::string&) {};
    t0 = std::chrono::steady_clock::now();
    Status hs = backends::WriteHlsProject(g, ho, (root / "mlp_1m_hls").string());
    const double hls_s = Since(t0);
    int64_t adders = 0;
    for (const auto& l : d->layers) adders += l.adders;
    std::printf("generate  1,010,000-weight MLP: WriteRtlProject %.2f s (required < 5 s), %lld adders, %.0f MB of "
                "Verilog, latency %d cycles; WriteHlsProject %.2f s%s (ratio %.2f)\n",
                rtl_s, static_cast<long long>(adders), DirBytes(root / "mlp_1m_v") / 1e6, d->latency, hls_s,
                hs.ok() ? "" : " (failed)", rtl_s / std::max(hls_s, 1e-9));
    fs::remove_all(root / "mlp_1m_v");
    fs::remove_all(root / "mlp_1m_hls");
  }
  // ---- rtlsim of the jet tagger, 100,000 rows
  if (want("rtlsim")) {
    auto g = flow::LoadConfiguredModel(hlsforge::test_data::Path("models/keras/qkeras_3layer.json"), "");
    if (!g.ok()) {
      std::fprintf(stderr, "%s\n", g.status().message().c_str());
      return 1;
    }
    backends::RtlOptions ro;
    ro.project_name = "jet";
    auto d = backends::WriteRtlProject(*g, ro, (root / "jet").string());
    if (!d.ok()) {
      std::fprintf(stderr, "%s\n", d.status().message().c_str());
      return 1;
    }
    std::mt19937 rng(3);
    std::normal_distribution<double> nd(0, 1);
    NDArray x;
    x.shape = {100000, 16};
    for (int i = 0; i < 100000 * 16; ++i) x.data.push_back(static_cast<float>(nd(rng)));
    backends::RtlSimOptions so;
    double build_s = 0, run_s = 0;
    so.build_seconds = &build_s;
    so.run_seconds = &run_s;
    so.force_rebuild = true;
    auto t0 = std::chrono::steady_clock::now();
    auto r = backends::RunRtlSim((root / "jet").string(), x, so);
    const double total = Since(t0);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().message().c_str());
      return 1;
    }
    auto e = emu::Predict(*g, x);
    const bool exact = e.ok() && e->data == r->output.data;
    std::printf("rtlsim    jet tagger (qkeras_3layer): Verilator build %.1f s; 100,000 rows in %.2f s (required < 60 s), "
                "%.0f rows/s, latency %d cycles, %s; total %.1f s\n",
                build_s, run_s, 100000 / std::max(run_s, 1e-9), r->latency,
                exact ? "bit-exact with emu::Predict" : "MISMATCH", total);
  }
  // ---- iCE40 flow of a small quantized MLP
  if (want("ice40")) {
    const ir::Graph g = Mlp("small_q", {16, 16, 8, 4}, FixedType(4, 1), FixedType(6, 2, false), FixedType(8, 3), 5);
    backends::RtlOptions ro;
    ro.project_name = "small_q";
    auto d = backends::WriteRtlProject(g, ro, (root / "small_q").string());
    if (!d.ok()) {
      std::fprintf(stderr, "%s\n", d.status().message().c_str());
      return 1;
    }
    backends::SynthOptions so;
    so.target = "ice40";
    so.ice40_device = "up5k";
    auto r = backends::RunSynth((root / "small_q").string(), so);
    if (!r.ok()) {
      std::fprintf(stderr, "%s\n", r.status().message().c_str());
      return 1;
    }
    std::printf("ice40     small quantized MLP 16-16-8-4 (4-bit weights): %lld LC, %lld FF, %lld CARRY on up5k, "
                "Fmax %.1f MHz, bitstream %s, %.1f s\n%s",
                static_cast<long long>(r->totals["LC"]), static_cast<long long>(r->totals["FF"]),
                static_cast<long long>(r->totals["CARRY"]), r->fmax_mhz, r->bitstream.c_str(), r->seconds,
                r->table.c_str());
  }
  return 0;
}
