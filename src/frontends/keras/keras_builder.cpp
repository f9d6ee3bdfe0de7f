// The Keras builder's shared machinery: JSON field access, layer inputs and
// outputs, new layers, weights (see keras_builder.h).
#include "keras_builder.h"

namespace hlsforge::frontends::keras {

// ---------------------------------------------------------------- JSON helpers

const json* Get(const json& cfg, const std::string& key) {
  if (!cfg.is_object()) return nullptr;
  auto it = cfg.find(key);
  if (it == cfg.end() || it->is_null()) return nullptr;
  return &*it;
}

double GetNum(const json& cfg, const std::string& key, double def, const std::string& where) {
  const json* v = Get(cfg, key);
  if (!v) return def;
  if (v->is_boolean()) return v->get<bool>() ? 1 : 0;
  if (!v->is_number()) throw Error(where + ": field '" + key + "' must be a number, got " + v->dump());
  return v->get<double>();
}

bool GetBool(const json& cfg, const std::string& key, bool def, const std::string& where) {
  const json* v = Get(cfg, key);
  if (!v) return def;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_number()) return v->get<double>() != 0;
  throw Error(where + ": field '" + key + "' must be a boolean");
}

int64_t Product(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

int64_t AxisField(const KLayer& k, const std::string& where) {
  const json* ax = Get(k.config, "axis");
  if (!ax) return -1;
  if (ax->is_array() && ax->size() == 1) return (*ax)[0].get<int64_t>();
  if (ax->is_number_integer()) return ax->get<int64_t>();
  throw Error(where + ": field 'axis' " + ax->dump() + " unsupported");
}

// ---------------------------------------------------------------- the builder

void Builder::Build(const KModel& m) {
  const auto& table = LayerTable();
  for (const KLayer& k : m.layers) {
    auto it = table.find(k.cls);
    if (it == table.end())
      throw Error(g_.source_path + ": layer \"" + k.name + "\": unsupported layer class '" + k.cls + "'");
    it->second(*this, k);
  }
  for (const std::string& o : m.outputs) {
    auto it = out_of_.find(o);
    if (it == out_of_.end()) throw Error(g_.source_path + ": output layer \"" + o + "\" not found");
    g_.outputs.push_back(it->second);
  }
}

std::string Builder::Where(const KLayer& k) const {
  return g_.source_path + ": layer \"" + k.name + "\" (" + k.cls + ")";
}

const std::string& Builder::OutputOf(const KLayer& k, const std::string& layer) const {
  auto it = out_of_.find(layer);
  if (it == out_of_.end()) throw Error(Where(k) + ": input layer \"" + layer + "\" not defined before it");
  return it->second;
}

const std::string& Builder::InputOf(const KLayer& k) const {
  if (k.inbound.size() != 1)
    throw Error(Where(k) + ": expected one input, found " + std::to_string(k.inbound.size()) +
                " (multi-input layers unsupported)");
  return OutputOf(k, k.inbound[0]);
}

const std::string& Builder::SpatialInput(const KLayer& k, int rank) const {
  const std::string& in = InputOf(k);
  const std::vector<int64_t>& s = g_.tensor(in).shape;
  if (static_cast<int>(s.size()) != rank + 1)
    throw Error(Where(k) + ": input shape " + ShapeStr(s) + " is not " +
                (rank == 1 ? "[width, channels]" : "[height, width, channels]"));
  if (const json* df = Get(k.config, "data_format"); df && df->is_string() && df->get<std::string>() != "channels_last")
    throw Error(Where(k) + ": data_format '" + df->get<std::string>() + "' unsupported (channels_last only)");
  return in;
}

ir::Layer& Builder::NewLayer(const std::string& name, ir::LayerKind kind, const std::string& input,
                             std::vector<int64_t> shape, const std::string& source_op) {
  if (g_.tensors.count(name)) throw Error(g_.source_path + ": duplicate layer/tensor name \"" + name + "\"");
  ir::Layer l;
  l.name = name;
  l.kind = kind;
  if (!input.empty()) l.inputs = {input};
  l.output = name;
  l.source_op = source_op;
  ir::Tensor t;
  t.name = name;
  t.shape = std::move(shape);
  g_.tensors[name] = t;
  g_.layers.push_back(std::move(l));
  return g_.layers.back();
}

ir::Layer& Builder::NewSpatial(const std::string& name, ir::LayerKind kind, const std::string& in, const KLayer& k,
                               ir::Layer proto) {
  std::vector<std::vector<int64_t>> ins{g_.tensor(in).shape};
  if (!proto.inputs.empty()) ins.push_back(g_.tensor(proto.inputs[0]).shape);
  proto.name = name;
  proto.kind = kind;
  auto os = ir::WindowOutputShape(proto, ins);
  if (!os.ok()) throw Error(g_.source_path + ": " + os.status().message());
  std::vector<std::string> extra = proto.inputs;
  ir::Layer& l = NewLayer(name, kind, in, *os, k.cls);
  l.conv = proto.conv;
  l.pool = proto.pool;
  l.resize = proto.resize;
  l.merge = proto.merge;
  l.params = std::move(proto.params);
  for (const auto& e : extra) l.inputs.push_back(e);
  if (name != k.name) l.aliases.push_back(k.name);
  return l;
}

std::map<std::string, Array> Builder::Weights(const KLayer& k, const std::vector<std::string>& positional,
                                              const std::vector<std::string>& required) {
  if (!w_) throw Error(Where(k) + ": has weights but no weights file was given");
  std::map<std::string, Array> ws = w_->LayerWeights(k.name, k.cls, positional);
  for (const std::string& r : required)
    if (!ws.count(r)) throw Error(w_->file_name() + ": layer \"" + k.name + "\": dataset '" + r + "' missing");
  return ws;
}

void Builder::CheckShape(const Array& a, const std::vector<int64_t>& want, const std::string& where,
                         const std::string& what) {
  if (a.shape != want)
    throw Error(where + ": " + what + " has shape " + ShapeStr(a.shape) + ", expected " + ShapeStr(want));
}

std::vector<int64_t> Builder::Tuple(const KLayer& k, const std::string& key, size_t n, int64_t dflt) const {
  const json* v = Get(k.config, key);
  if (!v || v->is_null()) return std::vector<int64_t>(n, dflt);
  if (v->is_number_integer()) return std::vector<int64_t>(n, v->get<int64_t>());
  if (!v->is_array() || v->size() != n)
    throw Error(Where(k) + ": field '" + key + "' " + v->dump() + " must have " + std::to_string(n) + " values");
  std::vector<int64_t> r;
  for (const auto& x : *v) r.push_back(x.get<int64_t>());
  return r;
}

}  // namespace hlsforge::frontends::keras
