// Block-streaming prediction (predict_blocks.h): convert, predict and hand
// out one block of rows at a time.
#include "hlsforge/emu/predict_blocks.h"

#include <algorithm>

namespace hlsforge::emu {

Status PredictBlocks(const ir::Graph& g, const NdArrayView& in, const Options& opt, const BlockSink& sink,
                     const BlockOptions& options, const std::string& name) {
  if (in.shape.empty()) return Status::Fail(name + ": a 0-d array has no rows to stream");
  if (!in.data && in.rows() > 0 && in.row_size() > 0) return Status::Fail(name + ": array view without data");
  const int64_t rows = in.rows(), row_size = in.row_size();
  const int64_t block_rows = std::max<int64_t>(1, options.block_rows);
  NDArray x;   // reused: one block's worth of doubles
  for (int64_t r0 = 0; r0 < rows || (rows == 0 && r0 == 0); r0 += block_rows) {
    const int64_t m = std::min(block_rows, rows - r0);
    x.shape = in.shape;
    x.shape[0] = m;
    x.data.resize(static_cast<size_t>(m * row_size));
    HLSFORGE_RETURN_IF_ERROR(ConvertToDouble(in, r0 * row_size, m * row_size, x.data.data(), name));
    if (options.prepare) HLSFORGE_RETURN_IF_ERROR(options.prepare(r0, x));
    auto y = Predict(g, x, opt);
    if (!y.ok()) return y.status();
    HLSFORGE_RETURN_IF_ERROR(sink(r0, *y));
    if (rows == 0) break;
  }
  return Status::Ok();
}

}  // namespace hlsforge::emu
