// The suggested-precision loop of include/hlsforge/report/suggest_config.h:
// profile, set every suggestion into the YAML tree of the config, repeat.
#include "hlsforge/report/suggest_config.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

namespace hlsforge::report {
namespace {

/// Names a LayerName entry may use for `source` (layers and their aliases).
std::set<std::string> ConfigurableNames(const ir::Graph& source) {
  std::set<std::string> names;
  for (const ir::Layer& l : source.layers) {
    names.insert(l.name);
    names.insert(l.aliases.begin(), l.aliases.end());
  }
  return names;
}

/// Sets LayerName: <layer>: Precision: result: <type> in `root`. A layer
/// Precision given as one type for all its keys becomes a map holding that
/// type for each of the layer's keys (`slots`), result excepted.
void SetResult(YAML::Node root, const std::string& layer, const std::vector<std::string>& slots,
               const std::string& type) {
  YAML::Node entry = root["LayerName"][layer];
  YAML::Node prec = entry["Precision"];
  if (prec && prec.IsScalar()) {
    const std::string all = prec.as<std::string>();
    YAML::Node m(YAML::NodeType::Map);
    for (const std::string& k : slots) m[k] = all;
    entry["Precision"] = m;
  }
  entry["Precision"]["result"] = type;
}

}  // namespace

StatusOr<ConfigSuggestion> SuggestConfig(const std::string& path, const std::optional<ir::ModelConfig>& config,
                                         const flow::Options& options, const NDArray& x, int max_rounds) {
  ConfigSuggestion out;
  Status st = CatchStatus([&] {
    const ir::Graph source = flow::LoadModel(path, options.weights_path).value();
    const std::set<std::string> names = ConfigurableNames(source);
    ir::ModelConfig cfg = config ? *config : flow::DefaultModelConfig(source).value();
    YAML::Node root = YAML::Load(cfg.yaml_text);
    if (!root.IsMap()) root = YAML::Node(YAML::NodeType::Map);
    std::map<std::string, std::string> original, written;
    std::set<std::string> not_settable;
    for (out.rounds = 1; out.rounds <= max_rounds; ++out.rounds) {
      bool changed_values = false;
      const ir::Graph g = flow::LoadConfiguredModel(path, cfg, options).value();
      out.counts = emu::CountNumerics(g, x).value();
      if (out.rounds == 1) out.initial_counts = out.counts;
      // Layer order: once a layer that overflowed is widened, the values
      // after it change, so the layers after it wait for the next round
      // (narrowing a layer that did not overflow changes no value).
      bool changed = false;
      for (const emu::TensorCounts& c : out.counts) {
        const std::string now = c.result.ToConfigString();
        original.emplace(c.layer, now);
        if (changed_values) continue;
        const std::optional<FixedType> s = emu::SuggestResultType(c);
        if (!s || s->ToConfigString() == now) continue;
        auto w = written.find(c.layer);
        if (!names.count(c.layer) || (w != written.end() && w->second != now)) {  // the config cannot set it
          not_settable.insert(c.layer);
          continue;
        }
        std::vector<std::string> slots;
        if (const ir::Layer* l = g.FindLayer(c.layer))
          for (const auto& [slot, p] : l->config.precision) slots.push_back(ir::SlotKey(slot));
        SetResult(root, c.layer, slots, s->ToConfigString());
        written[c.layer] = s->ToConfigString();
        changed = true;
        changed_values = c.wrapped + c.saturated > 0;
      }
      if (!changed) {
        out.converged = true;
        break;
      }
      YAML::Emitter e;
      e << root;
      cfg = ir::ParseConfig(std::string(e.c_str()) + "\n", cfg.source_path + " <suggested>").value();
    }
    out.rounds = std::min(out.rounds, max_rounds);
    YAML::Emitter e;
    e << root;
    out.yaml = std::string(e.c_str()) + "\n";
    for (const emu::TensorCounts& c : out.counts) {
      auto w = written.find(c.layer);
      if (w != written.end() && w->second != original.at(c.layer) && !not_settable.count(c.layer))
        out.changes.push_back({c.layer, original.at(c.layer), w->second});
    }
    out.not_settable.assign(not_settable.begin(), not_settable.end());
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace hlsforge::report
