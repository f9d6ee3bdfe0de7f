// Helpers of the Verilog backend tests: write several designs, simulate them
// in ONE Verilator build, compare every output with the emulator bit for bit.
// Graph builders and comparisons come from the HLS backend's test helpers.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "../backends/hls_test_util.h"
#include "hlsforge/backends/rtl_backend.h"
#include "hlsforge/passes/pass.h"

namespace rtl_test {

using namespace hls_test;  // TmpDir-like helpers, graph builders, CountDiff, Rows, Concat, EnvInt

inline fs::path RtlTmpDir(const std::string& name) {
  fs::path p = fs::temp_directory_path() / ("hlsforge_rtl_test_" + std::to_string(getpid())) / name;
  fs::remove_all(p);
  fs::create_directories(p.parent_path());
  return p;
}

/// Removes a test directory, and its per-process parent when empty.
inline void RemoveTmp(const fs::path& p) {
  std::error_code ec;
  fs::remove_all(p, ec);
  fs::remove(p.parent_path(), ec);  // only if empty
}

/// Runs the lower_hardware pass on a graph built by hand (every precision
/// resolved): the backend reads the hardware plan it records.
inline void PlanHardware(ir::Graph& g) {
  const Status st = passes::RunPipeline(g, {"lower_hardware"});
  if (!st.ok()) throw Error(st.message());
}

struct Case {
  std::string tag;   ///< a Verilog identifier: the project (top module) name
  ir::Graph g;
  NDArray x;
};

struct BatchStats {
  int64_t designs = 0, rows = 0, values = 0;
  double build_s = 0, run_s = 0;
};

/// Writes every case into root/<tag>, simulates all in one Verilator build
/// (root/sim), and expects each output to equal emu::Predict exactly and
/// each measured latency to equal hlsforge_rtl.json's. root is removed
/// unless the test has failed.
inline BatchStats ExpectRtlMatchesEmulator(std::vector<Case>& cases, const fs::path& root) {
  BatchStats st;
  std::vector<std::string> dirs;
  std::vector<NDArray> inputs;
  std::vector<int> latency;
  for (Case& c : cases) {
    backends::RtlOptions opt;
    opt.project_name = c.tag;
    auto d = backends::WriteRtlProject(c.g, opt, (root / c.tag).string());
    EXPECT_TRUE(d.ok()) << c.tag << ": " << d.status().message();
    if (!d.ok()) return st;
    dirs.push_back((root / c.tag).string());
    NDArray x = c.x;
    x.shape = {x.rows(), x.row_size()};
    inputs.push_back(x);
    latency.push_back(d->latency);
  }
  backends::RtlSimOptions so;
  so.opt_level = "-O0";  // compile time dominates: a few thousand rows per design
  so.build_seconds = &st.build_s;
  so.run_seconds = &st.run_s;
  auto ys = backends::RunRtlSimBatch(dirs, inputs, (root / "sim").string(), so);
  EXPECT_TRUE(ys.ok()) << ys.status().message();
  if (!ys.ok()) return st;
  for (size_t k = 0; k < cases.size(); ++k) {
    auto e = emu::Predict(cases[k].g, cases[k].x);
    EXPECT_TRUE(e.ok()) << cases[k].tag << ": " << e.status().message();
    if (!e.ok()) continue;
    NDArray y = (*ys)[k].output;
    y.shape = e->shape;
    std::string first;
    const int64_t diff = CountDiff(y, *e, &first, "verilator");
    EXPECT_EQ(diff, 0) << cases[k].tag << ": " << diff << " of " << e->data.size() << " values differ; first: "
                       << first;
    EXPECT_EQ((*ys)[k].latency, latency[k]) << cases[k].tag;
    ++st.designs;
    st.rows += cases[k].x.rows();
    st.values += static_cast<int64_t>(e->data.size());
  }
  if (!::testing::Test::HasFailure()) RemoveTmp(root);  // kept for inspection on failure
  return st;
}

}  // namespace rtl_test
