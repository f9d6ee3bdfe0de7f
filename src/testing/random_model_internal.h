// Internals of the random-model generator (include/hlsforge/testing/
// random_model.h): a structure is drawn first (random_mlp.cpp,
// random_cnn.cpp: layers, shapes, parameter values, fixed slots), then every
// open precision slot is typed from the values reaching it (exercise_types.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>

#include "hlsforge/fixed/fixed_type.h"
#include "hlsforge/ir/graph.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/status.h"

namespace hlsforge::testing::detail {

/// The random stream of one model.
class Rng {
 public:
  explicit Rng(uint32_t seed) : rng_(seed) {}
  int ri(int a, int b) { return std::uniform_int_distribution<int>(a, b)(rng_); }
  bool coin(int percent) { return ri(0, 99) < percent; }
  double uniform(double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng_); }
  double normal(double sd) { return std::normal_distribution<double>(0, sd)(rng_); }
  Quant quant() {
    static const Quant qs[] = {Quant::TRN, Quant::RND, Quant::RND_CONV, Quant::TRN_ZERO,
                               Quant::RND_ZERO, Quant::RND_INF, Quant::RND_MIN_INF};
    return qs[ri(0, 6)];
  }
  Overflow overflow() {
    static const Overflow os[] = {Overflow::WRAP, Overflow::SAT, Overflow::SAT_SYM, Overflow::SAT_ZERO};
    return os[ri(0, 3)];
  }
  /// A type with random modes.
  FixedType type(int w, int i, bool s) { return FixedType(w, i, s, quant(), overflow()); }
  std::mt19937& engine() { return rng_; }

 private:
  std::mt19937 rng_;
};

/// "<layer>/<slot key>": names one precision slot of one layer.
inline std::string SlotId(const ir::Layer& l, ir::Slot s) { return l.name + "/" + ir::SlotKey(s); }

/// A drawn structure before typing. Every precision slot present in a
/// layer's config is typed by ExerciseTypes unless it is in `fixed_slots`
/// (SlotId: typed at draw time, e.g. a binary weight or a sign activation's
/// 1-bit result).
struct Draft {
  ir::Graph g;
  ir::IOType io = ir::IOType::Parallel;
  std::set<std::string> features;
  std::set<std::string> fixed_slots;
  double input_sd = 1.0;  ///< standard deviation of the input rows
  int width_cap = 16;     ///< widest result/parameter type drawn
};

/// Draws an MLP (random_mlp.cpp) / a CNN (random_cnn.cpp).
Draft DrawMlp(Rng& rng);
Draft DrawCnn(Rng& rng);

/// Types every open slot of d.g from the values reaching it on the rows x
/// (x is snapped to a grid one bit finer than the chosen input type), leaves
/// about 1 slot in 5 `auto`, resolves the graph (infer_precision) and checks
/// that every layer's output takes at least its minimum of distinct values
/// (min_distinct, capped by the type). Returns the typed graph in d.g and the
/// per-layer distinct counts; a Status when this draw of types fails (too
/// wide, too few distinct values): the caller draws again.
struct TypedResult {
  std::map<std::string, int64_t> distinct, min_distinct;
};
StatusOr<TypedResult> ExerciseTypes(Draft& d, NDArray& x, Rng& rng, int min_distinct);

/// infer_precision alone: resolves every auto slot and sets the tensor and
/// param types (the structure passes never run on generated graphs).
Status Resolve(ir::Graph& g);

}  // namespace hlsforge::testing::detail
