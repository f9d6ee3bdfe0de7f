// Python <-> C++ value conversions of the extension (see pyconvert.h).
#include "pyconvert.h"

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "hlsforge/util/status.h"

namespace hlsforge::py {
namespace {

YAML::Node ToYaml(pb::handle v, const std::string& path, const std::string& what) {
  if (v.is_none()) return YAML::Node(YAML::NodeType::Null);
  if (pb::isinstance<pb::bool_>(v)) return YAML::Node(v.cast<bool>() ? "true" : "false");
  if (pb::isinstance<pb::int_>(v)) return YAML::Node(pb::str(v).cast<std::string>());
  if (pb::isinstance<pb::float_>(v)) return YAML::Node(pb::repr(v).cast<std::string>());
  if (pb::isinstance<pb::str>(v)) return YAML::Node(v.cast<std::string>());
  if (pb::isinstance<pb::dict>(v)) {
    YAML::Node m(YAML::NodeType::Map);
    for (auto item : v.cast<pb::dict>()) {
      if (!pb::isinstance<pb::str>(item.first))
        throw Error(what + ": key " + pb::repr(item.first).cast<std::string>() + (path.empty() ? "" : " in " + path) +
                    " is not a str");
      const std::string k = item.first.cast<std::string>();
      m[k] = ToYaml(item.second, path.empty() ? k : path + "." + k, what);
    }
    return m;
  }
  if (pb::isinstance<pb::list>(v) || pb::isinstance<pb::tuple>(v)) {
    YAML::Node s(YAML::NodeType::Sequence);
    size_t i = 0;
    for (auto e : v) s.push_back(ToYaml(e, path + "[" + std::to_string(i++) + "]", what));
    return s;
  }
  throw Error(what + ": " + (path.empty() ? std::string("the config") : path) + ": value of type '" +
              pb::str(v.get_type().attr("__name__")).cast<std::string>() +
              "' not accepted (expected str, int, float, bool, dict or list)");
}

pb::object Scalar(const std::string& s) {
  if (s == "true" || s == "True") return pb::bool_(true);
  if (s == "false" || s == "False") return pb::bool_(false);
  if (!s.empty() && s.find_first_not_of("+-0123456789") == std::string::npos) {
    errno = 0;
    char* end = nullptr;
    const long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') return pb::int_(v);
  }
  if (!s.empty() && s.find_first_of("0123456789") != std::string::npos &&
      s.find_first_not_of("+-0123456789.eE") == std::string::npos) {
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (*end == '\0') return pb::float_(d);
  }
  return pb::str(s);
}

pb::object FromYaml(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map: {
      pb::dict d;
      for (const auto& kv : n) d[pb::str(kv.first.as<std::string>())] = FromYaml(kv.second);
      return d;
    }
    case YAML::NodeType::Sequence: {
      pb::list l;
      for (const auto& e : n) l.append(FromYaml(e));
      return l;
    }
    case YAML::NodeType::Scalar: return Scalar(n.Scalar());
    default: return pb::none();
  }
}

pb::list Shape(const std::vector<int64_t>& s) {
  pb::list l;
  for (int64_t d : s) l.append(d);
  return l;
}

}  // namespace

std::string DictToYaml(pb::handle config, const std::string& what) {
  if (!pb::isinstance<pb::dict>(config))
    throw Error(what + ": expected a dict (hls4ml layout: Model, LayerType, LayerName), got '" +
                pb::str(config.get_type().attr("__name__")).cast<std::string>() + "'");
  YAML::Emitter out;
  out << ToYaml(config, "", what);
  return std::string(out.c_str()) + "\n";
}

pb::object YamlToDict(const std::string& yaml_text, const std::string& what) {
  try {
    return FromYaml(YAML::Load(yaml_text));
  } catch (const YAML::Exception& e) {
    throw Error(what + ": " + e.what());
  }
}

pb::array CheckedArray(pb::handle x, const std::string& what) {
  pb::array a = pb::array::ensure(x);
  if (!a) {
    PyErr_Clear();
    throw Error(what + ": not an array (expected a numpy array of float32 or float64 values)");
  }
  const pb::dtype dt = a.dtype();
  if (dt.kind() != 'f' || (dt.itemsize() != 4 && dt.itemsize() != 8))
    throw Error(what + ": input dtype '" + pb::str(dt.attr("name")).cast<std::string>() +
                "' not accepted: expected float32 or float64 values");
  if (dt.itemsize() == 8) return pb::array_t<double, pb::array::c_style | pb::array::forcecast>::ensure(a);
  return pb::array_t<float, pb::array::c_style | pb::array::forcecast>::ensure(a);
}

NDArray ArrayFromPython(pb::handle x, const std::string& what) {
  pb::array a = CheckedArray(x, what);
  const pb::dtype dt = a.dtype();
  NDArray out;
  for (pb::ssize_t i = 0; i < a.ndim(); ++i) out.shape.push_back(a.shape(i));
  out.data.resize(static_cast<size_t>(a.size()));
  if (dt.itemsize() == 8) {
    auto c = pb::array_t<double, pb::array::c_style | pb::array::forcecast>::ensure(a);
    if (a.size()) std::memcpy(out.data.data(), c.data(), out.data.size() * sizeof(double));
  } else {
    auto c = pb::array_t<float, pb::array::c_style | pb::array::forcecast>::ensure(a);
    const float* p = c.data();
    for (size_t i = 0; i < out.data.size(); ++i) out.data[i] = p[i];
  }
  return out;
}

