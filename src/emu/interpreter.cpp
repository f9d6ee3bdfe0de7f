// The emulator's driver: compiles an ir::Graph into a per-layer plan of
// kernels (kernels.h), then runs the batch rows in parallel (std::thread),
// each thread with its own reused word buffers.
#include <algorithm>
#include <cmath>
#include <map>
#include <atomic>
#include <thread>

#include "hlsforge/emu/emulator.h"
#include "cnn_kernels.h"
#include "kernels.h"

namespace hlsforge::emu {
namespace detail {

std::string LayerIO::where() const {
  return "layer \"" + layer->name + "\" (" + ir::ToString(layer->kind) + ")";
}

StatusOr<FixedType> NeedType(const LayerIO& io, ir::Slot s) {
  if (auto t = ir::ResolvedType(*io.layer, s)) return *t;
  return Status::Fail(io.where() + ": precision '" + ir::SlotKey(s) + "' unresolved (run infer_precision)");
}

int CeilLog2(int64_t x) { return x <= 2 ? 1 : 1 + CeilLog2((x + 1) / 2); }

int64_t ScaledIndex(int64_t word, Format f, int64_t mul, int64_t div) {
  const fx::i128 num = fx::widen(word, f.s) * mul;
  const int fr = fx::frac(f);
  // C++ division truncates toward zero, as the vendor's sdiv/udiv.
  if (fr >= 0) return static_cast<int64_t>(num / (static_cast<fx::i128>(div) << fr));
  // The quotient keeps the dividend's LSB 2^-fr > 1: its word is truncated
  // first, then scaled (exact integer; clamped far outside any table).
  const fx::i128 q = num / div;
  const fx::i128 lim = fx::i128{1} << 62;
  if (-fr >= 62) return q == 0 ? 0 : (q > 0 ? static_cast<int64_t>(lim) : -static_cast<int64_t>(lim));
  const fx::i128 v = q * (fx::i128{1} << -fr);
  return static_cast<int64_t>(v > lim ? lim : (v < -lim ? -lim : v));
}

namespace {

int64_t Product(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}


/// QONNX Quant / BipolarQuant float semantics (graph.h QuantParams) on n
/// values, per channel c = i % size of scale / zero_point. Trunc: error.
Status ApplyQuantFloat(const LayerIO& io, const ir::QuantParams& q, const double* in, double* out, int64_t n) {
  if (q.trunc) return Status::Fail(io.where() + ": float mode does not support QONNX Trunc");
  const int64_t cs = std::max<int64_t>(1, static_cast<int64_t>(q.scale.size()));
  const int64_t cz = std::max<int64_t>(1, static_cast<int64_t>(q.zero_point.size()));
  double qmin, qmax;
  const double b = q.bit_width;
  if (q.is_signed) {
    qmin = -std::ldexp(1.0, static_cast<int>(b) - 1) + (q.narrow ? 1 : 0);
    qmax = std::ldexp(1.0, static_cast<int>(b) - 1) - 1;
  } else {
    qmin = 0;
    qmax = std::ldexp(1.0, static_cast<int>(b)) - 1 - (q.narrow ? 1 : 0);
  }
  const double slope = q.negative_slope;
  if (slope != 0) qmin = -slope * std::ldexp(1.0, static_cast<int>(b) - 1);  // QKeras quantized_relu
  for (int64_t i = 0; i < n; ++i) {
    const double s = q.scale.empty() ? 1.0 : q.scale[i % cs];
    const double z = q.zero_point.empty() ? 0.0 : q.zero_point[i % cz];
    if (q.bipolar) {
      out[i] = in[i] >= 0 ? s : -s;
      continue;
    }
    const double x = slope != 0 && in[i] < 0 ? slope * in[i] : in[i];
    double v = ir::QonnxRound(x / s + z, q.rounding_mode);
    v = std::clamp(v, qmin, qmax);
    out[i] = (v - z) * s;
  }
  return Status::Ok();
}

/// Keras ternary_tanh (hls4ml nnet ternary_tanh): +1 iff x > 0.5, -1 iff x <= -0.5.
double TernaryFloat(double x) { return x > 0.5 ? 1.0 : (x <= -0.5 ? -1.0 : 0.0); }

}  // namespace

/// The layer's own float function (no folded quantizer).
Status RunFloatBase(const LayerIO& io, const double* in, double* out);

/// Float mode of one layer: the layer's own float function, then (any kind
/// but Quantize / Threshold / a BipolarQuant activation) the quantizer folded
/// into it (graph.h Layer::quant), so passes never change float results.
Status RunFloatLayer(const LayerIO& io, const double* in, double* out) {
  const ir::Layer& l = *io.layer;
  HLSFORGE_RETURN_IF_ERROR(RunFloatBase(io, in, out));
  const bool own_quant = l.kind == ir::LayerKind::Quantize || l.kind == ir::LayerKind::Threshold ||
                         (l.kind == ir::LayerKind::Activation && l.activation == ir::ActivationKind::BinaryTanh);
  if (l.quant && !own_quant) return ApplyQuantFloat(io, *l.quant, out, out, io.n_out);
  return Status::Ok();
}

Status RunFloatBase(const LayerIO& io, const double* in, double* out) {
  using K = ir::ActivationKind;
  const ir::Layer& l = *io.layer;
  const int64_t n_in = io.n_in, n_out = io.n_out;
  switch (l.kind) {
    case ir::LayerKind::Input:
    case ir::LayerKind::Reshape:
      if (l.kind == ir::LayerKind::Reshape && l.flatten_channels_first && io.in_shape.size() >= 2 &&
          io.in_shape.back() > 0) {
        const int64_t c = io.in_shape.back(), p = n_in / c;
        for (int64_t q = 0; q < c; ++q)
          for (int64_t r = 0; r < p; ++r) out[q * p + r] = in[r * c + q];
        return Status::Ok();
      }
      std::copy(in, in + n_in, out);
      return Status::Ok();
    case ir::LayerKind::Dense: {
      const ir::Param* w = l.param(ir::Slot::Weight);
      const ir::Param* b = l.param(ir::Slot::Bias);
      if (!w || static_cast<int64_t>(w->size()) != n_in * n_out)
        return Status::Fail(io.where() + ": param 'weight' missing or of the wrong size");
      for (int64_t j = 0; j < n_out; ++j) out[j] = b ? b->values[j] : 0.0;
      for (int64_t i = 0; i < n_in; ++i) {
        if (in[i] == 0) continue;
        const double* wr = &w->values[i * n_out];
        for (int64_t j = 0; j < n_out; ++j) out[j] += in[i] * wr[j];
      }
      return Status::Ok();
    }
    case ir::LayerKind::ScaleShift: {
      const ir::Param* s = l.param(ir::Slot::Scale);
      const ir::Param* b = l.param(ir::Slot::Bias);
      const int64_t c = std::max<int64_t>({1, s ? static_cast<int64_t>(s->size()) : 1,
                                           b ? static_cast<int64_t>(b->size()) : 1});
      for (int64_t i = 0; i < n_in; ++i) {
        const int64_t ch = i % c;
        const double sv = s ? s->values[s->size() == 1 ? 0 : ch] : 1.0;
        const double bv = b ? b->values[b->size() == 1 ? 0 : ch] : 0.0;
        out[i] = in[i] * sv + bv;
      }
      return Status::Ok();
    }
    case ir::LayerKind::Activation:
      for (int64_t i = 0; i < n_in; ++i) {
        const double x = in[i];
        double y = x;
        switch (l.activation) {
          case K::Linear: y = x; break;
          case K::ReLU: y = x > 0 ? x : 0; break;
          case K::LeakyReLU: y = x > 0 ? x : l.alpha * x; break;
          case K::ThresholdedReLU: y = x > l.alpha ? x : 0; break;
          case K::ReLU6OrMax: y = x < 0 ? 0 : (x > l.alpha ? l.alpha : x); break;
          case K::Sigmoid: y = 1.0 / (1.0 + std::exp(-x)); break;
          case K::Tanh: y = std::tanh(x); break;
          case K::HardSigmoid: y = std::clamp(l.alpha * x + l.beta, 0.0, 1.0); break;
          case K::HardTanh: y = 2 * std::clamp(l.alpha * x + l.beta, 0.0, 1.0) - 1; break;
          case K::PReLU: {
            const ir::Param* a = l.param(ir::Slot::Param);
            const double av = a && !a->values.empty() ? a->values[i % a->values.size()] : 0.0;
            y = x > 0 ? x : av * x;
            break;
          }
          case K::ELU: y = x > 0 ? x : l.alpha * std::expm1(x); break;
          case K::SELU: y = l.beta * (x > 0 ? x : l.alpha * std::expm1(x)); break;
          case K::Softplus: y = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); break;
          case K::Softsign: y = x / (std::fabs(x) + 1); break;
          case K::BinaryTanh:
            if (l.quant && l.quant->bipolar) {  // QONNX BipolarQuant: x >= 0 -> +scale
              const double sc = l.quant->scale.empty() ? 1.0 : l.quant->scale[i % l.quant->scale.size()];
              y = x >= 0 ? sc : -sc;
            } else {
              y = x > 0 ? 1.0 : -1.0;  // Keras binary_tanh: 0 -> -1
            }
            break;
          case K::TernaryTanh: y = TernaryFloat(x); break;
        }
        out[i] = y;
      }
      return Status::Ok();
    case ir::LayerKind::Softmax: {
      const int64_t slice = io.in_shape.empty() || n_in % io.in_shape.back() != 0 ? n_in : io.in_shape.back();
      for (int64_t off = 0; off < n_in; off += slice) {
        double mx = in[off];
        for (int64_t i = 1; i < slice; ++i) mx = std::max(mx, in[off + i]);
        double sum = 0;
        for (int64_t i = 0; i < slice; ++i) sum += (out[off + i] = std::exp(in[off + i] - mx));
        for (int64_t i = 0; i < slice; ++i) out[off + i] /= sum;
      }
      return Status::Ok();
    }
    case ir::LayerKind::Quantize:
      if (!l.element_types.empty()) {
        // HGQ gfixed_quantizer: each element cast to its own format, 0 bits -> 0
        const size_t m = l.element_types.size();
        if (m != 1 && static_cast<int64_t>(m) != n_in)
          return Status::Fail(io.where() + ": per-element formats do not match the tensor size");
        for (int64_t i = 0; i < n_in; ++i) {
          const auto& t = l.element_types[static_cast<size_t>(i) % m];
          out[i] = t ? t->ToDouble(t->Quantize(in[i])) : 0.0;
        }
        return Status::Ok();
      }
      if (!l.quant) {
        std::copy(in, in + n_in, out);
        return Status::Ok();
      }
      return ApplyQuantFloat(io, *l.quant, in, out, n_in);
    case ir::LayerKind::Conv: return RunFloatConv(io, in, out);
    case ir::LayerKind::Pooling: return RunFloatPooling(io, in, out);
    case ir::LayerKind::ZeroPadding:
    case ir::LayerKind::Cropping:
    case ir::LayerKind::UpSampling: return RunFloatResize(io, in, out);
    case ir::LayerKind::Merge: return Status::Fail(io.where() + ": two-input layer run as one-input");
    case ir::LayerKind::Threshold: {
      const ir::Param* t = l.param(ir::Slot::Threshold);
      const ir::Param* lo = l.param(ir::Slot::ThresholdLo);
      const ir::Param* hi = l.param(ir::Slot::ThresholdHi);
      if (!t && !(lo && hi)) return Status::Fail(io.where() + ": threshold params missing");
      if (const auto& fa = l.float_affine; fa && !fa->scale.empty() && !fa->bias.empty()) {
        // the float computation the thresholds replaced (binary_threshold)
        const bool bip = l.quant && l.quant->bipolar;
        for (int64_t i = 0; i < n_in; ++i) {
          const double y = in[i] * fa->scale[i % fa->scale.size()] + fa->bias[i % fa->bias.size()];
          if (t) {
            const double sc = bip && !l.quant->scale.empty() ? l.quant->scale[i % l.quant->scale.size()] : 1.0;
            out[i] = (bip ? y >= 0 : y > 0) ? sc : -sc;
          } else {
            out[i] = l.quant && !bip ? y : TernaryFloat(y);
          }
        }
        // ternary QONNX Quant replaced by the thresholds (binary_threshold): the Quant itself
        if (!t && l.quant && !bip) return ApplyQuantFloat(io, *l.quant, out, out, n_in);
        return Status::Ok();
      }
      for (int64_t i = 0; i < n_in; ++i) {
        if (t) {
          out[i] = in[i] >= t->values[i % t->size()] ? 1.0 : -1.0;
        } else {
          const double h = hi->values[i % hi->size()], lw = lo->values[i % lo->size()];
          out[i] = in[i] > h ? 1.0 : (in[i] <= lw ? -1.0 : 0.0);
        }
      }
      return Status::Ok();
    }
    default:
      break;
  }
  return Status::Fail(io.where() + ": layer kind not supported by the emulator's float mode yet");
}

StatusOr<std::unique_ptr<Kernel>> MakeKernel(const LayerIO& io) {
  switch (io.layer->kind) {
    case ir::LayerKind::Dense: return MakeDense(io);
    case ir::LayerKind::ScaleShift: return MakeScaleShift(io);
    case ir::LayerKind::Activation: return MakeActivation(io);
    case ir::LayerKind::Softmax: return MakeSoftmax(io);
    case ir::LayerKind::Threshold: return MakeThreshold(io);
    case ir::LayerKind::Quantize:
    case ir::LayerKind::Reshape: return MakeQuantize(io);
    case ir::LayerKind::Conv: return MakeConv(io);
    case ir::LayerKind::Pooling: return MakePooling(io);
    case ir::LayerKind::ZeroPadding:
    case ir::LayerKind::Cropping:
    case ir::LayerKind::UpSampling: return MakeResize(io);
    default: return Status::Fail(io.where() + ": layer kind not supported by the emulator yet");
  }
}

}  // namespace detail

