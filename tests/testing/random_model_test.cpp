// The random-model generator (hlsforge/testing/random_model.h), on its own
// (emulator only, no g++):
//  * GeneratesValidVaryingModels: 200 MLPs and 100 CNNs are drawn, valid,
//    deterministic per seed, every layer output takes its minimum of distinct
//    values, and together they cover every feature the generator claims;
//  * WrongArithmeticRulesChangeOutputs: for each rule swap below, applied to
//    every type of a model, the emulator's layer outputs change in most of
//    the models that use the rule (the thresholds are stated per rule; they
//    are what makes the backend property tests able to catch a wrong
//    rounding or overflow rule in generated code).
#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/testing/random_model.h"

namespace hlsforge::testing {
namespace {

constexpr int kMlps = 200, kCnns = 100;
constexpr uint32_t kMlpSeed = 12345, kCnnSeed = 60000;  // the backend property tests' seeds

std::vector<RandomModel> Models(ModelFamily f, uint32_t base, int count) {
  std::vector<RandomModel> v;
  RandomModelOptions opt;
  opt.family = f;
  for (int k = 0; k < count; ++k) {
    auto m = GenerateRandomModel(base + static_cast<uint32_t>(k), opt);
    if (!m.ok()) {
      ADD_FAILURE() << m.status().message();
      continue;
    }
    v.push_back(std::move(m).value());
  }
  return v;
}

const std::vector<RandomModel>& Mlps() {
  static const std::vector<RandomModel> v = Models(ModelFamily::Mlp, kMlpSeed, kMlps);
  return v;
}
const std::vector<RandomModel>& Cnns() {
  static const std::vector<RandomModel> v = Models(ModelFamily::Cnn, kCnnSeed, kCnns);
  return v;
}

TEST(RandomModel, GeneratesValidVaryingModels) {
  std::set<std::string> seen;
  int draws = 0;
  for (const auto* family : {&Mlps(), &Cnns()})
    for (const RandomModel& m : *family) {
      seen.insert(m.features.begin(), m.features.end());
      draws += m.draws - 1;
      ASSERT_TRUE(m.graph.Validate().ok()) << m.seed;
      auto tr = emu::Trace(m.graph, m.input);
      ASSERT_TRUE(tr.ok()) << m.seed << ": " << tr.status().message();
      for (const auto& [layer, a] : *tr) {
        const Status st = CheckVarying(a, m.min_distinct.at(layer), "seed " + std::to_string(m.seed) + " " + layer);
        EXPECT_TRUE(st.ok()) << st.message();
      }
    }
  ASSERT_EQ(Mlps().size(), static_cast<size_t>(kMlps));
  ASSERT_EQ(Cnns().size(), static_cast<size_t>(kCnns));
  // Deterministic per seed.
  auto again = GenerateRandomModel(Mlps()[7].seed);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->summary, Mlps()[7].summary);
  EXPECT_EQ(again->input.data, Mlps()[7].input.data);
  const char* want[] = {
      // MLPs
      "dense", "dense_no_bias", "binary_weights", "ternary_weights", "xnor_popcount", "xnor_input", "linear", "relu",
      "leaky_relu", "leaky_fixed_alpha", "sigmoid", "tanh", "binary_tanh", "ternary_tanh", "bn_sign", "bn_ternary",
      "batchnorm", "thresholded_relu", "relu_max", "softmax_stable", "softmax_latency", "softmax_legacy",
      // CNNs
      "rank1", "rank2", "conv", "conv_no_bias", "depthwise", "depthwise_dm", "pointwise", "asymmetric_pads",
      "conv_stride", "max_pool", "avg_pool", "max_pool_pads", "avg_pool_pads_count_pad", "avg_pool_pads_no_count_pad",
      "pool_stride_ne_pool", "global_max", "global_avg", "zero_padding", "cropping", "upsampling", "merge_add",
      "merge_subtract", "merge_multiply", "merge_average", "merge_maximum", "merge_minimum", "concat_channels",
      "concat_spatial", "fan_out_two_branches", "fan_out_identity_branch", "flatten_dense", "flatten_channels_first", "dense_on_image",
      "parallelization_factor",
      // both
      "io_stream", "io_parallel", "Latency", "Resource"};
  for (const char* f : want) EXPECT_TRUE(seen.count(f)) << "feature never drawn: " << f;
  std::printf("[ generator] %d MLPs + %d CNNs valid and varying, %zu features, %d structure redraws\n", kMlps, kCnns,
              seen.size(), draws);
}

/// Every FixedType of the graph (tensors, config slots, parameters).
void ForEachType(ir::Graph& g, const std::function<void(FixedType&)>& f) {
  for (auto& [name, t] : g.tensors)
    if (t.type) f(*t.type);
  for (auto& l : g.layers) {
    for (auto& [k, p] : l.config.precision)
      if (p.type) f(*p.type);
    for (auto& [k, p] : l.params)
      if (p.type) f(*p.type);
  }
}

struct Rule {
  const char* name;
  std::function<std::optional<FixedType>(const FixedType&)> swap;  // nullopt: the rule does not apply
  int min_percent;  // of the models using the rule whose outputs must change
};

std::optional<FixedType> SwapQ(const FixedType& t, Quant a, Quant b) {
  if (t.is_integer_type() || t.width() < 2) return std::nullopt;
  if (t.quant() == a) return t.with_modes(b, t.overflow());
  if (t.quant() == b) return t.with_modes(a, t.overflow());
  return std::nullopt;
}
std::optional<FixedType> SwapO(const FixedType& t, Overflow a, Overflow b) {
  if (t.is_integer_type() || t.width() < 2) return std::nullopt;
  if (t.overflow() == a) return t.with_modes(t.quant(), b);
  if (t.overflow() == b) return t.with_modes(t.quant(), a);
  return std::nullopt;
}

TEST(RandomModel, WrongArithmeticRulesChangeOutputs) {
  const Rule rules[] = {
      {"RND <-> RND_CONV (ties only)", [](const FixedType& t) { return SwapQ(t, Quant::RND, Quant::RND_CONV); }, 80},
      {"RND_ZERO <-> RND_INF (ties only)", [](const FixedType& t) { return SwapQ(t, Quant::RND_ZERO, Quant::RND_INF); }, 80},
      {"RND <-> RND_MIN_INF (ties only)", [](const FixedType& t) { return SwapQ(t, Quant::RND, Quant::RND_MIN_INF); }, 80},
      {"TRN <-> TRN_ZERO", [](const FixedType& t) { return SwapQ(t, Quant::TRN, Quant::TRN_ZERO); }, 75},
      {"rounding -> truncation",
       [](const FixedType& t) -> std::optional<FixedType> {
         if (t.is_integer_type() || t.quant() == Quant::TRN || t.quant() == Quant::TRN_ZERO) return std::nullopt;
         return t.with_modes(Quant::TRN, t.overflow());
       },
       95},
      {"SAT <-> WRAP", [](const FixedType& t) { return SwapO(t, Overflow::SAT, Overflow::WRAP); }, 70},
      {"SAT_ZERO <-> SAT", [](const FixedType& t) { return SwapO(t, Overflow::SAT_ZERO, Overflow::SAT); }, 65},
      {"SAT_SYM <-> WRAP", [](const FixedType& t) { return SwapO(t, Overflow::SAT_SYM, Overflow::WRAP); }, 70},
  };
  for (const auto& [family, models] : {std::pair{"MLP", &Mlps()}, std::pair{"CNN", &Cnns()}}) {
    for (const Rule& r : rules) {
      int using_rule = 0, changed = 0;
      for (const RandomModel& m : *models) {
        ir::Graph g = m.graph;
        bool applies = false;
        ForEachType(g, [&](FixedType& t) {
          if (auto s = r.swap(t)) {
            t = *s;
            applies = true;
          }
        });
        if (!applies) continue;
        ++using_rule;
        auto a = emu::Trace(m.graph, m.input);
        auto b = emu::Trace(g, m.input);
        ASSERT_TRUE(a.ok() && b.ok()) << m.seed;
        bool diff = false;
        for (const auto& [layer, arr] : *a) diff = diff || b->at(layer).data != arr.data;
        changed += diff;
      }
      const int pct = using_rule ? 100 * changed / using_rule : 100;
      std::printf("[ generator] %s, %s: outputs change in %d of the %d models using it (%d %%, required %d %%)\n",
                  family, r.name, changed, using_rule, pct, r.min_percent);
      EXPECT_GE(pct, r.min_percent) << family << " " << r.name;
    }
  }
}

}  // namespace
}  // namespace hlsforge::testing
