// Keras structural layers: InputLayer, Dropout (identity at inference),
// Flatten / Reshape, the image reshaping layers ZeroPadding / Cropping /
// UpSampling (nearest), and the two-input merges Add, Subtract, Multiply,
// Average, Maximum, Minimum, Concatenate.
#include "keras_builder.h"

namespace hlsforge::frontends::keras {
namespace {

/// Per-sample shape from a batch shape [null, d1, ...].
std::vector<int64_t> SampleShape(const json& batch_shape, const std::string& where) {
  if (!batch_shape.is_array() || batch_shape.empty()) throw Error(where + ": bad input shape " + batch_shape.dump());
  std::vector<int64_t> s;
  for (size_t i = 1; i < batch_shape.size(); ++i) {
    if (!batch_shape[i].is_number_integer() || batch_shape[i].get<int64_t>() <= 0)
      throw Error(where + ": input shape " + batch_shape.dump() + " has an unknown or bad dimension");
    s.push_back(batch_shape[i].get<int64_t>());
  }
  return s;
}

/// Reshape's target_shape (one -1 / null inferred) for `n` elements.
std::vector<int64_t> TargetShape(const KLayer& k, const std::string& where, const std::vector<int64_t>& ishape) {
  const int64_t n = Product(ishape);
  const json* ts = Get(k.config, "target_shape");
  if (!ts || !ts->is_array()) throw Error(where + ": field 'target_shape' missing");
  std::vector<int64_t> shape;
  int64_t known = 1, unknown = -1;
  for (size_t i = 0; i < ts->size(); ++i) {
    const int64_t d = (*ts)[i].is_null() ? -1 : (*ts)[i].get<int64_t>();
    if (d == -1) {
      if (unknown >= 0) throw Error(where + ": more than one -1 in target_shape");
      unknown = static_cast<int64_t>(i);
    } else if (d <= 0) {
      throw Error(where + ": bad target_shape " + ts->dump());
    } else {
      known *= d;
    }
    shape.push_back(d);
  }
  if (unknown >= 0) {
    if (n % known) throw Error(where + ": target_shape " + ts->dump() + " does not fit input " + ShapeStr(ishape));
    shape[unknown] = n / known;
  }
  if (Product(shape) != n) throw Error(where + ": target_shape " + ts->dump() + " does not fit input " + ShapeStr(ishape));
  return shape;
}

/// ZeroPadding 'padding' / Cropping 'cropping': an int, (begin, end) for
/// 1-D, or one int / (begin, end) per spatial axis; default 1 everywhere.
std::vector<std::pair<int64_t, int64_t>> PadPairs(const Builder& b, const KLayer& k, const std::string& key, int rank) {
  const json* v = Get(k.config, key);
  std::vector<std::pair<int64_t, int64_t>> pr(rank, {1, 1});
  if (v && v->is_number_integer()) {
    pr.assign(rank, {v->get<int64_t>(), v->get<int64_t>()});
  } else if (v && v->is_array() && rank == 1 && v->size() == 2 && (*v)[0].is_number_integer()) {
    pr[0] = {(*v)[0].get<int64_t>(), (*v)[1].get<int64_t>()};
  } else if (v && v->is_array() && static_cast<int>(v->size()) == rank) {
    for (int i = 0; i < rank; ++i) {
      const json& e = (*v)[i];
      if (e.is_number_integer()) pr[i] = {e.get<int64_t>(), e.get<int64_t>()};
      else if (e.is_array() && e.size() == 2) pr[i] = {e[0].get<int64_t>(), e[1].get<int64_t>()};
      else throw Error(b.Where(k) + ": field '" + key + "' " + v->dump() + " unsupported");
    }
  } else if (v) {
    throw Error(b.Where(k) + ": field '" + key + "' " + v->dump() + " unsupported");
  }
  return pr;
}

}  // namespace

void AddInput(Builder& b, const KLayer& k) {
  const std::string where = b.Where(k);
  const json* bis = Get(k.config, "batch_input_shape");
  if (!bis) bis = Get(k.config, "batch_shape");
  if (!bis) throw Error(where + ": no batch_input_shape / batch_shape");
  b.NewLayer(k.name, ir::LayerKind::Input, "", SampleShape(*bis, where), k.cls);
  b.graph().inputs.push_back(k.name);
  b.SetOutput(k, k.name);
}

void AddDropout(Builder& b, const KLayer& k) {
  const std::string in = b.InputOf(k);
  b.SetOutput(k, in);                  // identity at inference
  for (auto& l : b.graph().layers)     // its name stays reachable (config, trace) on the producer
    if (l.output == in) l.aliases.push_back(k.name);
}

void AddReshape(Builder& b, const KLayer& k) {
  const std::string where = b.Where(k);
  const std::string& in = b.InputOf(k);
  const std::vector<int64_t> ishape = b.graph().tensor(in).shape;
  std::vector<int64_t> shape = k.cls == "Flatten" ? std::vector<int64_t>{Product(ishape)} : TargetShape(k, where, ishape);
  b.NewLayer(k.name, ir::LayerKind::Reshape, in, shape, k.cls);
  b.SetOutput(k, k.name);
}

void AddResize(Builder& b, const KLayer& k) {
  const std::string& c = k.cls;
  const int rank = c[c.size() - 2] == '1' ? 1 : 2;
  const std::string& in = b.SpatialInput(k, rank);
  ir::ResizeAttrs a;
  a.rank = rank;
  ir::LayerKind kind;
  if (c.rfind("UpSampling", 0) == 0) {
    kind = ir::LayerKind::UpSampling;
    if (const json* ip = Get(k.config, "interpolation"); ip && ip->is_string() && ip->get<std::string>() != "nearest")
      throw Error(b.Where(k) + ": interpolation '" + ip->get<std::string>() + "' unsupported (nearest)");
    const std::vector<int64_t> sz = b.Tuple(k, "size", rank, 2);
    a.scale_w = sz.back();
    if (rank == 2) a.scale_h = sz[0];
  } else {
    kind = c.rfind("ZeroPadding", 0) == 0 ? ir::LayerKind::ZeroPadding : ir::LayerKind::Cropping;
    const auto pr = PadPairs(b, k, kind == ir::LayerKind::ZeroPadding ? "padding" : "cropping", rank);
    a.pad_left = pr.back().first;
    a.pad_right = pr.back().second;
    if (rank == 2) {
      a.pad_top = pr[0].first;
      a.pad_bottom = pr[0].second;
    }
  }
  ir::Layer l;
  l.resize = a;
  b.SetOutput(k, b.NewSpatial(k.name, kind, in, k, l).name);
}

void AddMerge(Builder& b, const KLayer& k) {
  if (k.inbound.size() != 2)
    throw Error(b.Where(k) + ": " + std::to_string(k.inbound.size()) + " inputs (only 2-input merges are supported)");
  const std::string in0 = b.OutputOf(k, k.inbound[0]), in1 = b.OutputOf(k, k.inbound[1]);
  static const std::map<std::string, ir::MergeOp> ops = {
      {"Add", ir::MergeOp::Add},         {"Subtract", ir::MergeOp::Subtract}, {"Multiply", ir::MergeOp::Multiply},
      {"Average", ir::MergeOp::Average}, {"Maximum", ir::MergeOp::Maximum},   {"Minimum", ir::MergeOp::Minimum},
      {"Concatenate", ir::MergeOp::Concatenate}};
  ir::Layer l;
  l.merge = ir::MergeAttrs{};
  l.merge->op = ops.at(k.cls);
  if (k.cls == "Concatenate") {
    const int64_t ax = static_cast<int64_t>(GetNum(k.config, "axis", -1, b.Where(k)));
    if (ax == 0) throw Error(b.Where(k) + ": concatenation on the batch axis unsupported");
    l.merge->axis = static_cast<int>(ax > 0 ? ax - 1 : ax);  // Keras axes count the batch
  }
  l.inputs = {in1};
  b.SetOutput(k, b.NewSpatial(k.name, ir::LayerKind::Merge, in0, k, l).name);
}

}  // namespace hlsforge::frontends::keras