namespace {

using detail::Format;

struct Step {
  detail::LayerIO io;
  std::unique_ptr<detail::Kernel> kernel;  // null in float mode / for Input
  std::unique_ptr<detail::BinaryKernel> binary;  // Merge (two inputs)
  detail::SecondInput in2;                        // Merge: inputs[1]
  int in2_buf = -1;
  // Float mode Dense without a folded quantizer: weights [n_in, n_out] and
  // bias copied once (detail::FloatDenseRow), no per-row param lookups.
  bool float_dense = false;
  std::vector<double> fw, fb;
  int in_buf = -1;
  int out_buf = -1;
  Format out_f{};
};

struct Plan {
  bool float_mode = false;
  std::vector<int64_t> buf_size;
  int input_buf = 0;
  int64_t input_size = 0;
  std::vector<int64_t> input_shape;
  Format input_f{};
  std::vector<Step> steps;
  int output_buf = 0;
  std::vector<int64_t> output_shape;
  Format output_f{};
};

StatusOr<Plan> Compile(const ir::Graph& g, bool float_mode) {
  Plan p;
  p.float_mode = float_mode;
  const std::string gname = g.source_path.empty() ? g.name : g.source_path;
  if (g.inputs.size() != 1)
    return Status::Fail(gname + ": the emulator needs exactly one graph input, got " + std::to_string(g.inputs.size()));
  if (g.outputs.size() != 1)
    return Status::Fail(gname + ": the emulator needs exactly one graph output, got " + std::to_string(g.outputs.size()));
  std::map<std::string, int> buf;
  auto tensor_of = [&](const std::string& name) -> const ir::Tensor* {
    auto it = g.tensors.find(name);
    return it == g.tensors.end() ? nullptr : &it->second;
  };
  const ir::Tensor* in_t = tensor_of(g.inputs[0]);
  if (!in_t) return Status::Fail(gname + ": graph input '" + g.inputs[0] + "' has no tensor");
  p.input_shape = in_t->shape;
  p.input_size = detail::Product(in_t->shape);
  if (!float_mode) {
    std::optional<FixedType> t = in_t->type;
    if (!t)
      for (const ir::Layer& l : g.layers)
        if (l.kind == ir::LayerKind::Input && (l.output == g.inputs[0] || l.output.empty()))
          if (auto c = ir::ResolvedType(l, ir::Slot::Result)) t = c;
    if (!t)
      return Status::Fail(gname + ": graph input '" + g.inputs[0] +
                          "': precision 'result' unresolved (run infer_precision)");
    p.input_f = detail::Fmt(*t);
  }
  buf[g.inputs[0]] = 0;
  p.buf_size.push_back(p.input_size);

  for (const ir::Layer& l : g.layers) {
    Step s;
    s.io.g = &g;
    s.io.layer = &l;
    if (l.kind == ir::LayerKind::Input) {
      // Its output is the graph input itself (traced as is).
      const std::string name = l.output.empty() ? g.inputs[0] : l.output;
      auto it = buf.find(name);
      if (it == buf.end()) {
        if (name != g.inputs[0]) {
          buf[name] = 0;  // an alias of the single graph input
        }
      }
      s.in_buf = 0;
      s.out_buf = 0;
      s.out_f = p.input_f;
      s.io.n_in = s.io.n_out = p.input_size;
      p.steps.push_back(std::move(s));
      continue;
    }
    if (l.inputs.empty()) return Status::Fail(s.io.where() + ": no input tensor");
    auto bi = buf.find(l.inputs[0]);
    if (bi == buf.end())
      return Status::Fail(s.io.where() + ": input tensor '" + l.inputs[0] + "' is not produced before it");
    const ir::Tensor* it = tensor_of(l.inputs[0]);
    const ir::Tensor* ot = tensor_of(l.output);
    if (!ot) return Status::Fail(s.io.where() + ": output tensor '" + l.output + "' missing");
    s.in_buf = bi->second;
    s.io.in_shape = it ? it->shape : std::vector<int64_t>{p.buf_size[s.in_buf]};
    s.io.out_shape = ot->shape;
    s.io.n_in = p.buf_size[s.in_buf];
    s.io.n_out = detail::Product(ot->shape);
    if (l.kind == ir::LayerKind::Merge) {
      if (l.inputs.size() != 2) return Status::Fail(s.io.where() + ": needs 2 inputs");
      auto b2 = buf.find(l.inputs[1]);
      if (b2 == buf.end())
        return Status::Fail(s.io.where() + ": input tensor '" + l.inputs[1] + "' is not produced before it");
      s.in2_buf = b2->second;
      const ir::Tensor* t2 = tensor_of(l.inputs[1]);
      s.in2.shape = t2 ? t2->shape : std::vector<int64_t>{p.buf_size[s.in2_buf]};
      s.in2.n = p.buf_size[s.in2_buf];
      if (!float_mode) {
        if (t2 && t2->type) s.in2.type = *t2->type;
        else if (l.inputs[1] == g.inputs[0])
          s.in2.type = FixedType(p.input_f.w, p.input_f.i, p.input_f.s, p.input_f.q, p.input_f.o, p.input_f.family);
        else
          return Status::Fail(s.io.where() + ": input tensor '" + l.inputs[1] +
                              "': precision 'result' unresolved (run infer_precision)");
      }
    }
    if (float_mode && l.kind == ir::LayerKind::Dense && !l.quant) {
      const ir::Param* w = l.param(ir::Slot::Weight);
      const ir::Param* b = l.param(ir::Slot::Bias);
      if (w && static_cast<int64_t>(w->size()) == s.io.n_in * s.io.n_out &&
          (!b || static_cast<int64_t>(b->size()) >= s.io.n_out)) {
        s.float_dense = true;
        s.fw.assign(w->values.begin(), w->values.end());
        if (b) s.fb.assign(b->values.begin(), b->values.begin() + s.io.n_out);
      }
    }
    if (!float_mode) {
      std::optional<FixedType> itype = it ? it->type : std::nullopt;
      if (l.inputs[0] == g.inputs[0] && !itype) {
        // the graph input's type, resolved above (tensor or Input layer config)
        s.io.in_type = FixedType(p.input_f.w, p.input_f.i, p.input_f.s, p.input_f.q, p.input_f.o, p.input_f.family);
      } else if (!itype) {
        return Status::Fail(s.io.where() + ": input tensor '" + l.inputs[0] +
                            "': precision 'result' unresolved (run infer_precision)");
      } else {
        s.io.in_type = *itype;
      }
      if (!ot->type)
        return Status::Fail(s.io.where() + ": output tensor '" + l.output +
                            "': precision 'result' unresolved (run infer_precision)");
      s.io.out_type = *ot->type;
      s.out_f = detail::Fmt(s.io.out_type);
      StatusOr<std::unique_ptr<detail::Kernel>> k = std::unique_ptr<detail::Kernel>();
      if (l.kind == ir::LayerKind::Merge) {
        auto bk = detail::MakeMerge(s.io, s.in2);
        if (!bk.ok()) return bk.status();
        s.binary = std::move(bk).value();
      } else if (l.kind != ir::LayerKind::Input) {
        k = detail::MakeKernel(s.io);
      }
      if (!k.ok()) return k.status();
      s.kernel = std::move(k).value();
    }
    s.out_buf = static_cast<int>(p.buf_size.size());
    p.buf_size.push_back(s.io.n_out);
    buf[l.output] = s.out_buf;
    p.steps.push_back(std::move(s));
  }
  auto ob = buf.find(g.outputs[0]);
  if (ob == buf.end()) return Status::Fail(gname + ": graph output '" + g.outputs[0] + "' is not produced");
  p.output_buf = ob->second;
  const ir::Tensor* out_t = tensor_of(g.outputs[0]);
  p.output_shape = out_t ? out_t->shape : std::vector<int64_t>{p.buf_size[p.output_buf]};
  if (p.output_buf == 0) {
    p.output_f = p.input_f;
  } else {
    for (const Step& s : p.steps)
      if (s.out_buf == p.output_buf) p.output_f = s.out_f;
  }
  return p;
}

// Input words: fx::from_double of the float32 value (as hls4ml's testbench
// reads float), with the quantization/overflow modes as compile-time
// constants for the common formats (the same function; only the mode switch
// is folded away by the compiler).
template <fx::Quant Q, fx::Overflow O>
__attribute__((flatten)) void QuantizeInputAs(const double* x, int64_t n, Format f, int64_t* w) {
  const Format g{f.w, f.i, f.s, Q, O};
  for (int64_t i = 0; i < n; ++i) w[i] = fx::from_double(static_cast<double>(static_cast<float>(x[i])), g);
}

void QuantizeInput(const double* x, int64_t n, Format f, int64_t* w) {
  using fx::Overflow;
  using fx::Quant;
  if (f.q == Quant::TRN && f.o == Overflow::WRAP) return QuantizeInputAs<Quant::TRN, Overflow::WRAP>(x, n, f, w);
  if (f.q == Quant::RND && f.o == Overflow::SAT) return QuantizeInputAs<Quant::RND, Overflow::SAT>(x, n, f, w);
  if (f.q == Quant::RND_CONV && f.o == Overflow::SAT)
    return QuantizeInputAs<Quant::RND_CONV, Overflow::SAT>(x, n, f, w);
  for (int64_t i = 0; i < n; ++i) w[i] = fx::from_double(static_cast<double>(static_cast<float>(x[i])), f);
}

// Blocks of rows handed out to the threads on demand (a loaded machine
// slows threads unevenly; static halves would wait for the slowest).
class RowQueue {
 public:
  RowQueue(int64_t rows, int64_t block) : rows_(rows), block_(std::max<int64_t>(1, block)) {}
  bool Next(int64_t* r0, int64_t* r1) {
    const int64_t b = next_.fetch_add(block_, std::memory_order_relaxed);
    if (b >= rows_) return false;
    *r0 = b;
    *r1 = std::min(rows_, b + block_);
    return true;
  }

