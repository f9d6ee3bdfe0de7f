// Dense layers and the dense product of a Conv pixel (nnet::dense_config).
#include "emitter.h"

#include <fmt/format.h>

namespace hlsforge::backends::detail {

namespace {

/// hls4ml's nnet::product class of a product kind (kernels/products.h).
const char* ProductClass(ir::ProductKind k) {
  switch (k) {
    case ir::ProductKind::Multiplier: return "mult";
    case ir::ProductKind::Xnor: return "both_binary";
    case ir::ProductKind::WeightBinary: return "weight_binary";
    case ir::ProductKind::DataBinary: return "data_binary";
    case ir::ProductKind::Ternary: return "weight_ternary";
  }
  return "mult";
}

/// The Resource kernel's weight order (kernels/dense_resource.h): row ir
/// (one reuse iteration) holds the block_factor words its multipliers read.
/// `w` is [n_in][n_out] row-major; fails for a reuse factor outside hls4ml's
/// valid values (lower_hardware applies only valid ones).
std::vector<int64_t> ResourceWeightOrder(const Layer& l, const std::vector<int64_t>& w, int n_in, int n_out, int rf) {
  std::vector<int64_t> r(w.size());
  const int64_t bf = static_cast<int64_t>(n_in) * n_out / rf;
  auto at = [&](int64_t i, int64_t j) { return w[static_cast<size_t>(i * n_out + j)]; };
  if (rf <= n_in && n_in % rf == 0) {
    const int64_t ms = n_in / rf;
    for (int64_t ir = 0; ir < rf; ++ir)
      for (int64_t j = 0; j < n_out; ++j)
        for (int64_t k = 0; k < ms; ++k) r[static_cast<size_t>(ir * bf + j * ms + k)] = at(ir * ms + k, j);
  } else if (rf > n_in && rf % n_in == 0 && n_out % (rf / n_in) == 0) {
    const int64_t q = rf / n_in;
    for (int64_t ir = 0; ir < rf; ++ir)
      for (int64_t im = 0; im < bf; ++im) r[static_cast<size_t>(ir * bf + im)] = at(ir % n_in, im * q + ir / n_in);
  } else {
    Fail(fmt::format("{}: reuse factor {} is not a valid one for a {}x{} Resource product (rerun lower_hardware)",
                     LayerWhere(l), rf, n_in, n_out));
  }
  return r;
}

}  // namespace

// The Dense product of n_in inputs (type `data`) by weights `w` ([n_in, n_out]
// row-major, its precision) plus the layer's bias: emits the weight/bias
// arrays and the config struct `struct_name` (nnet::dense_config). Used by
// Dense (per sample) and Conv (per output pixel).
DenseCore Emitter::EmitDenseCore(int idx, const Layer& l, const FixedType& data, const ir::Param& w, int n_in, int n_out,
                                 const std::string& struct_name) {
  const FixedType accum = NeedType(l, ir::Slot::Accum);
  const FixedType wt = *w.type;
  const ir::ProductKind kind = plan->product;
  if (kind == ir::ProductKind::Multiplier) CheckMul(l, data, "input", wt, ir::SlotKey(ir::Slot::Weight));
  if (kind == ir::ProductKind::WeightBinary && data.width() + 1 > 64) Fail(fmt::format("{}: input precision too wide", LayerWhere(l)));
  CheckAdd(l, accum, ir::SlotKey(ir::Slot::Accum), accum, ir::SlotKey(ir::Slot::Accum));
  // Bias.
  FixedType bt = accum;
  std::vector<int64_t> bw(n_out, 0);
  if (const ir::Param* b = l.param(ir::Slot::Bias)) {
    if (!b->type) Fail(fmt::format("{}: precision of parameter 'bias' is not resolved", LayerWhere(l)));
    if (static_cast<int>(b->size()) != n_out) Fail(fmt::format("{}: parameter 'bias' has {} values, expected {}", LayerWhere(l), b->size(), n_out));
    bt = *b->type;
    bw = QuantizeParam(l, *b, ir::SlotKey(ir::Slot::Bias));
  } else {
    bt = FixedType::Int(1, false, dialect.family);
  }
  std::vector<int64_t> ww = QuantizeParam(l, w, ir::SlotKey(ir::Slot::Weight));
  if (plan->n_in != n_in || plan->n_out != n_out)
    Fail(fmt::format("{}: the hardware plan's product is {}x{}, the weights {}x{} (rerun lower_hardware)",
                     LayerWhere(l), plan->n_in, plan->n_out, n_in, n_out));
  const int rf = plan->reuse_factor;
  const bool resource = plan->strategy == ir::Strategy::Resource;
  const int64_t zeros = plan->n_zeros;
  if (resource) ww = ResourceWeightOrder(l, ww, n_in, n_out, rf);
  std::string accum_name = fmt::format("layer{}_accum_t", idx);
  Typedef(accum_name, accum, fmt::format("layer '{}': accum", l.name));
  DenseCore r;
  const std::string weight = ir::SlotKey(ir::Slot::Weight);
  r.weights = AddWeights(l, idx, "w", resource ? weight + " (reuse-iteration-major, dense_resource.h)" : weight, wt, std::move(ww));
  r.biases = AddWeights(l, idx, "b", ir::SlotKey(ir::Slot::Bias), bt, std::move(bw));
  r.reuse_factor = rf;
  const int64_t n_w = static_cast<int64_t>(n_in) * n_out;
  params << fmt::format("struct {} : nnet::dense_config {{\n", struct_name);
  params << fmt::format("    static const unsigned n_in = {};\n    static const unsigned n_out = {};\n", n_in, n_out);
  params << fmt::format("    static const unsigned io_type = nnet::{};\n", io == ir::IOType::Stream ? "io_stream" : "io_parallel");
  params << fmt::format("    static const unsigned strategy = nnet::{};\n", resource ? "resource" : "latency");
  params << fmt::format("    static const unsigned reuse_factor = {};\n", rf);
  params << fmt::format("    static const unsigned n_zeros = {};\n    static const unsigned n_nonzeros = {};\n", zeros, n_w - zeros);
  params << "    static const unsigned multiplier_limit = DIV_ROUNDUP(n_in * n_out, reuse_factor) - n_zeros / reuse_factor;\n";
  params << fmt::format("    static const bool xnor_popcount = {};\n", kind == ir::ProductKind::Xnor ? "true" : "false");
  params << fmt::format("    typedef {} accum_t;\n    typedef weight{}_t weight_t;\n    typedef bias{}_t bias_t;\n", accum_name, idx, idx);
  params << fmt::format("    template <class x_T, class y_T> using product = nnet::product::{}<x_T, y_T>;\n}};\n\n", ProductClass(kind));
  return r;
}

void Emitter::Dense(int idx, const Layer& l) {
  const FixedType res = TensorType(g, l.output, l, "output");
  const FixedType data = TensorType(g, l.inputs.at(0), l, "input");
  const auto& w = NeedParam(l, ir::Slot::Weight);
  if (w.shape.size() != 2) Fail(fmt::format("{}: parameter 'weight' must be 2-D [n_in, n_out]", LayerWhere(l)));
  const int n_in = static_cast<int>(w.shape[0]), n_out = static_cast<int>(w.shape[1]);
  const std::string rt = ResultTypeName(idx, l);
  params << Comment(l) << "\n";
  DenseCore core = EmitDenseCore(idx, l, data, w, n_in, n_out, fmt::format("config{}", idx));
  IoNames n = Declare(idx, l, rt, res);
  if (n.n_in != n_in || n.n_out != n_out)
    Fail(fmt::format("{}: weight shape [{}, {}] does not match input size {} / output size {}", LayerWhere(l), n_in, n_out, n.n_in, n.n_out));
  EmitCall(l, n, fmt::format("nnet::dense<{}, {}, config{}>({}, {}, {}, {});", n.in_t, n.out_t, idx, n.in, n.out, core.weights, core.biases));
}

}  // namespace hlsforge::backends::detail
