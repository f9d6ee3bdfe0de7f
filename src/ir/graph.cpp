#include <cmath>
#include "hlsforge/ir/graph.h"

#include <algorithm>
#include <set>

namespace hlsforge::ir {

namespace {

std::string ShapeStr(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? ", " : "") + std::to_string(s[i]);
  return r + "]";
}

}  // namespace


size_t Param::zeros() const {
  return static_cast<size_t>(std::count(values.begin(), values.end(), 0.0));
}

int64_t Tensor::size() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

Param* Layer::param(const std::string& key) {
  auto it = params.find(key);
  return it == params.end() ? nullptr : &it->second;
}
const Param* Layer::param(const std::string& key) const {
  auto it = params.find(key);
  return it == params.end() ? nullptr : &it->second;
}

Layer* Graph::FindLayer(const std::string& name_or_alias) {
  return const_cast<Layer*>(static_cast<const Graph*>(this)->FindLayer(name_or_alias));
}

const Layer* Graph::FindLayer(const std::string& name_or_alias) const {
  for (const Layer& l : layers)
    if (l.name == name_or_alias) return &l;
  for (const Layer& l : layers)
    if (std::find(l.aliases.begin(), l.aliases.end(), name_or_alias) != l.aliases.end()) return &l;
  return nullptr;
}

Tensor& Graph::tensor(const std::string& name) {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw Error("graph '" + this->name + "': no tensor '" + name + "'");
  return it->second;
}
const Tensor& Graph::tensor(const std::string& name) const {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw Error("graph '" + this->name + "': no tensor '" + name + "'");
  return it->second;
}

std::vector<const Layer*> Graph::Consumers(const std::string& name) const {
  std::vector<const Layer*> out;
  for (const Layer& l : layers)
    if (std::find(l.inputs.begin(), l.inputs.end(), name) != l.inputs.end()) out.push_back(&l);
  return out;
}

const Layer* Graph::Producer(const std::string& name) const {
  for (const Layer& l : layers)
    if (l.output == name) return &l;
  return nullptr;
}

Status Graph::Validate() const {
  std::set<std::string> defined(inputs.begin(), inputs.end());
  std::set<std::string> names;
  for (const std::string& in : inputs)
    if (!tensors.count(in)) return Status::Fail(source_path + ": graph input '" + in + "' has no tensor");
  for (const Layer& l : layers) {
    const std::string where = source_path + ": layer \"" + l.name + "\" (" + ToString(l.kind) + ")";
    if (!names.insert(l.name).second) return Status::Fail(where + ": duplicate layer name");
    for (const std::string& in : l.inputs)
      if (!defined.count(in)) return Status::Fail(where + ": input tensor '" + in + "' is not defined before it");
    if (l.kind != LayerKind::Input) {
      if (l.output.empty()) return Status::Fail(where + ": no output tensor");
      if (!tensors.count(l.output)) return Status::Fail(where + ": output tensor '" + l.output + "' missing");
      if (!defined.insert(l.output).second && l.kind != LayerKind::Input)
        return Status::Fail(where + ": tensor '" + l.output + "' written twice");
    }
    if (l.kind >= LayerKind::Conv && l.kind <= LayerKind::Merge) {
      std::vector<std::vector<int64_t>> ins;
      for (const std::string& in : l.inputs) {
        auto it = tensors.find(in);
        if (it == tensors.end()) return Status::Fail(where + ": input tensor '" + in + "' missing");
        ins.push_back(it->second.shape);
      }
      if (l.kind == LayerKind::Merge ? l.inputs.size() != 2 : l.inputs.size() != 1)
        return Status::Fail(where + ": wrong number of inputs (" + std::to_string(l.inputs.size()) + ")");
      auto os = WindowOutputShape(l, ins);
      if (!os.ok()) return Status::Fail(source_path + ": " + os.status().message());
      if (*os != tensors.at(l.output).shape)
        return Status::Fail(where + ": output tensor '" + l.output + "' has shape " +
                            ShapeStr(tensors.at(l.output).shape) + ", expected " + ShapeStr(*os));
      if (l.kind == LayerKind::Conv) {
        const Param* wp = l.param(Slot::Weight);
        const ConvAttrs& a = *l.conv;
        const int64_t cin = ins[0].back();
        std::vector<int64_t> want;
        if (a.rank == 2) want = {a.kernel_h, a.kernel_w};
        else want = {a.kernel_w};
        want.push_back(cin);
        want.push_back(a.depthwise ? a.depth_multiplier : (wp ? wp->shape.back() : 0));
        if (!wp || wp->shape != want)
          return Status::Fail(where + ": param 'weight' has shape " + (wp ? ShapeStr(wp->shape) : "none") +
                              ", expected " + ShapeStr(want));
        const Param* bp = l.param(Slot::Bias);
        if (bp && bp->size() != static_cast<size_t>(os->back()))
          return Status::Fail(where + ": param 'bias' has " + std::to_string(bp->size()) + " values, expected " +
                              std::to_string(os->back()));
      }
    }
    if (!l.element_types.empty()) {
      const int64_t n = tensors.at(l.output).size();
      if (l.kind != LayerKind::Quantize)
        return Status::Fail(where + ": per-element formats on a layer that is not a Quantize");
      if (l.element_types.size() != 1 && static_cast<int64_t>(l.element_types.size()) != n)
        return Status::Fail(where + ": " + std::to_string(l.element_types.size()) + " per-element formats for " +
                            std::to_string(n) + " elements");
    }
    for (const auto& [key, p] : l.params) {
      int64_t n = 1;
      for (int64_t d : p.shape) n *= d;
      if (n != static_cast<int64_t>(p.values.size()))
        return Status::Fail(where + ": param '" + key + "' has " + std::to_string(p.values.size()) +
                            " values for its shape");
    }
  }
  for (const std::string& out : outputs)
    if (!defined.count(out)) return Status::Fail(source_path + ": graph output '" + out + "' is not produced");
  return Status::Ok();
}

