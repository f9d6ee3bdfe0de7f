// Block-streaming prediction: the emulator over an array that is never
// converted or held whole, for inputs larger than memory (a memory-mapped
// .npy, a NumPy array borrowed without a copy).
#pragma once

#include <cstdint>
#include <functional>

#include "hlsforge/emu/emulator.h"
#include "hlsforge/ir/graph.h"
#include "hlsforge/util/ndarray.h"
#include "hlsforge/util/npy_stream.h"
#include "hlsforge/util/status.h"

namespace hlsforge::emu {

/// Called with each converted input block [m, in.shape[1:]...] (doubles,
/// row-major) before it is predicted; may reshape it or rewrite its rows in
/// place (e.g. fit a channels-first layout to the IR's channels-last one,
/// count non-finite values) and release the source rows [0, first_row + m).
using BlockPrepare = std::function<Status(int64_t first_row, NDArray& block)>;
/// Receives the predictions of input rows [first_row, first_row + m) as an
/// NDArray [m, output shape...] (the layout of emu::Predict's result); may
/// modify or move from it. A non-OK Status stops the stream and is returned.
using BlockSink = std::function<Status(int64_t first_row, NDArray& block)>;

struct BlockOptions {
  /// Rows per block (>= 1). Resident memory is about
  /// block_rows * (input row + output row) * 8 bytes plus the emulator's
  /// per-thread buffers; 65,536 jet-tagger rows (16 in, 5 out) = 11 MB.
  int64_t block_rows = 65536;
  BlockPrepare prepare;   ///< optional
};

/// Predicts the rows of `in` block by block: converts rows
/// [r, r + block_rows) of `in` to double (ConvertToDouble: exactly the values
/// ReadNpy would give), calls options.prepare, runs emu::Predict(g, block,
/// opt) (its threads: opt.threads, 0 = all cores, over the block's rows),
/// and hands the result to `sink`, in row order. Rows are independent, so
/// the concatenated blocks equal emu::Predict over the whole array bit for
/// bit, for any block size.
///
/// `in`: [N, per-sample dims...] (at least 1 dimension; N may be 0), any
/// dtype NdArrayView accepts, read-only and not copied beyond one block.
/// After `prepare`, each block's row size must equal the model input's
/// element count (channels-last, as emu::Predict). `sink` is called at least
/// once: an empty input yields one [0, output shape...] block, so the
/// output's per-sample shape is always known.
/// Errors: unsupported dtype or an empty shape (names `name`), any error of
/// `prepare`, emu::Predict (input shape mismatch, unresolved precision) or
/// `sink`; the stream stops at the first.
Status PredictBlocks(const ir::Graph& g, const NdArrayView& in, const Options& opt, const BlockSink& sink,
                     const BlockOptions& options = {}, const std::string& name = "input");

}  // namespace hlsforge::emu