pb::array ArrayToPython(NDArray&& a) {
  auto* v = new std::vector<double>(std::move(a.data));
  pb::capsule owner(v, [](void* p) { delete static_cast<std::vector<double>*>(p); });
  std::vector<pb::ssize_t> shape(a.shape.begin(), a.shape.end());
  return pb::array_t<double>(shape, v->data(), owner);
}

pb::dict SummaryToDict(const report::ModelSummary& s) {
  pb::dict d;
  d["name"] = s.name;
  d["input_shape"] = Shape(s.input_shape);
  d["output_shape"] = Shape(s.output_shape);
  d["input_type"] = s.input_type;
  d["output_type"] = s.output_type;
  pb::list layers;
  for (const report::LayerSummary& l : s.layers) {
    pb::dict e;
    e["name"] = l.name;
    e["kind"] = l.kind;
    e["source_op"] = l.source_op;
    e["output_shape"] = Shape(l.output_shape);
    pb::dict prec;
    for (const auto& [slot, type] : l.precisions) prec[pb::str(slot)] = type;
    e["precision"] = prec;
    e["reuse_factor"] = l.reuse_factor;
    e["parallelization_factor"] = l.parallelization_factor;
    e["params"] = l.params;
    e["zero_weights"] = l.zero_weights;
    e["macs"] = l.macs;
    e["multipliers"] = l.multipliers;
    e["mult_ops"] = l.mult_ops;
    e["xnor_ops"] = l.xnor_ops;
    e["add_ops"] = l.add_ops;
    e["bops"] = l.bops;
    layers.append(e);
  }
  d["layers"] = layers;
  pb::dict t;
  t["params"] = s.total_params;
  t["zero_weights"] = s.total_zero_weights;
  t["macs"] = s.total_macs;
  t["multipliers"] = s.total_multipliers;
  t["mult_ops"] = s.total_mult_ops;
  t["xnor_ops"] = s.total_xnor_ops;
  t["add_ops"] = s.total_add_ops;
  t["bops"] = s.total_bops;
  d["totals"] = t;
  pb::list w;
  for (const std::string& m : s.warnings) w.append(m);
  d["warnings"] = w;
  return d;
}

pb::dict PlanToDict(const ir::LayerPlan& p) {
  pb::dict d;
  d["io_type"] = p.io_type == ir::IOType::Stream ? "io_stream" : "io_parallel";
  d["strategy"] = ir::ToString(p.strategy);
  d["requested_reuse_factor"] = p.requested_reuse_factor;
  d["reuse_factor"] = p.reuse_factor;
  d["requested_parallelization_factor"] = p.requested_parallelization_factor;
  d["parallelization_factor"] = p.parallelization_factor;
  d["has_products"] = p.has_products;
  d["product"] = ir::ToString(p.product);
  d["n_in"] = p.n_in;
  d["n_out"] = p.n_out;
  d["weights"] = p.weights;
  d["n_zeros"] = p.n_zeros;
  d["zero_weights"] = p.zero_weights;
  d["multiplier_limit"] = p.multiplier_limit;
  d["multipliers"] = p.multipliers;
  d["evaluations"] = p.evaluations;
  pb::dict ops;
  ops["multiplier"] = p.ops.multiplier;
  ops["xnor"] = p.ops.xnor;
  ops["add_sub"] = p.ops.add_sub;
  ops["zero_skipped"] = p.ops.zero_skipped;
  d["ops"] = ops;
  d["per_stream_word"] = p.per_stream_word;
  d["elements_per_call"] = p.elements_per_call;
  d["skip"] = p.skip;
  if (p.activation_param) {
    pb::dict a;
    a["type"] = p.activation_param->type.ToString();
    a["word"] = p.activation_param->word;
    a["exact"] = p.activation_param->exact;
    d["activation_param"] = a;
  } else {
    d["activation_param"] = pb::none();
  }
  pb::list tables;
  for (const ir::TablePlan& t : p.tables) {
    pb::dict e;
    e["slot"] = ir::SlotKey(t.slot);
    e["entries"] = t.entries;
    e["value_type"] = t.value_type.ToString();
    e["index_type"] = t.index_type ? pb::object(pb::str(t.index_type->ToString())) : pb::object(pb::none());
    e["index_bits"] = t.index_bits;
    tables.append(e);
  }
  d["tables"] = tables;
  d["softmax_inp_norm"] =
      p.softmax_inp_norm ? pb::object(pb::str(p.softmax_inp_norm->ToString())) : pb::object(pb::none());
  d["schedule"] = ir::ToString(p.schedule);
  d["pipeline_ii"] = p.pipeline_ii;
  d["ii_cycles"] = p.ii_cycles;
  d["latency_cycles"] = p.latency_cycles;
  pb::list w;
  for (const std::string& m : p.warnings) w.append(m);
  d["warnings"] = w;
  return d;
}

}  // namespace hlsforge::py