const char* ToString(LayerKind k) {
  switch (k) {
    case LayerKind::Input: return "Input";
    case LayerKind::Dense: return "Dense";
    case LayerKind::ScaleShift: return "ScaleShift";
    case LayerKind::Activation: return "Activation";
    case LayerKind::Softmax: return "Softmax";
    case LayerKind::Quantize: return "Quantize";
    case LayerKind::Threshold: return "Threshold";
    case LayerKind::Reshape: return "Reshape";
    case LayerKind::Conv: return "Conv";
    case LayerKind::Pooling: return "Pooling";
    case LayerKind::ZeroPadding: return "ZeroPadding";
    case LayerKind::Cropping: return "Cropping";
    case LayerKind::UpSampling: return "UpSampling";
    case LayerKind::Merge: return "Merge";
  }
  return "?";
}

const char* ToString(ActivationKind k) {
  switch (k) {
    case ActivationKind::Linear: return "linear";
    case ActivationKind::ReLU: return "relu";
    case ActivationKind::LeakyReLU: return "leaky_relu";
    case ActivationKind::ThresholdedReLU: return "thresholded_relu";
    case ActivationKind::ReLU6OrMax: return "relu_max";
    case ActivationKind::Sigmoid: return "sigmoid";
    case ActivationKind::Tanh: return "tanh";
    case ActivationKind::HardSigmoid: return "hard_sigmoid";
    case ActivationKind::HardTanh: return "hard_tanh";
    case ActivationKind::BinaryTanh: return "binary_tanh";
    case ActivationKind::TernaryTanh: return "ternary_tanh";
    case ActivationKind::PReLU: return "prelu";
    case ActivationKind::ELU: return "elu";
    case ActivationKind::SELU: return "selu";
    case ActivationKind::Softplus: return "softplus";
    case ActivationKind::Softsign: return "softsign";
  }
  return "?";
}

const char* ToString(PoolOp p) { return p == PoolOp::Max ? "max" : "average"; }

const char* ToString(MergeOp m) {
  switch (m) {
    case MergeOp::Add: return "add";
    case MergeOp::Subtract: return "subtract";
    case MergeOp::Multiply: return "multiply";
    case MergeOp::Average: return "average";
    case MergeOp::Maximum: return "maximum";
    case MergeOp::Minimum: return "minimum";
    case MergeOp::Concatenate: return "concatenate";
  }
  return "?";
}

