// Property test of the HLS backend on random MLPs: every layer's output of the
// C simulation equals emu::Trace bit for bit, and varies.
// The MLPs come from hlsforge::testing::GenerateRandomModel (random_model.h:
// 1-4 Dense layers with fixed/binary/ternary weights, every activation the
// backend supports, thresholds, BatchNormalization, stable/latency/legacy
// softmax; types scaled to the values so that rounding ties, saturation and
// wrapping occur, every quantization and overflow mode; Latency/Resource,
// reuse factors 1-8, io_parallel/io_stream; 64 input rows).
// Varying: every layer output takes at least 8 distinct values over the rows
// (binary outputs 2, ternary 3, fewer when the type cannot hold 8).
//   HLSFORGE_PROPERTY_COUNT  number of MLPs (default 200)
//   HLSFORGE_PROPERTY_SEED   first seed (default 12345); MLP k uses seed + k
//   HLSFORGE_PROPERTY_BATCH  MLPs per g++ run (default 50)
//   HLSFORGE_PROPERTY_SEEDS  explicit comma-separated seed list (replaces the above)
//   HLSFORGE_PROPERTY_IO     io_parallel | io_stream: forces the io type
// A failure prints the seed, the first differing layer (row, element, both
// values) and the model with every resolved type; replay it with
// HLSFORGE_PROPERTY_SEEDS=<seed>.
#include <gtest/gtest.h>

#include "hls_test_util.h"

using namespace hls_test;

TEST(HlsProperty, RandomMlpsEveryLayer) {
  RunRandomModels(hlsforge::testing::ModelFamily::Mlp, "HLSFORGE_PROPERTY", 200, 12345, 50);
}
