// Internal interface of the Verilog backend: one generator per layer family
// (dense.cpp, activation.cpp, softmax.cpp, scale_shift.cpp, threshold.cpp,
// quantize.cpp), each building the layer's netlist (netlist.h) with the
// emulator's exact semantics (src/emu/, fixed_core.h), and the adapter that
// reads the per-layer hardware decisions (plan_adapter.cpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "../../emu/kernels.h"
#include "hlsforge/fixed/fixed_core.h"
#include "hlsforge/ir/graph.h"
#include "hlsforge/util/status.h"
#include "netlist.h"

namespace hlsforge::backends::rtl {

using emu::detail::LayerIO;

// ---- hardware decisions (plan_adapter.cpp) --------------------------------

/// A layer's hardware decisions as the Verilog backend reads them: the plan
/// of the lower_hardware pass (ir/hw_plan.h: applied reuse factor and io
/// type, product kind, free zero weights, tables), which the backend follows
/// and never re-derives, plus the two decisions only the RTL makes, read
/// from the layer's config keys: PipelineStages and Multiplier.
struct Choices {
  ir::LayerPlan plan;                   ///< Layer::plan, or passes::PlanLayer for an unplanned graph
  int pipeline_stages = -1;             ///< register ranks; -1 = from the timing estimate
  ir::MultiplierStyle multiplier = ir::MultiplierStyle::Auto;
};
/// The choices of io.layer. Errors name the layer: a plan for io_stream, an
/// applied reuse factor other than 1 (this backend builds every layer fully
/// parallel, II = 1).
StatusOr<Choices> ChoicesFor(const LayerIO& io);

/// The plan's table of slot `slot` (Table, ExpTable, InvTable), checked
/// against the emulator's resolved table of `entries` words whose index is
/// the top bits of `index` (nullopt: a scaled input index): the ROM then
/// holds exactly the planned table. Errors name the layer and the slot.
StatusOr<ir::TablePlan> PlannedTable(const LayerIO& io, const Choices& c, ir::Slot slot, int64_t entries,
                                     const std::optional<fx::Format>& index);

/// Whether the constant product x·k (x a word of `data_bits` bits) is built
/// as `*` (mapped to a DSP by synthesis) instead of CSD shift-and-add.
/// auto: a DSP when shift-and-add would need at least 4 adders on data of
/// at least 10 bits (roughly where a DSP48 costs less than its LUTs).
bool UseDsp(const Choices& c, int data_bits, i128 k);
/// Whether a product of two variables uses `*` (DSP) instead of LUT
/// partial products: every style but lut.
bool UseDspForVariables(const Choices& c);

// ---- one layer's netlist ---------------------------------------------------

struct LayerRtl {
  Netlist net;
  std::vector<int> outs;  ///< node per output element: the word of the result type
  std::string summary;    ///< one line: how the layer is built (for README / comments)
};

/// Fixed-point words of a layer's input: element i is bits [i*w, (i+1)*w) of
/// the input bus, read as the input type.
int InputWord(Netlist& n, const LayerIO& io, int64_t i);

/// Generators: each checks what it supports and fails naming the layer.
StatusOr<LayerRtl> BuildDense(const LayerIO& io, const Choices& c);
StatusOr<LayerRtl> BuildActivation(const LayerIO& io, const Choices& c);
StatusOr<LayerRtl> BuildSoftmax(const LayerIO& io, const Choices& c);
StatusOr<LayerRtl> BuildScaleShift(const LayerIO& io, const Choices& c);
StatusOr<LayerRtl> BuildThreshold(const LayerIO& io, const Choices& c);
/// Quantize and Reshape (casts, the channels-first flatten permutation).
StatusOr<LayerRtl> BuildQuantize(const LayerIO& io, const Choices& c);

// ---- fixed-point building blocks (cast.cpp) --------------------------------

/// fx::shift_round's rounding increment of x·2^-d (d > 0) for mode q: a
/// 1-bit node (or Const 0). x exact, or modular when q does not depend on
/// the sign (TRN, RND, RND_MIN_INF, RND_CONV) and d < width of x.
int RoundIncrement(Netlist& n, int x, int d, fx::Quant q);
/// fx::convert: the word of x·2^-src_frac assigned to `to` (quantization,
/// then overflow). x exact; or modular with to WRAP and a sign-free mode, as
/// long as only bits below x's width are read.
int Cast(Netlist& n, int x, int src_frac, fx::Format to);
/// Whether the quantization mode reads the sign of the value.
bool QuantReadsSign(fx::Quant q);
/// Exact product x·k of an exact node and a constant: CSD shift-and-add or
/// `*` (UseDsp).
int ConstProduct(Netlist& n, int x, i128 k, const Choices& c);
/// The address of a scaled-index table of `entries` = N words (hls4ml's
/// `x * N / div`): clamp(idx + off, 0, N - 1) as an index_bits-bit word, for
/// x an exact word of format f with F fractional bits; idx = trunc0(x * N /
/// 2^div_log2) for F >= 0, and trunc0(word * N / 2^div_log2) * 2^-F for
/// F < 0 (the quotient keeps the dividend's LSB): the emulator's ScaledIndex
/// (emu/kernels.h). N a power of two: shifts only; any other N: a constant
/// product (ConstProduct, by the layer's Multiplier choice).
int ScaledAddress(Netlist& n, int x, fx::Format f, int64_t entries, int index_bits, int div_log2, int64_t off,
                  const Choices& c);
/// Product of two exact nodes: `*` or LUT partial products (UseDspForVariables).
int VarProduct(Netlist& n, int a, int b, const Choices& c);

}  // namespace hlsforge::backends::rtl