StatusOr<std::vector<int64_t>> WindowOutputShape(const Layer& l,
                                                 const std::vector<std::vector<int64_t>>& in_shapes) {
  const std::string where = "layer \"" + l.name + "\" (" + ToString(l.kind) + ")";
  if (in_shapes.empty()) return Status::Fail(where + ": no input shape");
  const std::vector<int64_t>& in = in_shapes[0];
  auto spatial = [&](int rank, int64_t& h, int64_t& w, int64_t& c) -> Status {
    if (rank != 1 && rank != 2) return Status::Fail(where + ": rank " + std::to_string(rank) + " (supported 1, 2)");
    if (static_cast<int>(in.size()) != rank + 1)
      return Status::Fail(where + ": input shape " + ShapeStr(in) + " is not " +
                          (rank == 1 ? "[width, channels]" : "[height, width, channels]"));
    h = rank == 1 ? 1 : in[0];
    w = in[rank - 1];
    c = in[rank];
    return Status::Ok();
  };
  auto make = [](int rank, int64_t h, int64_t w, int64_t c) {
    return rank == 1 ? std::vector<int64_t>{w, c} : std::vector<int64_t>{h, w, c};
  };
  auto window = [&](const char* what, int64_t size, int64_t stride, int64_t n, int64_t pa, int64_t pb,
                    int64_t& out) -> Status {
    if (size < 1 || stride < 1 || pa < 0 || pb < 0)
      return Status::Fail(where + ": " + what + " size " + std::to_string(size) + ", stride " +
                          std::to_string(stride) + ", pads " + std::to_string(pa) + "," + std::to_string(pb) +
                          " invalid");
    if (size > n + pa + pb)
      return Status::Fail(where + ": " + what + " of size " + std::to_string(size) +
                          " is larger than its padded input " + std::to_string(n + pa + pb) + " (input " +
                          ShapeStr(in) + ")");
    out = (n + pa + pb - size) / stride + 1;
    return Status::Ok();
  };
  int64_t h = 0, w = 0, c = 0, oh = 1, ow = 1;
  switch (l.kind) {
    case LayerKind::Conv: {
      if (!l.conv) return Status::Fail(where + ": no conv attributes");
      const ConvAttrs& a = *l.conv;
      HLSFORGE_RETURN_IF_ERROR(spatial(a.rank, h, w, c));
      if (a.rank == 2) HLSFORGE_RETURN_IF_ERROR(window("kernel", a.kernel_h, a.stride_h, h, a.pad_top, a.pad_bottom, oh));
      HLSFORGE_RETURN_IF_ERROR(window("kernel", a.kernel_w, a.stride_w, w, a.pad_left, a.pad_right, ow));
      int64_t co = 0;
      if (a.depthwise) {
        if (a.depth_multiplier < 1) return Status::Fail(where + ": depth_multiplier < 1");
        co = c * a.depth_multiplier;
      } else {
        const Param* wp = l.param(Slot::Weight);
        if (!wp || wp->shape.empty()) return Status::Fail(where + ": param 'weight' missing");
        co = wp->shape.back();
      }
      return make(a.rank, oh, ow, co);
    }
    case LayerKind::Pooling: {
      if (!l.pool) return Status::Fail(where + ": no pooling attributes");
      const PoolAttrs& a = *l.pool;
      HLSFORGE_RETURN_IF_ERROR(spatial(a.rank, h, w, c));
      if (a.global) return std::vector<int64_t>{c};
      if (a.rank == 2) HLSFORGE_RETURN_IF_ERROR(window("pool window", a.pool_h, a.stride_h, h, a.pad_top, a.pad_bottom, oh));
      HLSFORGE_RETURN_IF_ERROR(window("pool window", a.pool_w, a.stride_w, w, a.pad_left, a.pad_right, ow));
      return make(a.rank, oh, ow, c);
    }
    case LayerKind::ZeroPadding:
    case LayerKind::Cropping:
    case LayerKind::UpSampling: {
      if (!l.resize) return Status::Fail(where + ": no resize attributes");
      const ResizeAttrs& a = *l.resize;
      HLSFORGE_RETURN_IF_ERROR(spatial(a.rank, h, w, c));
      if (a.pad_top < 0 || a.pad_left < 0 || a.pad_bottom < 0 || a.pad_right < 0)
        return Status::Fail(where + ": negative pads/crops");
      if (l.kind == LayerKind::ZeroPadding) {
        oh = h + a.pad_top + a.pad_bottom;
        ow = w + a.pad_left + a.pad_right;
      } else if (l.kind == LayerKind::Cropping) {
        oh = h - a.pad_top - a.pad_bottom;
        ow = w - a.pad_left - a.pad_right;
        if (oh < 1 || ow < 1) return Status::Fail(where + ": crops remove the whole input " + ShapeStr(in));
      } else {
        if (a.scale_h < 1 || a.scale_w < 1) return Status::Fail(where + ": upsampling factors must be >= 1");
        oh = h * a.scale_h;
        ow = w * a.scale_w;
      }
      if (a.rank == 1) oh = 1;
      return make(a.rank, oh, ow, c);
    }
    case LayerKind::Merge: {
      if (!l.merge) return Status::Fail(where + ": no merge attributes");
      if (in_shapes.size() != 2) return Status::Fail(where + ": needs 2 inputs, got " + std::to_string(in_shapes.size()));
      const std::vector<int64_t>& b = in_shapes[1];
      if (l.merge->op != MergeOp::Concatenate) {
        if (in != b) return Status::Fail(where + ": input shapes differ: " + ShapeStr(in) + " vs " + ShapeStr(b));
        return in;
      }
      const int r = static_cast<int>(in.size());
      const int ax = l.merge->axis < 0 ? l.merge->axis + r : l.merge->axis;
      if (ax < 0 || ax >= r || b.size() != in.size())
        return Status::Fail(where + ": concatenate axis " + std::to_string(l.merge->axis) + " invalid for " +
                            ShapeStr(in) + " and " + ShapeStr(b));
      std::vector<int64_t> out = in;
      for (int i = 0; i < r; ++i)
        if (i != ax && in[i] != b[i])
          return Status::Fail(where + ": concatenate shapes " + ShapeStr(in) + " and " + ShapeStr(b) +
                              " differ off axis " + std::to_string(ax));
      out[ax] += b[ax];
      return out;
    }
    default:
      return Status::Fail(where + ": not a window/merge layer");
  }
}

