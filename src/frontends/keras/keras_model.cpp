// Keras model description (model.to_json(), the `model_config` attribute of
// a full-model .h5, config.json of a .keras) -> KModel: layers in order with
// their class, name, config and inbound layer names. Sequential models get
// their chain (and an implicit InputLayer) made explicit.
#include <functional>

#include "keras_builder.h"

namespace hlsforge::frontends::keras {
namespace {

/// Inbound layer names of one Functional layer (Keras 2 and Keras 3 forms).
std::vector<std::string> Inbound(const json& layer, const std::string& where) {
  std::vector<std::string> out;
  const json* nodes = Get(layer, "inbound_nodes");
  if (!nodes) return out;
  if (!nodes->is_array()) throw Error(where + ": bad inbound_nodes");
  if (nodes->size() > 1) throw Error(where + ": layer called more than once (shared layers) unsupported");
  for (const json& node : *nodes) {
    if (node.is_array()) {  // Keras 2: [[name, node_index, tensor_index, kwargs], ...]
      for (const json& t : node)
        if (t.is_array() && !t.empty() && t[0].is_string()) out.push_back(t[0].get<std::string>());
    } else if (node.is_object()) {  // Keras 3: {"args": [keras_tensor...], "kwargs": {}}
      std::function<void(const json&)> walk = [&](const json& v) {
        if (v.is_object()) {
          if (v.value("class_name", "") == "__keras_tensor__") {
            const json& h = v["config"]["keras_history"];
            if (h.is_array() && !h.empty()) out.push_back(h[0].get<std::string>());
            return;
          }
          for (const auto& [k, x] : v.items()) walk(x);
        } else if (v.is_array()) {
          for (const json& x : v) walk(x);
        }
      };
      if (node.contains("args")) walk(node["args"]);
    }
  }
  return out;
}

}  // namespace

KModel ParseModel(const json& top, const std::string& where) {
  KModel m;
  if (!top.is_object() || !top.contains("class_name") || !top.contains("config"))
    throw Error(where + ": not a Keras model description (no class_name/config)");
  std::string cls = top["class_name"].get<std::string>();
  m.keras3 = top.contains("module") || (top.contains("keras_version") && top["keras_version"].is_string() &&
                                        top["keras_version"].get<std::string>().rfind("3", 0) == 0);
  const json& cfg = top["config"];
  const json* layers = cfg.is_array() ? &cfg : Get(cfg, "layers");
  if (!layers || !layers->is_array()) throw Error(where + ": model config has no 'layers' list");
  bool sequential = cls == "Sequential";
  if (!sequential && cls != "Model" && cls != "Functional")
    throw Error(where + ": unsupported model class '" + cls + "' (Sequential, Model, Functional)");
  for (const json& l : *layers) {
    KLayer k;
    if (!l.is_object() || !l.contains("class_name")) throw Error(where + ": malformed layer entry");
    k.cls = l["class_name"].get<std::string>();
    k.config = l.contains("config") ? l["config"] : json::object();
    if (l.contains("name") && l["name"].is_string()) k.name = l["name"].get<std::string>();
    else if (k.config.contains("name") && k.config["name"].is_string()) k.name = k.config["name"].get<std::string>();
    else throw Error(where + ": layer of class '" + k.cls + "' has no name");
    if (k.cls == "Sequential" || k.cls == "Model" || k.cls == "Functional")
      throw Error(where + ": layer \"" + k.name + "\": nested models (class '" + k.cls + "') unsupported");
    if (!sequential) k.inbound = Inbound(l, where + ": layer \"" + k.name + "\"");
    m.layers.push_back(std::move(k));
  }
  if (m.layers.empty()) throw Error(where + ": model has no layers");
  if (sequential) {
    // chain: first layer reads the (possibly implicit) input
    for (size_t i = 1; i < m.layers.size(); ++i) m.layers[i].inbound = {m.layers[i - 1].name};
    m.outputs = {m.layers.back().name};
    // implicit input layer
    if (m.layers[0].cls != "InputLayer") {
      const json& c0 = m.layers[0].config;
      const json* bis = Get(c0, "batch_input_shape");
      if (!bis) bis = Get(c0, "batch_shape");
      json shape;
      if (bis) shape = *bis;
      else if (const json* b = Get(cfg, "build_input_shape")) shape = *b;
      else if (top.contains("build_config") && Get(top["build_config"], "input_shape"))
        shape = top["build_config"]["input_shape"];
      else
        throw Error(where + ": Sequential model without an input shape (no batch_input_shape on layer \"" +
                    m.layers[0].name + "\")");
      KLayer in;
      in.cls = "InputLayer";
      in.name = m.layers[0].name + "_input";  // Keras' name for the implicit input
      in.config = json{{"batch_input_shape", shape}, {"name", in.name}};
      m.layers[0].inbound = {in.name};
      m.layers.insert(m.layers.begin(), in);
    }
  } else {
    const json* outs = Get(cfg, "output_layers");
    if (!outs || !outs->is_array() || outs->empty()) throw Error(where + ": functional model without output_layers");
    if ((*outs)[0].is_string()) m.outputs.push_back((*outs)[0].get<std::string>());  // Keras 3 single output
    else
      for (const json& o : *outs)
        if (o.is_array() && !o.empty() && o[0].is_string()) m.outputs.push_back(o[0].get<std::string>());
  }
  return m;
}

}  // namespace hlsforge::frontends::keras