 private:
  int64_t rows_, block_;
  std::atomic<int64_t> next_{0};
};

// Runs the rows of the queue's blocks. trace: per step output arrays (may be null).
Status RunRows(const Plan& p, const NDArray& input, RowQueue& queue, NDArray* out, std::vector<NDArray>* trace) {
  int64_t r0 = 0, r1 = 0;
  const int64_t nbuf = static_cast<int64_t>(p.buf_size.size());
  if (p.float_mode) {
    std::vector<std::vector<double>> bufs(nbuf);
    for (int64_t b = 0; b < nbuf; ++b) bufs[b].resize(p.buf_size[b]);
    detail::Scratch scratch;
    while (queue.Next(&r0, &r1))
    for (int64_t r = r0; r < r1; ++r) {
      const double* x = &input.data[r * p.input_size];
      for (int64_t i = 0; i < p.input_size; ++i) bufs[0][i] = static_cast<double>(static_cast<float>(x[i]));
      for (size_t si = 0; si < p.steps.size(); ++si) {
        const Step& s = p.steps[si];
        if (s.in2_buf >= 0)
          HLSFORGE_RETURN_IF_ERROR(detail::RunFloatMerge(s.io, s.in2, bufs[s.in_buf].data(), bufs[s.in2_buf].data(),
                                                         bufs[s.out_buf].data()));
        else if (s.float_dense)
          detail::FloatDenseRow(s.fw.data(), s.fb.empty() ? nullptr : s.fb.data(), s.io.n_in, s.io.n_out,
                                bufs[s.in_buf].data(), bufs[s.out_buf].data(), scratch);
        else if (s.io.layer->kind != ir::LayerKind::Input)
          HLSFORGE_RETURN_IF_ERROR(detail::RunFloatLayer(s.io, bufs[s.in_buf].data(), bufs[s.out_buf].data()));
        if (trace)
          std::copy(bufs[s.out_buf].begin(), bufs[s.out_buf].end(),
                    (*trace)[si].data.begin() + r * p.buf_size[s.out_buf]);
      }
      const auto& ob = bufs[p.output_buf];
      std::copy(ob.begin(), ob.end(), out->data.begin() + r * p.buf_size[p.output_buf]);
    }
    return Status::Ok();
  }
  std::vector<std::vector<int64_t>> bufs(nbuf);
  for (int64_t b = 0; b < nbuf; ++b) bufs[b].resize(p.buf_size[b]);
  detail::Scratch scratch;
  const int64_t on = p.buf_size[p.output_buf];
  while (queue.Next(&r0, &r1))
  for (int64_t r = r0; r < r1; ++r) {
    const double* x = &input.data[r * p.input_size];
    int64_t* w0 = bufs[0].data();
    QuantizeInput(x, p.input_size, p.input_f, w0);
    for (size_t si = 0; si < p.steps.size(); ++si) {
      const Step& s = p.steps[si];
      if (s.kernel) s.kernel->Run(bufs[s.in_buf].data(), bufs[s.out_buf].data(), scratch);
      else if (s.binary)
        s.binary->Run2(bufs[s.in_buf].data(), bufs[s.in2_buf].data(), bufs[s.out_buf].data(), scratch);
      if (trace) {
        const auto& b = bufs[s.out_buf];
        double* dst = &(*trace)[si].data[r * p.buf_size[s.out_buf]];
        for (size_t i = 0; i < b.size(); ++i) dst[i] = fx::to_double(b[i], s.out_f);
      }
    }
    const int64_t* ob = bufs[p.output_buf].data();
    double* dst = &out->data[r * on];
    for (int64_t i = 0; i < on; ++i) dst[i] = fx::to_double(ob[i], p.output_f);
  }
  return Status::Ok();
}

Status Run(const ir::Graph& g, const NDArray& input, const Options& opt, NDArray* out,
           std::map<std::string, NDArray>* trace_out) {
  return CatchStatus([&] {
    auto plan = Compile(g, opt.float_mode);
    if (!plan.ok()) throw Error(plan.status().message());
    const Plan& p = *plan;
    const std::string gname = g.source_path.empty() ? g.name : g.source_path;
    if (input.shape.empty()) throw Error(gname + ": input array has no batch dimension");
    if (input.row_size() != p.input_size || static_cast<int64_t>(input.data.size()) != input.rows() * p.input_size) {
      std::string exp = "[batch";
      for (int64_t d : p.input_shape) exp += ", " + std::to_string(d);
      std::string got = "[";
      for (size_t i = 0; i < input.shape.size(); ++i) got += (i ? ", " : "") + std::to_string(input.shape[i]);
      throw Error(gname + ": input shape mismatch: expected " + exp + "], got " + got + "]");
    }
    const int64_t rows = input.rows();
    out->shape = {rows};
    for (int64_t d : p.output_shape) out->shape.push_back(d);
    out->data.assign(rows * p.buf_size[p.output_buf], 0.0);
    std::vector<NDArray> trace;
    if (trace_out) {
      trace.resize(p.steps.size());
      for (size_t si = 0; si < p.steps.size(); ++si) {
        const Step& s = p.steps[si];
        trace[si].shape = {rows};
        if (s.out_buf == 0) {
          for (int64_t d : p.input_shape) trace[si].shape.push_back(d);
        } else {
          for (int64_t d : s.io.out_shape) trace[si].shape.push_back(d);
        }
        trace[si].data.assign(rows * p.buf_size[s.out_buf], 0.0);
      }
    }
    int threads = opt.threads > 0 ? opt.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    threads = static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, rows / 64)));
    std::vector<Status> st(threads);
    // blocks of ~1/32 of a thread's share, at least 256 rows
    RowQueue queue(rows, std::max<int64_t>(256, rows / (32 * threads)));
    if (threads <= 1) {
      st[0] = RunRows(p, input, queue, out, trace_out ? &trace : nullptr);
    } else {
      std::vector<std::thread> pool;
      for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
          st[t] = CatchStatus([&] {
            Status s = RunRows(p, input, queue, out, trace_out ? &trace : nullptr);
            if (!s.ok()) throw Error(s.message());
          });
        });
      }
      for (auto& th : pool) th.join();
    }
    for (const Status& s : st)
      if (!s.ok()) throw Error(s.message());
    if (trace_out) {
      trace_out->clear();
      for (size_t si = 0; si < p.steps.size(); ++si) (*trace_out)[p.steps[si].io.layer->name] = std::move(trace[si]);
    }
  });
}

}  // namespace

StatusOr<NDArray> Predict(const ir::Graph& g, const NDArray& input, const Options& opt) {
  NDArray out;
  Status s = Run(g, input, opt, &out, nullptr);
  if (!s.ok()) return s;
  return out;
}

StatusOr<std::map<std::string, NDArray>> Trace(const ir::Graph& g, const NDArray& input, const Options& opt) {
  NDArray out;
  std::map<std::string, NDArray> trace;
  Status s = Run(g, input, opt, &out, &trace);
  if (!s.ok()) return s;
  return trace;
}

}  // namespace hlsforge::emu
