// Constant folding of standard ONNX ops: shape subgraphs (Shape, Gather,
// Concat, Unsqueeze, Reshape of shape vectors) and constant chains (Cast,
// arithmetic, Transpose of weights, constant MatMul). Semantics: the ONNX
// operator specs; float results are rounded to float32 as an ONNX runtime
// computing on float32 tensors would (RoundToElementType). The QONNX
// quantizers' folding is in onnx_ops_quant.cpp.
#include <algorithm>
#include <cmath>

#include "onnx_ops.h"

namespace hlsforge::frontends::onnx_detail {
namespace {

const Const& In(Converter& cv, int i, int k) { return cv.C(i, k, "input"); }

}  // namespace

Const FoldConstant(Converter& cv, int i) {
  const std::string where = cv.NodeLabel(i);
  Const c;
  if (const auto* a = cv.FindAttr(i, "value")) {
    c = DecodeTensor(a->t(), where + ": attribute 'value'");
  } else if (const auto* a = cv.FindAttr(i, "value_float")) {
    c.v = {a->f()};
  } else if (const auto* a = cv.FindAttr(i, "value_floats")) {
    c.v.assign(a->floats().begin(), a->floats().end());
    c.shape = {static_cast<int64_t>(c.v.size())};
  } else if (const auto* a = cv.FindAttr(i, "value_int")) {
    c.v = {static_cast<double>(a->i())};
    c.is_int = true;
  } else if (const auto* a = cv.FindAttr(i, "value_ints")) {
    for (auto x : a->ints()) c.v.push_back(static_cast<double>(x));
    c.shape = {static_cast<int64_t>(c.v.size())};
    c.is_int = true;
  } else {
    cv.Fail(i, "attribute 'value' missing");
  }
  return c;
}

Const FoldShape(Converter& cv, int i) {
  const auto& n = cv.node(i);
  std::vector<int64_t> s = cv.IsConst(n.input(0)) ? In(cv, i, 0).shape : cv.A(i, 0).shape;
  const int64_t r = static_cast<int64_t>(s.size());
  int64_t start = cv.FindAttr(i, "start") ? cv.IntAttr(i, "start") : 0;
  int64_t end = cv.FindAttr(i, "end") ? cv.IntAttr(i, "end") : r;
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = std::clamp<int64_t>(start, 0, r);
  end = std::clamp<int64_t>(end, 0, r);
  Const c;
  c.is_int = true;
  for (int64_t k = start; k < end; ++k) c.v.push_back(static_cast<double>(s[k]));
  c.shape = {static_cast<int64_t>(c.v.size())};
  return c;
}

Const FoldIdentity(Converter& cv, int i) { return In(cv, i, 0); }

Const FoldCast(Converter& cv, int i) {
  Const c = In(cv, i, 0);
  const int64_t to = cv.IntAttr(i, "to");
  const bool to_int =
      to != onnx::TensorProto::FLOAT && to != onnx::TensorProto::DOUBLE && to != onnx::TensorProto::FLOAT16;
  if (to_int)
    for (double& x : c.v) x = std::trunc(x);
  c.is_int = to_int;
  c.type.reset();
  RoundToElementType(c);
  return c;
}

Const FoldArith(Converter& cv, int i) {
  const std::string& op = cv.node(i).op_type();
  const std::string where = cv.NodeLabel(i);
  const Const& a = In(cv, i, 0);
  const Const& b = In(cv, i, 1);
  const bool ints = a.is_int && b.is_int;
  Const c = Binary(a, b, [&](double x, double y) -> double {
    if (op == "Add") return x + y;
    if (op == "Sub") return x - y;
    if (op == "Mul") return x * y;
    if (op == "Pow") return std::pow(x, y);
    if (y == 0) throw Error(where + ": division by zero in constant folding");
    return ints ? std::trunc(x / y) : x / y;
  }, where);
  RoundToElementType(c);
  return c;
}

Const FoldUnary(Converter& cv, int i) {
  const std::string& op = cv.node(i).op_type();
  double (*fn)(double) = nullptr;
  if (op == "Sqrt") fn = [](double x) { return std::sqrt(x); };
  else if (op == "Neg") fn = [](double x) { return -x; };
  else if (op == "Abs") fn = [](double x) { return std::fabs(x); };
  else if (op == "Reciprocal") fn = [](double x) { return 1.0 / x; };
  else if (op == "Relu") fn = [](double x) { return x > 0 ? x : 0.0; };
  else cv.Fail(i, "unsupported op in constant folding");
  Const c = In(cv, i, 0);
  for (double& x : c.v) x = fn(x);
  RoundToElementType(c);
  return c;
}

Const FoldSqueeze(Converter& cv, int i) {
  Const c = In(cv, i, 0);
  std::vector<int64_t> axes = cv.AxesOf(i, 1, "axes");
  if (cv.node(i).op_type() == "Unsqueeze") {
    const int64_t r = static_cast<int64_t>(c.shape.size() + axes.size());
    for (auto& ax : axes) ax = ax < 0 ? ax + r : ax;
    std::sort(axes.begin(), axes.end());
    for (int64_t ax : axes) {
      if (ax < 0 || ax > static_cast<int64_t>(c.shape.size())) cv.Fail(i, "axis out of range");
      c.shape.insert(c.shape.begin() + ax, 1);
    }
    return c;
  }
  const int64_t r = static_cast<int64_t>(c.shape.size());
  std::vector<int64_t> s;
  for (auto& ax : axes) ax = ax < 0 ? ax + r : ax;
  for (int64_t k = 0; k < r; ++k) {
    const bool sq = axes.empty() ? c.shape[k] == 1 : std::find(axes.begin(), axes.end(), k) != axes.end();
    if (sq && c.shape[k] != 1)
      cv.Fail(i, "cannot squeeze axis " + std::to_string(k) + " of size " + std::to_string(c.shape[k]));
    if (!sq) s.push_back(c.shape[k]);
  }
  c.shape = s;
  return c;
}

Const FoldReshape(Converter& cv, int i) {
  Const c = In(cv, i, 0);
  c.shape = cv.ReshapeTarget(i, c.shape, In(cv, i, 1));
  return c;
}

Const FoldFlatten(Converter& cv, int i) {
  Const c = In(cv, i, 0);
  int64_t ax = cv.IntAttr(i, "axis", 1);
  const int64_t r = static_cast<int64_t>(c.shape.size());
  if (ax < 0) ax += r;
  if (ax < 0 || ax > r) cv.Fail(i, "attribute 'axis' out of range");
  int64_t a = 1, b = 1;
  for (int64_t k = 0; k < r; ++k) (k < ax ? a : b) *= c.shape[k];
  c.shape = {a, b};
  return c;
}

Const FoldTranspose(Converter& cv, int i) {
  Const c = In(cv, i, 0);
  const size_t r = c.shape.size();
  std::vector<int64_t> perm(r);
  if (auto p = cv.IntsAttr(i, "perm")) perm = *p;
  else
    for (size_t k = 0; k < r; ++k) perm[k] = static_cast<int64_t>(r - 1 - k);
  if (perm.size() != r) cv.Fail(i, "attribute 'perm' has wrong length");
  std::vector<int64_t> ns(r), stride(r, 1);
  for (size_t k = r; k-- > 1;) stride[k - 1] = stride[k] * c.shape[k];
  for (size_t k = 0; k < r; ++k) {
    if (perm[k] < 0 || perm[k] >= static_cast<int64_t>(r)) cv.Fail(i, "attribute 'perm' out of range");
    ns[k] = c.shape[perm[k]];
  }
  std::vector<double> out(c.v.size());
  std::vector<int64_t> idx(r, 0);
  for (size_t o = 0; o < out.size(); ++o) {
    int64_t off = 0;
    for (size_t k = 0; k < r; ++k) off += idx[k] * stride[perm[k]];
    out[o] = c.v[static_cast<size_t>(off)];
    for (size_t k = r; k-- > 0;) {
      if (++idx[k] < ns[k]) break;
      idx[k] = 0;
    }
  }
  c.v = std::move(out);
  c.shape = ns;
  return c;  // pure data movement: a quantizer's type stays valid
}

Const FoldGather(Converter& cv, int i) {
  const Const& d = In(cv, i, 0);
  const Const& ix = In(cv, i, 1);
  const int64_t r = static_cast<int64_t>(d.shape.size());
  int64_t ax = cv.IntAttr(i, "axis", 0);
  if (ax < 0) ax += r;
  if (ax < 0 || ax >= r) cv.Fail(i, "attribute 'axis' out of range");
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < ax; ++k) outer *= d.shape[k];
  for (int64_t k = ax + 1; k < r; ++k) inner *= d.shape[k];
  const int64_t dim = d.shape[ax];
  Const c;
  c.is_int = d.is_int;
  c.sources = d.sources;
  for (int64_t k = 0; k < ax; ++k) c.shape.push_back(d.shape[k]);
  for (int64_t s : ix.shape) c.shape.push_back(s);
  for (int64_t k = ax + 1; k < r; ++k) c.shape.push_back(d.shape[k]);
  for (int64_t o = 0; o < outer; ++o)
    for (double iv : ix.v) {
      if (!IsIntegerUpTo(iv, 0x1p62)) cv.Fail(i, "index " + std::to_string(iv) + " is not an integer index");
      int64_t j = static_cast<int64_t>(iv);
      if (j < 0) j += dim;
      if (j < 0 || j >= dim) cv.Fail(i, "index " + std::to_string(j) + " out of range");
      for (int64_t s = 0; s < inner; ++s) c.v.push_back(d.v[static_cast<size_t>((o * dim + j) * inner + s)]);
    }
  return c;
}

