// Property test of the HLS backend on random CNNs: every layer's output of the
// C simulation equals emu::Trace bit for bit, and varies.
// The CNNs come from hlsforge::testing::GenerateRandomModel (random_model.h:
// rank 1/2 Conv, depthwise, pointwise, Max/Average pooling with pads and
// count_pad, global pooling, zero padding, cropping, upsampling, merges with
// fan-out, flatten + Dense; types scaled to the values so that rounding
// ties, saturation and wrapping occur, every quantization and overflow mode,
// about 1 slot in 5 left auto; Latency/Resource, reuse and
// parallelization factors, io_parallel/io_stream; 32 input rows).
// Varying: every layer output takes at least 8 distinct values over the rows
// (fewer only when its type cannot hold 8).
//   HLSFORGE_CNN_PROPERTY_COUNT  number of CNNs (default 100)
//   HLSFORGE_CNN_PROPERTY_SEED   first seed (default 60000); CNN k uses seed + k
//   HLSFORGE_CNN_PROPERTY_BATCH  CNNs per g++ run (default 25)
//   HLSFORGE_CNN_PROPERTY_SEEDS  explicit comma-separated seed list (replaces the above)
//   HLSFORGE_CNN_PROPERTY_IO     io_parallel | io_stream: forces the io type
// A program that does not build or run is split until each failing CNN is
// alone. A failure prints the seed, the first differing layer and the model
// with every resolved type; replay it with HLSFORGE_CNN_PROPERTY_SEEDS=<seed>.
#include <gtest/gtest.h>

#include <random>

#include "hlsforge/passes/pass.h"
#include "hls_test_util.h"

using namespace hls_test;
using namespace hlsforge;

TEST(HlsCnnProperty, RandomCnnsEveryLayer) {
  RunRandomModels(hlsforge::testing::ModelFamily::Cnn, "HLSFORGE_CNN_PROPERTY", 100, 60000, 25);
}

// Found by the property test (seed 70064): an element-wise merge whose result
// type is wide (here Add, result auto = ap_fixed<41,11>) must compile in both
// io types; the kernel must not instantiate the other ops' expressions (the
// average's division by (res_T)2 would be 72 bits wide).
TEST(HlsCnnProperty, WideAddMergeCompilesBothIoTypes) {
  std::mt19937 rng(7);
  ir::Graph g;
  g.name = "wide_merge";
  ir::Layer in;
  in.name = in.output = "input_1";
  in.kind = ir::LayerKind::Input;
  in.config.precision[ir::Slot::Result].type = FixedType(16, 6);
  g.layers.push_back(in);
  g.tensors["input_1"] = ir::Tensor{"input_1", {4, 2}, std::nullopt};
  g.inputs = {"input_1"};
  for (const char* name : {"conv_a", "conv_b"}) {  // 1x1 Conv1D, 2 -> 2 channels, result ap_fixed<40,10>
    ir::Layer c;
    c.name = name;
    c.kind = ir::LayerKind::Conv;
    c.conv = ir::ConvAttrs{.rank = 1};
    c.inputs = {"input_1"};
    c.output = std::string(name) + "_out";
    std::uniform_real_distribution<double> u(-2, 2);
    c.params["weight"] = ir::Param{{1, 2, 2}, {u(rng), u(rng), u(rng), u(rng)}, FixedType(12, 2)};
    c.config.precision[ir::Slot::Weight].type = FixedType(12, 2);
    c.config.precision[ir::Slot::Accum].type = FixedType(40, 10);
    c.config.precision[ir::Slot::Result].type = FixedType(40, 10);
    g.tensors[c.output] = ir::Tensor{c.output, {4, 2}, std::nullopt};
    g.layers.push_back(c);
  }
  ir::Layer m;
  m.name = "add";
  m.kind = ir::LayerKind::Merge;
  m.merge = ir::MergeAttrs{.op = ir::MergeOp::Add};
  m.inputs = {"conv_a_out", "conv_b_out"};
  m.output = "add_out";
  g.tensors["add_out"] = ir::Tensor{"add_out", {4, 2}, std::nullopt};
  g.layers.push_back(m);
  ir::Layer q;  // a narrow output, exact as a double
  q.name = "relu";
  q.kind = ir::LayerKind::Activation;
  q.activation = ir::ActivationKind::ReLU;
  q.inputs = {"add_out"};
  q.output = "relu_out";
  q.config.precision[ir::Slot::Result].type = FixedType(16, 8);
  g.tensors["relu_out"] = ir::Tensor{"relu_out", {4, 2}, std::nullopt};
  g.layers.push_back(q);
  g.outputs = {"relu_out"};
  Status st = passes::RunPipeline(g, passes::DefaultPipeline());
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_EQ(g.tensor("add_out").type->ToString(), "ap_fixed<41,11>");
  NDArray x = RandomInput(100, 8, rng, 3.0);
  x.shape = {100, 4, 2};
  ExpectCsimMatchesEmulator(g, x, "wide_merge_parallel", ir::IOType::Parallel);
  ExpectCsimMatchesEmulator(g, x, "wide_merge_stream", ir::IOType::Stream);
}
