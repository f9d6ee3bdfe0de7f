// Helpers shared by the frontend tests: load a model with the default
// config, run the emulator, look a layer up, make normal random rows.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/flow/flow.h"

namespace frontend_test {

namespace ir = hlsforge::ir;

/// The model under `config` (default: no config, every precision auto),
/// passes run, io type `io` when given; an empty graph (and a test failure)
/// when it does not load.
inline ir::Graph Configured(const std::string& model, std::optional<ir::IOType> io = std::nullopt,
                            const std::string& config = "") {
  hlsforge::flow::Options o;
  o.io_type = io;
  auto g = hlsforge::flow::LoadConfiguredModel(model, config, o);
  EXPECT_TRUE(g.ok()) << g.status().message();
  return g.ok() ? *g : ir::Graph{};
}

/// emu::Predict in bit-exact or float mode; empty (and a test failure) on error.
inline hlsforge::NDArray Emu(const ir::Graph& g, const hlsforge::NDArray& x, bool float_mode) {
  hlsforge::emu::Options o;
  o.float_mode = float_mode;
  auto y = hlsforge::emu::Predict(g, x, o);
  EXPECT_TRUE(y.ok()) << y.status().message();
  return y.ok() ? *y : hlsforge::NDArray{};
}

/// The layer named (or aliased) `name`; a test failure and an empty layer when absent.
inline const ir::Layer& L(const ir::Graph& g, const std::string& name) {
  const ir::Layer* l = g.FindLayer(name);
  EXPECT_NE(l, nullptr) << name;
  static const ir::Layer none;
  return l ? *l : none;
}

/// `rows` x `n` values drawn from N(0, sigma^2) with seed `seed`.
inline hlsforge::NDArray NormalRows(int64_t rows, int64_t n, double sigma, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0.0, sigma);
  hlsforge::NDArray x;
  x.shape = {rows, n};
  x.data.resize(static_cast<size_t>(rows * n));
  for (double& v : x.data) v = d(rng);
  return x;
}

}  // namespace frontend_test