Const FoldConcat(Converter& cv, int i) {
  const auto& n = cv.node(i);
  const Const& first = In(cv, i, 0);
  const int64_t r = static_cast<int64_t>(first.shape.size());
  int64_t ax = cv.IntAttr(i, "axis");
  if (ax < 0) ax += r;
  if (ax < 0 || ax >= r) cv.Fail(i, "attribute 'axis' out of range");
  std::vector<const Const*> parts;
  for (int k = 0; k < n.input_size(); ++k) parts.push_back(&In(cv, i, k));
  int64_t outer = 1;
  for (int64_t k = 0; k < ax; ++k) outer *= first.shape[k];
  Const c;
  c.is_int = true;
  c.shape = first.shape;
  c.shape[ax] = 0;
  for (const Const* p : parts) {
    if (static_cast<int64_t>(p->shape.size()) != r) cv.Fail(i, "inputs have different ranks");
    c.shape[ax] += p->shape[ax];
    c.is_int &= p->is_int;
    c.sources.insert(c.sources.end(), p->sources.begin(), p->sources.end());
  }
  for (int64_t o = 0; o < outer; ++o)
    for (const Const* p : parts) {
      const int64_t chunk = NumElements(p->shape) / std::max<int64_t>(outer, 1);
      for (int64_t s = 0; s < chunk; ++s) c.v.push_back(p->v[static_cast<size_t>(o * chunk + s)]);
    }
  return c;
}

Const FoldMatMul(Converter& cv, int i) {
  const Const& a = In(cv, i, 0);
  const Const& b = In(cv, i, 1);
  if (a.shape.size() != 2 || b.shape.size() != 2 || a.shape[1] != b.shape[0])
    cv.Fail(i, "constant MatMul shapes " + ShapeStr(a.shape) + " x " + ShapeStr(b.shape) + " unsupported");
  Const c;
  c.shape = {a.shape[0], b.shape[1]};
  c.v.assign(static_cast<size_t>(a.shape[0] * b.shape[1]), 0.0);
  for (int64_t r = 0; r < a.shape[0]; ++r)
    for (int64_t k = 0; k < a.shape[1]; ++k)
      for (int64_t s = 0; s < b.shape[1]; ++s)
        c.v[r * b.shape[1] + s] += a.v[r * a.shape[1] + k] * b.v[k * b.shape[1] + s];
  c.sources = a.sources;
  c.sources.insert(c.sources.end(), b.sources.begin(), b.sources.end());
  RoundToElementType(c);
  return c;
}

}  // namespace hlsforge::frontends::onnx_detail