const char* ToString(Strategy s) { return s == Strategy::Latency ? "Latency" : "Resource"; }

const char* ToString(SoftmaxImpl s) {
  switch (s) {
    case SoftmaxImpl::Stable: return "stable";
    case SoftmaxImpl::Latency: return "latency";
    case SoftmaxImpl::Legacy: return "legacy";
    case SoftmaxImpl::Argmax: return "argmax";
  }
  return "?";
}


bool NegativeSlopeShift(const QuantParams& q, int& k) {
  const double s = q.negative_slope;
  if (!(s > 0) || !std::isfinite(s) || q.bit_width != std::floor(q.bit_width) || q.bit_width < 1) return false;
  int e = 0;
  if (std::frexp(s, &e) != 0.5) return false;  // s = 2^(e-1)
  k = 1 - e;
  return k >= 0 && k <= static_cast<int>(q.bit_width) - 1;
}

double NegativeSlopeFloor(const QuantParams& q) {
  const double scale = q.scale.empty() ? 1.0 : q.scale[0];
  return -q.negative_slope * std::ldexp(1.0, static_cast<int>(q.bit_width) - 1) * scale;
}

double QonnxRound(double v, const std::string& mode) {
  if (mode == "ROUND") return std::nearbyint(v);  // default FE mode: half to even
  if (mode == "ROUND_TO_ZERO" || mode == "DOWN") return std::trunc(v);
  if (mode == "CEIL") return std::ceil(v);
  if (mode == "FLOOR") return std::floor(v);
  if (mode == "UP") return v >= 0 ? std::ceil(v) : std::floor(v);
  const double fl = std::floor(v), frac = v - fl;
  if (frac != 0.5) return std::round(v);  // not a tie: nearest (exact, no v + 0.5)
  if (mode == "HALF_UP") return v >= 0 ? fl + 1 : fl;     // ties away from zero
  if (mode == "HALF_DOWN") return v >= 0 ? fl : fl + 1;   // ties toward zero
  return std::nearbyint(v);
}

}  // namespace hlsforge::ir
