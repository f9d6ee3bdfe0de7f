// Quantize / Reshape: the input word assigned to the result type (its
// quantization and overflow modes), as hls4ml's linear activation / reshape
// copies. A bipolar quantizer (QONNX BipolarQuant) gives x >= 0 -> +1 else -1;
// into a 1-bit unsigned result that is the XNOR bit 1 / 0. A Reshape with
// flatten_channels_first permutes channels-last [P, C] into channels-first
// [C, P] order (graph.h). An HGQ quantizer (per-element formats) casts each
// element to its own format first, a 0-bit element to 0. A QKeras
// quantized_relu with negative_slope s = 2^-k (graph.h QuantParams) casts
// s*x for x < 0 (the word read with k more fractional bits) and floors it.
#include "kernels.h"

namespace hlsforge::emu::detail {
namespace {

class CastKernel : public Kernel {
 public:
  int64_t n = 0;
  Format in_f{}, res_f{};
  FastCast to_res;
  bool bipolar = false;
  int64_t plus1 = 1, minus1 = 0;
  int64_t chan = 0, pixels = 0;  // flatten_channels_first: out[c*P + p] = in[p*C + c]
  void Run(const int64_t* in, int64_t* out, Scratch&) const override {
    if (chan > 0) {
      for (int64_t c = 0; c < chan; ++c)
        for (int64_t p = 0; p < pixels; ++p) out[c * pixels + p] = to_res(in[p * chan + c]);
      return;
    }
    if (bipolar) {
      for (int64_t i = 0; i < n; ++i) out[i] = (!in_f.s || in[i] >= 0) ? plus1 : minus1;
      return;
    }
    if (!elem.empty()) {
      const size_t m = elem.size();
      for (int64_t i = 0; i < n; ++i) {
        const ElementCast& e = elem[static_cast<size_t>(i) % m];
        out[i] = e.zero ? 0 : e.to_res(e.to_elem(in[i]));
      }
      return;
    }
    if (leaky) {
      for (int64_t i = 0; i < n; ++i) out[i] = in[i] >= 0 ? to_res(in[i]) : std::max(to_res_scaled(in[i]), floor);
      return;
    }
    for (int64_t i = 0; i < n; ++i) out[i] = to_res(in[i]);
  }
  /// QKeras quantized_relu with negative_slope 2^-k (graph.h
  /// QuantParams::negative_slope): a negative word read with k more
  /// fractional bits is s*x exactly; the result is floored at `floor`.
  bool leaky = false;
  FastCast to_res_scaled;
  int64_t floor = 0;
  /// HGQ per-element formats (graph.h Layer::element_types): input -> the
  /// element's format -> the result type; `zero` for a 0-bit element.
  struct ElementCast {
    bool zero = true;
    FastCast to_elem, to_res;
  };
  std::vector<ElementCast> elem;
};

}  // namespace

StatusOr<std::unique_ptr<Kernel>> MakeQuantize(const LayerIO& io) {
  if (io.n_in != io.n_out)
    return Status::Fail(io.where() + ": input has " + std::to_string(io.n_in) + " elements, output " +
                        std::to_string(io.n_out));
  auto k = std::make_unique<CastKernel>();
  k->n = io.n_in;
  k->in_f = Fmt(io.in_type);
  k->res_f = Fmt(io.out_type);
  k->to_res = FastCast(k->in_f, k->res_f);
  const ir::Layer& l = *io.layer;
  if (l.kind == ir::LayerKind::Reshape && l.flatten_channels_first) {
    if (io.in_shape.size() < 2 || io.in_shape.back() <= 0)
      return Status::Fail(io.where() + ": a channels-first flatten needs an image input [(H,) W, C]");
    k->chan = io.in_shape.back();
    k->pixels = io.n_in / k->chan;
  }
  if (l.kind == ir::LayerKind::Quantize && !l.element_types.empty()) {
    const size_t m = l.element_types.size();
    if (m != 1 && static_cast<int64_t>(m) != io.n_out)
      return Status::Fail(io.where() + ": " + std::to_string(m) + " per-element formats for " +
                          std::to_string(io.n_out) + " elements");
    for (const auto& t : l.element_types) {
      CastKernel::ElementCast e;
      if (t) {
        e.zero = false;
        e.to_elem = FastCast(k->in_f, Fmt(*t));
        e.to_res = FastCast(Fmt(*t), k->res_f);
      }
      k->elem.push_back(e);
    }
  }
  if (l.kind == ir::LayerKind::Quantize && l.quant && l.quant->negative_slope != 0) {
    int sh = 0;
    if (!ir::NegativeSlopeShift(*l.quant, sh))
      return Status::Fail(io.where() + ": negative_slope " + std::to_string(l.quant->negative_slope) +
                          " is not a power of two in [2^-(bits-1), 1]");
    Format scaled = k->in_f;
    scaled.i -= sh;  // same word, sh more fractional bits: s * x
    k->leaky = true;
    k->to_res_scaled = FastCast(scaled, k->res_f);
    k->floor = fx::from_double(ir::NegativeSlopeFloor(*l.quant), k->res_f);
  }
  if (l.kind == ir::LayerKind::Quantize && l.quant && l.quant->bipolar) {
    k->bipolar = true;
    if (k->res_f.w == 1 && !k->res_f.s) {
      k->plus1 = 1;
      k->minus1 = 0;
    } else {
      const double sc = l.quant->scale.empty() ? 1.0 : l.quant->scale[0];
      k->plus1 = fx::from_double(sc, k->res_f);
      k->minus1 = fx::from_double(-sc, k->res_f);
    }
  }
  return std::unique_ptr<Kernel>(std::move(k));
}

}  // namespace hlsforge::emu::detail
