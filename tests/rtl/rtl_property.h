// Random MLPs for the Verilog backend's property test: every precision
// resolved by hand (no passes), widths 1..32, every quantization/overflow
// mode, all layer kinds the backend supports.
#pragma once

#include <map>
#include <random>

#include "rtl_test_util.h"

namespace rtl_test {

inline int Uni(std::mt19937& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
inline bool Coin(std::mt19937& rng, double p = 0.5) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }

/// A random type: width in [wmin, wmax] (often 4..18 so that values are
/// neither all saturated nor all zero), integer bits near the width, random
/// modes when `modes`.
inline FixedType RandType(std::mt19937& rng, int wmin, int wmax, bool modes) {
  int w = Coin(rng, 0.6) ? Uni(rng, std::max(wmin, 4), std::min(wmax, 18)) : Uni(rng, wmin, wmax);
  const bool s = w == 1 ? Coin(rng, 0.3) : Coin(rng, 0.75);
  const int i = Uni(rng, -2, std::min(w + 2, 12));
  const auto q = modes && Coin(rng, 0.6) ? static_cast<Quant>(Uni(rng, 0, 6)) : Quant::TRN;
  const auto o = modes && Coin(rng, 0.6) ? static_cast<Overflow>(Uni(rng, 0, 3)) : Overflow::WRAP;
  return FixedType(w, i, s, q, o);
}

inline void SetPrec(ir::Layer& l, ir::Slot slot, const FixedType& t) { l.config.precision[slot].type = t; }

inline ir::Layer NewLayer(ir::Graph& g, const std::string& name, ir::LayerKind kind, const std::string& in, int n,
                          const FixedType& res) {
  ir::Layer l;
  l.name = name;
  l.kind = kind;
  l.inputs = {in};
  l.output = name + "_out";
  AddTensor(g, l.output, n, res);
  return l;
}

/// One element-wise layer (or none) after a Dense: returns the new tensor.
inline std::string RandomBetween(ir::Graph& g, const std::string& in, int n, int idx, std::mt19937& rng,
                                 std::vector<std::string>* used) {
  const FixedType in_t = *g.tensor(in).type;
  const int pick = Uni(rng, 0, 16);
  const std::string name = "a" + std::to_string(idx);
  FixedType res = RandType(rng, 1, 24, true);
  using K = ir::ActivationKind;
  auto act = [&](K k, double alpha, const std::string& tag) {
    ir::Layer l = NewLayer(g, name, ir::LayerKind::Activation, in, n, res);
    l.activation = k;
    l.alpha = alpha;
    used->push_back(tag);
    return l;
  };
  ir::Layer l;
  switch (pick) {
    case 0: return in;
    case 1: l = act(K::ReLU, 0, "relu"); break;
    case 2: l = act(K::Linear, 0, "linear"); break;
    case 3: l = act(K::ReLU6OrMax, 0.25 * Uni(rng, 1, 24), "relu_max"); break;
    case 4: l = act(K::ThresholdedReLU, 0.1 * Uni(rng, -10, 10), "thresholded_relu"); break;
    case 5:
      if (Coin(rng)) {
        l = act(K::LeakyReLU, 0.125 * Uni(rng, 1, 7), "leaky_relu");
        SetPrec(l, ir::Slot::Param, FixedType(Uni(rng, 3, 10), 1, Coin(rng, 0.7)));
      } else {  // the automatic param_t of a non-dyadic alpha
        l = act(K::LeakyReLU, 0.01 * Uni(rng, 1, 60), "leaky_relu_auto");
      }
      break;
    case 6:
    case 7: {
      static constexpr K kinds[] = {K::Sigmoid, K::Tanh, K::Softplus, K::Softsign};
      static constexpr const char* tags[] = {"sigmoid", "tanh", "softplus", "softsign"};
      const int k = (pick - 6) * 2 + Uni(rng, 0, 1);
      l = act(kinds[k], 0, tags[k]);
      SetPrec(l, ir::Slot::Table, RandType(rng, 6, 18, true));
      // table sizes that are not a power of two: the address is a constant product
      l.config.table_size = Coin(rng, 0.7) ? (1 << Uni(rng, 5, 11)) : Uni(rng, 40, 300);
      if (l.config.table_size & (l.config.table_size - 1)) used->back() += "_any_size";
      break;
    }
    case 8: {
      const bool bit = Coin(rng, 0.6);
      res = bit ? FixedType(1, 1, false) : RandType(rng, 2, 8, true);
      l = act(K::BinaryTanh, 0, bit ? "binary_tanh_xnor" : "binary_tanh");
      break;
    }
    case 9: l = act(K::TernaryTanh, 0, "ternary_tanh"); break;
    case 10:
      l = Coin(rng) ? act(K::HardSigmoid, 0.2, "hard_sigmoid") : act(K::HardTanh, 0.2, "hard_tanh");
      l.beta = 0.5;  // Keras' slope and shift
      break;
    case 13:
    case 14: {
      const bool elu = pick == 13;
      l = act(elu ? K::ELU : K::SELU, elu ? 0.25 * Uni(rng, 1, 8) : 1.6732632423543772, elu ? "elu" : "selu");
      if (!elu) l.beta = 1.0507009873554805;
      if (elu) SetPrec(l, ir::Slot::Param, RandType(rng, 4, 10, true));
      SetPrec(l, ir::Slot::Table, RandType(rng, 6, 18, true));
      l.config.table_size = Coin(rng, 0.7) ? (1 << Uni(rng, 5, 10)) : Uni(rng, 40, 300);
      break;
    }
    case 15: {
      l = act(K::PReLU, 0, "prelu");
      ir::Param a;
      a.shape = {n};
      std::uniform_real_distribution<double> u(-0.5, 1.5);
      for (int i = 0; i < n; ++i) a.values.push_back(u(rng));
      a.type = RandType(rng, 3, 12, true);
      l.params["param"] = a;
      break;
    }
    case 11: {
      const bool ternary = Coin(rng);
      const FixedType r = ternary ? FixedType(2, 2, true) : (Coin(rng) ? FixedType(1, 1, false) : FixedType(3, 3, true));
      AddThreshold(g, name, in, n, ternary, r, rng, std::max(0.5, in_t.max_value() / 2));
      used->push_back(ternary ? "threshold_ternary" : "threshold_binary");
      return name + "_out";
    }
    case 12: {
      l = NewLayer(g, name, ir::LayerKind::ScaleShift, in, n, res);
      ir::Param sc, bi;
      sc.shape = bi.shape = {n};
      std::uniform_real_distribution<double> u(-2, 2);
      for (int i = 0; i < n; ++i) {
        sc.values.push_back(u(rng));
        bi.values.push_back(u(rng));
      }
      sc.type = RandType(rng, 2, 16, true);
      bi.type = RandType(rng, 2, 16, true);
      l.params["scale"] = sc;
      l.params["bias"] = bi;
      used->push_back("scale_shift");
      break;
    }
    default:
      l = NewLayer(g, name, ir::LayerKind::Quantize, in, n, res);
      used->push_back("quantize");
      break;
  }
  g.layers.push_back(l);
  return l.output;
}

/// A random MLP of 1..3 Dense layers (optionally ending in a Softmax).
inline ir::Graph RandomMlp(const std::string& name, std::mt19937& rng, std::vector<std::string>* used) {
  int n = Uni(rng, 1, 10);
  ir::Graph g = StartGraph(name, n, RandType(rng, 1, 32, true));
  std::string t = "input_1";
  const int layers = Uni(rng, 1, 3);
  for (int k = 0; k < layers; ++k) {
    const int n_out = Uni(rng, 1, 9);
    const FixedType in_t = *g.tensor(t).type;
    const bool data_bit = in_t.width() == 1 && !in_t.is_signed();
    WeightKind kind = WeightKind::Fixed;
    FixedType w_t = RandType(rng, 2, 16, false);
    const int r = Uni(rng, 0, 9);
    if (r < 2 || (data_bit && r < 5)) {
      kind = WeightKind::Binary;
      w_t = FixedType(1, 1, false);
    } else if (r < 4) {
      kind = WeightKind::Ternary;
      w_t = FixedType(2, 2, true);
    }
    // accumulator: wide and wrapping (modular), narrow (products rounded into it) or saturating
    FixedType acc;
    const int a = Uni(rng, 0, 9);
    if (a < 6) acc = FixedType(Uni(rng, 24, 32), Uni(rng, 10, 16), true);
    else if (a < 8) acc = RandType(rng, 4, 20, true).with_modes(static_cast<Quant>(Uni(rng, 0, 6)), Overflow::WRAP);
    else acc = RandType(rng, 6, 24, true).with_modes(static_cast<Quant>(Uni(rng, 0, 6)),
                                                     static_cast<Overflow>(Uni(rng, 1, 3)));
    used->push_back(std::string(kind == WeightKind::Binary ? (data_bit ? "dense_xnor" : "dense_binary")
                                                           : (kind == WeightKind::Ternary ? "dense_ternary" : "dense")) +
                    (acc.overflow() != Overflow::WRAP ? "_sat_acc" : ""));
    const std::string dn = "d" + std::to_string(k);
    AddDense(g, dn, t, n, n_out, w_t, RandType(rng, 2, 16, true), acc, RandType(rng, 1, 32, true), rng,
             ir::Strategy::Latency, 1, kind);
    t = dn + "_out";
    n = n_out;
    if (k + 1 < layers) t = RandomBetween(g, t, n, k, rng, used);
  }
  if (Coin(rng, 0.3) && n >= 2) {
    ir::Layer l = NewLayer(g, "softmax", ir::LayerKind::Softmax, t, n, RandType(rng, 6, 18, true));
    l.config.softmax_impl = static_cast<ir::SoftmaxImpl>(Uni(rng, 0, 3));
    l.config.table_size = 1 << Uni(rng, 6, 10);
    SetPrec(l, ir::Slot::ExpTable, RandType(rng, 8, 18, true));
    SetPrec(l, ir::Slot::InvTable, RandType(rng, 8, 18, true));
    SetPrec(l, ir::Slot::Accum, FixedType(Uni(rng, 12, 20), Uni(rng, 4, 8), true));
    SetPrec(l, ir::Slot::InvInp, FixedType(Uni(rng, 10, 18), Uni(rng, 4, 8), true));
    SetPrec(l, ir::Slot::Table, RandType(rng, 10, 18, true));
    static const char* kImpl[] = {"softmax_stable", "softmax_latency", "softmax_legacy", "softmax_argmax"};
    used->push_back(kImpl[static_cast<int>(l.config.softmax_impl)]);
    g.layers.push_back(l);
    t = l.output;
  }
  g.outputs = {t};
  PlanHardware(g);
  return g;
}

inline NDArray RandomRows(const ir::Graph& g, std::mt19937& rng, int rows) {
  const FixedType t = *g.tensor(g.inputs[0]).type;
  const double scale = std::max(t.max_value() / 2, 4 * t.step());
  return RandomInput(rows, static_cast<int>(g.tensor(g.inputs[0]).size()), rng, scale);
}

}  // namespace rtl_test
