// The Verilog project writer (rtl_backend.h): resolves every layer's types
// as the emulator does, builds each layer's netlist (one generator per
// family, rtl_layers.h), chooses its pipeline stages, prints one module per
// layer and the top module, hlsforge_rtl.json, the README and the config.
#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "hlsforge/backends/rtl_backend.h"
#include "hlsforge/util/atomic_dir.h"
#include "rtl_layers.h"
#include "rtl_project.h"

namespace hlsforge::backends {

namespace fs = std::filesystem;
using rtl::LayerIO;

namespace rtl {

std::string Ident(const std::string& s) {
  static const std::set<std::string> kKeywords = {
      "always", "and", "assign", "begin", "buf", "case", "casex", "casez", "default", "defparam", "disable", "edge",
      "else", "end", "endcase", "endfunction", "endmodule", "endtask", "event", "for", "force", "forever", "fork",
      "function", "generate", "genvar", "if", "initial", "inout", "input", "integer", "join", "localparam",
      "module", "nand", "negedge", "nor", "not", "or", "output", "parameter", "posedge", "real", "reg", "release",
      "repeat", "signed", "specify", "supply0", "supply1", "table", "task", "time", "tri", "unsigned", "wait",
      "wand", "while", "wire", "wor", "xor", "xnor", "logic", "bit", "byte", "int", "type", "class", "interface",
      "clk", "rst", "in_valid", "out_valid", "in_data", "out_data", "do", "final", "string", "alias", "const"};
  std::string r;
  for (char c : s) r += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (r.empty() || std::isdigit(static_cast<unsigned char>(r[0]))) r = "t_" + r;
  if (kKeywords.count(r)) r += "_t";
  return r;
}

StatusOr<std::vector<Step>> ResolveSteps(const ir::Graph& g) {
  const std::string gname = g.source_path.empty() ? g.name : g.source_path;
  if (g.inputs.size() != 1 || g.outputs.size() != 1)
    return Status::Fail(gname + ": the verilog backend needs exactly one graph input and one output");
  auto tensor_of = [&](const std::string& name) -> const ir::Tensor* {
    auto it = g.tensors.find(name);
    return it == g.tensors.end() ? nullptr : &it->second;
  };
  const ir::Tensor* in_t = tensor_of(g.inputs[0]);
  if (!in_t) return Status::Fail(gname + ": graph input '" + g.inputs[0] + "' has no tensor");
  const std::optional<FixedType> input_type = in_t->type;
  if (!input_type)
    return Status::Fail(gname + ": graph input '" + g.inputs[0] +
                        "': precision 'result' unresolved (run the default pass pipeline)");
  std::map<std::string, FixedType> types{{g.inputs[0], *input_type}};
  std::vector<Step> steps;
  for (const ir::Layer& l : g.layers) {
    if (l.kind == ir::LayerKind::Input) {
      if (!l.output.empty() && l.output != g.inputs[0]) types[l.output] = *input_type;
      continue;
    }
    Step s;
    s.io.g = &g;
    s.io.layer = &l;
    switch (l.kind) {
      case ir::LayerKind::Dense: case ir::LayerKind::Activation: case ir::LayerKind::Softmax:
      case ir::LayerKind::ScaleShift: case ir::LayerKind::Threshold: case ir::LayerKind::Quantize:
      case ir::LayerKind::Reshape:
        break;
      default:
        return Status::Fail(s.io.where() + ": not supported by the verilog backend (fully parallel MLP layers "
                                           "only: Dense, activations, Softmax, BatchNormalization/ScaleShift, "
                                           "thresholds, quantizers, reshapes)");
    }
    if (l.inputs.size() != 1) return Status::Fail(s.io.where() + ": needs exactly one input");
    auto ti = types.find(l.inputs[0]);
    if (ti == types.end())
      return Status::Fail(s.io.where() + ": input tensor '" + l.inputs[0] + "' is not produced before it");
    const ir::Tensor* it = tensor_of(l.inputs[0]);
    const ir::Tensor* ot = tensor_of(l.output);
    if (!it || !ot) return Status::Fail(s.io.where() + ": tensor of input or output missing");
    if (!ot->type) return Status::Fail(s.io.where() + ": output tensor '" + l.output + "': precision unresolved");
    s.io.in_type = ti->second;
    s.io.out_type = *ot->type;
    s.io.in_shape = it->shape;
    s.io.out_shape = ot->shape;
    s.io.n_in = it->size();
    s.io.n_out = ot->size();
    auto c = ChoicesFor(s.io);
    if (!c.ok()) return c.status();
    s.choices = *c;
    s.in_tensor = l.inputs[0];
    s.out_tensor = l.output;
    types[l.output] = *ot->type;
    steps.push_back(std::move(s));
  }
  if (!types.count(g.outputs[0])) return Status::Fail(gname + ": graph output '" + g.outputs[0] + "' not produced");
  if (steps.empty()) return Status::Fail(gname + ": no layer to generate");
  return steps;
}

StatusOr<LayerRtl> BuildLayer(const Step& s) {
  switch (s.io.layer->kind) {
    case ir::LayerKind::Dense: return BuildDense(s.io, s.choices);
    case ir::LayerKind::Activation: return BuildActivation(s.io, s.choices);
    case ir::LayerKind::Softmax: return BuildSoftmax(s.io, s.choices);
    case ir::LayerKind::ScaleShift: return BuildScaleShift(s.io, s.choices);
    case ir::LayerKind::Threshold: return BuildThreshold(s.io, s.choices);
    default: return BuildQuantize(s.io, s.choices);
  }
}

}  // namespace rtl

namespace {

using rtl::Step;

constexpr float kRegisterOverheadNs = 0.6f;  // clock-to-out + setup of a flip-flop

std::string TypeName(const FixedType& t) { return t.ToString(); }

}  // namespace

Status CheckRtlGraph(const ir::Graph& g) {
  auto steps = rtl::ResolveSteps(g);
  if (!steps.ok()) return steps.status();
  for (const Step& s : *steps) {  // every generator's own checks (the netlists are dropped)
    auto built = rtl::BuildLayer(s);
    if (!built.ok()) return built.status();
  }
  return Status::Ok();
}

StatusOr<RtlDesign> WriteRtlProject(const ir::Graph& g, const RtlOptions& opt, const std::string& out_dir) {
  RtlDesign d;
  Status st = CatchStatus([&] {
    if (opt.project_name.empty() || rtl::Ident(opt.project_name) != opt.project_name ||
        opt.project_name.rfind("t_", 0) == 0)
      throw Error("project name '" + opt.project_name + "' is not a Verilog identifier (letters, digits, _)");
    auto steps = rtl::ResolveSteps(g);
    if (!steps.ok()) throw Error(steps.status().message());
    const std::string prefix = opt.module_prefix.empty() ? opt.project_name + "_" : opt.module_prefix;
    const float budget = std::max(0.5f, static_cast<float>(opt.clock_period_ns) - kRegisterOverheadNs);
    Status w = WriteDirAtomically(out_dir, opt.force, [&](const fs::path& tmp) {
      fs::create_directories(tmp / "rtl");
      rtl::TopBuilder top(g, opt.project_name, prefix);
      float t_in = 0;  // arrival time at the current layer's inputs (unregistered predecessor)
      std::set<std::string> used_modules;
      for (size_t k = 0; k < steps->size(); ++k) {
        const Step& s = (*steps)[k];
        auto built = rtl::BuildLayer(s);
        if (!built.ok()) throw Error(built.status().message());
        const rtl::LayerRtl& lr = *built;
        const float T = lr.net.CriticalPath(lr.outs);
        const float t_start = t_in;
        int stages = s.choices.pipeline_stages;
        float period = 0;  // > 0: ranks continue the previous layers' spacing
        const float total = T + t_in;
        if (stages < 0 && k + 1 < steps->size()) {
          // auto: a rank each time the delay since the last one (previous
          // layers included) reaches the period's budget; what arrives after
          // the last rank carries into the next layer unregistered.
          stages = static_cast<int>(std::floor(total / budget + 0.02f));
          period = budget;
        } else if (stages < 0) {
          // the last layer registers its outputs: equal ranks meeting the budget
          stages = std::max(1, static_cast<int>(std::ceil(total / budget - 0.02f)));
        }
        t_in = period > 0 ? std::max(0.0f, total - static_cast<float>(stages) * budget) : (stages == 0 ? total : 0);
        std::string mod = prefix + rtl::Ident(s.io.layer->name);
        while (used_modules.count(mod)) mod += "_";
        used_modules.insert(mod);
        const int in_w = s.io.in_type.width(), out_w = s.io.out_type.width();
        const std::string comment = fmt::format(
            "// Layer \"{}\" ({}): {} x {} -> {} x {}\n// {}\n// {} pipeline register stage(s); estimated "
            "combinational delay {:.1f} ns\n",
            s.io.layer->name, ir::ToString(s.io.layer->kind), s.io.n_in, TypeName(s.io.in_type), s.io.n_out,
            TypeName(s.io.out_type), lr.summary, stages, T);
        {
          rtl::TextFile f(tmp / "rtl" / (mod + ".v"));
          f.Write("// Generated by hlsforge (Verilog backend).\n");
          lr.net.Emit([&](std::string_view t) { f.Write(t); }, mod, comment, static_cast<int>(s.io.n_in) * in_w,
                      lr.outs, out_w, stages, stages == 0 && period == 0 ? 0.0f : t_start, period);
          f.Close();
        }
        d.files.push_back("rtl/" + mod + ".v");
        RtlLayerInfo info;
        info.layer = s.io.layer->name;
        info.module = mod;
        info.kind = ir::ToString(s.io.layer->kind);
        info.summary = lr.summary;
        info.stages = stages;
        info.delay_ns = std::round(T * 100) / 100;
        const auto c = lr.net.Count(lr.outs);
        info.adders = c.adders;
        info.adder_bits = c.adder_bits;
        info.multipliers = c.muls;
        info.rom_reads = c.rom_reads;
        if (const ir::LayerPlan& plan = s.choices.plan; plan.has_products) {
          info.product = ir::ToString(plan.product);
          info.weights = plan.weights;
          info.zero_weights = plan.n_zeros;
        }
        d.layers.push_back(info);
        top.AddLayer(s, mod, stages);
      }
      top.Finish(d);
      rtl::WriteText(tmp / "rtl" / (opt.project_name + ".v"), top.text());
      d.files.push_back("rtl/" + opt.project_name + ".v");
      rtl::WriteText(tmp / "hlsforge_rtl.json", rtl::DesignJson(d, opt).dump(2) + "\n");
      rtl::WriteText(tmp / "README.md", rtl::ProjectReadme(d, opt));
      rtl::WriteText(tmp / "hlsforge_config.yml", opt.config_yaml);
    });
    if (!w.ok()) throw Error(w.message());
  });
  if (!st.ok()) return st;
  return d;
}

}  // namespace hlsforge::backends
