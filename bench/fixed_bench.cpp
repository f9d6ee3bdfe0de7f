// Throughput of the fixed-point core (the emulator's inner loop) next to the
// same loop in double: quantize (double -> word), cast (word -> word with
// RND/SAT) and multiply-accumulate on raw words. After the benchmarks a table
// of the fixed/double CPU-time ratios is printed (CPU time, since the machine
// is shared), then the ac/ap ratios: the same quantize and cast loops with
// the formats in the AC family (ac_fixed semantics, fixed_core.h); CastFT
// is the cast through FixedType (modes and family known at run time only).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "hlsforge/fixed/fixed_core.h"
#include "hlsforge/fixed/fixed_type.h"

namespace {

namespace fx = hlsforge::fx;
constexpr int kN = 4096;

const std::vector<double>& Inputs() {
  static const std::vector<double> v = [] {
    std::mt19937_64 rng(42);
    std::normal_distribution<double> d(0.0, 8.0);
    std::vector<double> x(kN);
    for (double& e : x) e = d(rng);
    return x;
  }();
  return v;
}

constexpr fx::Format kIn{16, 6, true, fx::Quant::RND_CONV, fx::Overflow::SAT};
constexpr fx::Format kWide{32, 12, true};
constexpr fx::Format kOut{8, 3, true, fx::Quant::RND, fx::Overflow::SAT};
constexpr fx::Format kInAc{16, 6, true, fx::Quant::RND_CONV, fx::Overflow::SAT, fx::Family::AC};
constexpr fx::Format kWideAc{32, 12, true, fx::Quant::TRN, fx::Overflow::WRAP, fx::Family::AC};
constexpr fx::Format kOutAc{8, 3, true, fx::Quant::RND, fx::Overflow::SAT, fx::Family::AC};
// SAT_SYM targets (where the AC conversion also looks at the source's modes).
constexpr fx::Format kSymAp{8, 3, true, fx::Quant::RND, fx::Overflow::SAT_SYM};
constexpr fx::Format kSymAc{8, 3, true, fx::Quant::RND, fx::Overflow::SAT_SYM, fx::Family::AC};

const std::vector<int64_t>& Words(fx::Format f) {
  static std::map<int, std::vector<int64_t>> cache;
  auto& w = cache[f.w * 1000 + f.i];
  if (w.empty())
    for (double x : Inputs()) w.push_back(fx::from_double(x, f));
  return w;
}

// One output buffer for the templated quantize / cast loops, so that the
// ap and ac variants compare the same memory layout (a different distance
// between input and output arrays alone changed the time per element 2.4x).
int64_t* SharedOut() {
  static std::vector<int64_t> out(kN);
  return out.data();
}

std::map<std::string, double> g_ns;  // benchmark name -> ns per element

void Record(benchmark::State& state, const char* name) {
  state.SetItemsProcessed(state.iterations() * kN);
}

// ---- quantize --------------------------------------------------------------
template <const fx::Format& F>
void BM_Quantize(benchmark::State& state) {
  const auto& in = Inputs();
  int64_t* out = SharedOut();
  for (auto _ : state) {
    for (int k = 0; k < kN; ++k) out[k] = fx::from_double(in[k], F);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  Record(state, "quantize");
}
void BM_Quantize_Fixed(benchmark::State& state) { BM_Quantize<kIn>(state); }
void BM_Quantize_AcFixed(benchmark::State& state) { BM_Quantize<kInAc>(state); }
// FixedType (run-time modes) instead of compile-time constant modes.
void BM_Quantize_FixedType(benchmark::State& state) {
  const auto& in = Inputs();
  const hlsforge::FixedType t(16, 6, true, hlsforge::Quant::RND_CONV, hlsforge::Overflow::SAT);
  benchmark::DoNotOptimize(&t);
  std::vector<int64_t> out(kN);
  for (auto _ : state) {
    for (int k = 0; k < kN; ++k) out[k] = t.Quantize(in[k]);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  Record(state, "quantize");
}
// The double counterpart: clamp + scale + round to a grid, kept in double.
void BM_Quantize_Double(benchmark::State& state) {
  const auto& in = Inputs();
  std::vector<double> out(kN);
  for (auto _ : state) {
    for (int k = 0; k < kN; ++k) {
      double v = in[k];
      v = v < -32.0 ? -32.0 : v > 31.999 ? 31.999 : v;
      out[k] = v * (1.0 / 1024);
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  Record(state, "quantize");
}

// ---- cast ------------------------------------------------------------------
template <const fx::Format& From, const fx::Format& To>
void BM_Cast(benchmark::State& state) {
  const auto& in = Words(From);
  int64_t* out = SharedOut();
  for (auto _ : state) {
    for (int k = 0; k < kN; ++k) out[k] = fx::cast(in[k], From, To);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  Record(state, "cast");
}
void BM_Cast_Fixed(benchmark::State& state) { BM_Cast<kWide, kOut>(state); }
void BM_Cast_AcFixed(benchmark::State& state) { BM_Cast<kWideAc, kOutAc>(state); }
void BM_CastSym_Fixed(benchmark::State& state) { BM_Cast<kWide, kSymAp>(state); }
void BM_CastSym_AcFixed(benchmark::State& state) { BM_Cast<kWideAc, kSymAc>(state); }
// Run-time modes (the emulator's path), where the family branches are taken
// at run time.
template <hlsforge::Family F>
__attribute__((noinline)) void BM_CastFT(benchmark::State& state) {
  const auto& in = Words(kWide);
  const hlsforge::FixedType from = hlsforge::FixedType(32, 12).WithFamily(F);
  const hlsforge::FixedType to(8, 3, true, hlsforge::Quant::RND, hlsforge::Overflow::SAT, F);
  benchmark::DoNotOptimize(&from);
  benchmark::DoNotOptimize(&to);
  int64_t* out = SharedOut();
  for (auto _ : state) {
    for (int k = 0; k < kN; ++k) out[k] = to.Cast(in[k], from);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
  }
  Record(state, "cast");
}
void BM_Cast_FixedType(benchmark::State& state) { BM_CastFT<hlsforge::Family::AP>(state); }
void BM_CastFT_Fixed(benchmark::State& state) { BM_CastFT<hlsforge::Family::AP>(state); }
void BM_CastFT_AcFixed(benchmark::State& state) { BM_CastFT<hlsforge::Family::AC>(state); }
void BM_Cast_Double(benchmark::State& state) {
  const auto& in = Inputs();
  std::vector<double> out(kN);
  for (auto _ : state) {
    for (int k = 0; k < kN; ++k) {
      const double v = in[k];
      out[k] = v < -4.0 ? -4.0 : v > 3.96875 ? 3.96875 : v;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  Record(state, "cast");
}

// ---- multiply-accumulate -----------------------------------------------------
// acc(ap_fixed<32,12>) += x(ap_fixed<16,6>) * w(ap_fixed<16,6>): full-precision
// product <32,12> added into the accumulator format.
void BM_Mac_Fixed(benchmark::State& state) {
  const auto& x = Words(kIn);
  const auto& w = Words(fx::Format{16, 2, true});
  constexpr fx::Format fw{16, 2, true};
  constexpr fx::Format fp = fx::mul_format(kIn, fw);  // <32,8>
  constexpr fx::Format acc_f{32, 12, true};
  for (auto _ : state) {
    int64_t acc = 0;
    for (int k = 0; k < kN; ++k) {
      const int64_t p = fx::mul(x[k], kIn, w[k], fw);
      acc = fx::cast(fx::add(acc, acc_f, p, fp), fx::add_format(acc_f, fp), acc_f);
    }
    benchmark::DoNotOptimize(acc);
  }
  Record(state, "mac");
}
void BM_Mac_FixedType(benchmark::State& state) {
  const auto& x = Words(kIn);
  const auto& w = Words(fx::Format{16, 2, true});
  const hlsforge::FixedType tx(16, 6), tw(16, 2), tacc(32, 12);
  const hlsforge::FixedType tp = hlsforge::FixedType::MulType(tx, tw);
  const hlsforge::FixedType ts = hlsforge::FixedType::AddType(tacc, tp);
  for (auto _ : state) {
    int64_t acc = 0;
    for (int k = 0; k < kN; ++k) {
      const int64_t p = hlsforge::FixedType::Mul(x[k], tx, w[k], tw);
      acc = tacc.Cast(hlsforge::FixedType::Add(acc, tacc, p, tp), ts);
    }
    benchmark::DoNotOptimize(acc);
  }
  Record(state, "mac");
}
void BM_Mac_Double(benchmark::State& state) {
  const auto& x = Inputs();
  std::vector<double> w(x.rbegin(), x.rend());
  for (auto _ : state) {
    double acc = 0;
    for (int k = 0; k < kN; ++k) acc += x[k] * w[k];
    benchmark::DoNotOptimize(acc);
  }
  Record(state, "mac");
}

BENCHMARK(BM_Quantize_Fixed);
BENCHMARK(BM_Quantize_AcFixed);
BENCHMARK(BM_Quantize_FixedType);
BENCHMARK(BM_Quantize_Double);
BENCHMARK(BM_Cast_Fixed);
BENCHMARK(BM_Cast_AcFixed);
BENCHMARK(BM_CastSym_Fixed);
BENCHMARK(BM_CastSym_AcFixed);
BENCHMARK(BM_Cast_FixedType);
BENCHMARK(BM_CastFT_Fixed);
BENCHMARK(BM_CastFT_AcFixed);
BENCHMARK(BM_Cast_Double);
BENCHMARK(BM_Mac_Fixed);
BENCHMARK(BM_Mac_FixedType);
BENCHMARK(BM_Mac_Double);

// Collects ns/element per benchmark to print the ratio table at the end.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration && r.iterations > 0)
        g_ns[r.benchmark_name()] = r.GetAdjustedCPUTime() * 1e9 /
                                   benchmark::GetTimeUnitMultiplier(r.time_unit) / kN;
    ConsoleReporter::ReportRuns(runs);
  }
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  std::printf("\n%-10s %12s %14s %12s %14s %14s\n", "loop", "fixed ns/el", "FixedType ns/el",
              "double ns/el", "fixed/double", "FixedType/dbl");
  for (const char* k : {"Quantize", "Cast", "Mac"}) {
    const std::string b = std::string("BM_") + k + "_";
    if (!g_ns.count(b + "Fixed") || !g_ns.count(b + "Double")) continue;
    const double f = g_ns[b + "Fixed"], t = g_ns[b + "FixedType"], d = g_ns[b + "Double"];
    std::printf("%-10s %12.3f %14.3f %12.3f %14.2f %14.2f\n", k, f, t, d, f / d, t / d);
  }
  std::printf("\n%-10s %12s %12s %10s\n", "loop", "ap ns/el", "ac ns/el", "ac/ap");
  for (const char* k : {"Quantize", "Cast", "CastSym", "CastFT"}) {
    const std::string b = std::string("BM_") + k + "_";
    if (!g_ns.count(b + "Fixed") || !g_ns.count(b + "AcFixed")) continue;
    const double ap = g_ns[b + "Fixed"], ac = g_ns[b + "AcFixed"];
    std::printf("%-10s %12.3f %12.3f %10.2f\n", k, ap, ac, ac / ap);
  }
  return 0;
}
