// WindowGeometry (src/frontends/window_geometry.h), the sliding-window
// geometry both frontends use: 'same' padding against TensorFlow's rule
// (output ceil(n / s), the smallest total padding giving it, the odd cell at
// the end), output sizes against counting the window positions, the located
// errors, and the IR attributes.
#include "../../src/frontends/window_geometry.h"

#include <gtest/gtest.h>

#include <functional>

namespace hlsforge::frontends {
namespace {

/// Window positions on a padded axis, counted one by one.
int64_t CountPositions(int64_t n, int64_t k, int64_t s, int64_t pb, int64_t pe) {
  int64_t count = 0;
  for (int64_t start = -pb; start + k <= n + pe; start += s) ++count;
  return count;
}

TEST(WindowGeometry, SamePaddingIsTensorFlowsRule) {
  for (int64_t n = 1; n <= 12; ++n)
    for (int64_t k = 1; k <= 5; ++k)
      for (int64_t s = 1; s <= 4; ++s) {
        WindowGeometry g = WindowGeometry::Unit({k});
        g.stride = {s};
        g.PadSame({n});
        const int64_t want_out = (n + s - 1) / s;
        const int64_t total = g.pad_begin[0] + g.pad_end[0];
        SCOPED_TRACE("n=" + std::to_string(n) + " k=" + std::to_string(k) + " s=" + std::to_string(s));
        EXPECT_EQ(g.pad_begin[0], total / 2);  // the odd cell goes to the end
        EXPECT_EQ(CountPositions(n, k, s, g.pad_begin[0], g.pad_end[0]), want_out);
        if (total > 0) EXPECT_LT(CountPositions(n, k, s, 0, total - 1), want_out);  // no padding wasted
        if (k <= n + total) EXPECT_EQ(g.OutputDims({n}, "w", "kernel"), std::vector<int64_t>{want_out});
      }
}

TEST(WindowGeometry, OutputDimsCountWindowPositions) {
  for (int64_t n = 1; n <= 9; ++n)
    for (int64_t k = 1; k <= 4; ++k)
      for (int64_t s = 1; s <= 3; ++s)
        for (int64_t p = 0; p <= 2; ++p) {
          if (k > n + p + 1) continue;
          WindowGeometry g = WindowGeometry::Unit({2, k});
          g.stride = {1, s};
          g.pad_begin = {0, p};
          g.pad_end = {0, 1};
          const auto out = g.OutputDims({2, n}, "w", "kernel");
          EXPECT_EQ(out[0], 1);
          EXPECT_EQ(out[1], CountPositions(n, k, s, p, 1)) << n << " " << k << " " << s << " " << p;
        }
}

std::string ErrorOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(WindowGeometry, ErrorsNameTheLayerAndField) {
  WindowGeometry g = WindowGeometry::Unit({3, 3});
  g.dilation = {1, 2};
  EXPECT_EQ(ErrorOf([&] { g.RequireUnitDilation("m.h5: layer \"c\" (Conv2D)", "dilation_rate"); }),
            "m.h5: layer \"c\" (Conv2D): dilation_rate 2 is not supported (only 1)");
  g.dilation = {1, 1};
  EXPECT_EQ(ErrorOf([&] { g.RequireUnitDilation("x", "dilation"); }), "");
  EXPECT_EQ(ErrorOf([&] { g.OutputDims({4, 2}, "n", "kernel"); }),
            "n: kernel of size 3 on axis 1 is larger than its input 2");
  g.pad_end = {0, 1};
  EXPECT_EQ(ErrorOf([&] { g.OutputDims({4, 1}, "n", "pool window"); }),
            "n: pool window of size 3 on axis 1 is larger than its input 1 (padded 2)");
  g.stride = {0, 1};
  g.PadSame({4, 4});  // no division by a zero stride; OutputDims reports it
  EXPECT_EQ(ErrorOf([&] { g.OutputDims({4, 4}, "n", "kernel"); }), "n: stride 0 < 1");
  g.stride = {1, 1};
  g.pad_begin = {-1, 0};
  EXPECT_EQ(ErrorOf([&] { g.OutputDims({4, 4}, "n", "kernel"); }), "n: negative pads are not supported");
}

TEST(WindowGeometry, IrAttributes) {
  WindowGeometry g2 = WindowGeometry::Unit({3, 5});
  g2.stride = {2, 4};
  g2.pad_begin = {1, 2};
  g2.pad_end = {0, 3};
  const ir::ConvAttrs c = g2.ToConv();
  EXPECT_EQ(c.rank, 2);
  EXPECT_EQ(std::vector<int64_t>({c.kernel_h, c.kernel_w, c.stride_h, c.stride_w}), std::vector<int64_t>({3, 5, 2, 4}));
  EXPECT_EQ(std::vector<int64_t>({c.pad_top, c.pad_left, c.pad_bottom, c.pad_right}), std::vector<int64_t>({1, 2, 0, 3}));
  EXPECT_FALSE(c.depthwise);
  WindowGeometry g1 = WindowGeometry::Unit({4});
  g1.stride = {3};
  g1.pad_begin = {1};
  g1.pad_end = {2};
  const ir::PoolAttrs p = g1.ToPool();
  EXPECT_EQ(p.rank, 1);
  EXPECT_EQ(std::vector<int64_t>({p.pool_h, p.pool_w, p.stride_h, p.stride_w}), std::vector<int64_t>({1, 4, 1, 3}));
  EXPECT_EQ(std::vector<int64_t>({p.pad_top, p.pad_left, p.pad_bottom, p.pad_right}), std::vector<int64_t>({0, 1, 0, 2}));
}

}  // namespace
}  // namespace hlsforge::frontends
