// hlsforge._core: the Python extension (pybind11). A thin layer over the
// library functions the command line calls (src/cli, src/flow): loading and
// configuring a model (flow::LoadConfiguredModel), the bit-exact emulator
// (emu::Predict / emu::Trace), the summary (report::Summarize), the hardware
// plan (Layer::plan), the HLS / Verilog writers and the C simulation.
// The Python package (python/hlsforge/*.py) builds hls4ml's API on it.
//
// Arrays: numpy float32/float64 in ([N, features...], channels-last, or flat
// [N, size] rows, as `hlsforge predict` reads .npy files: cli::FitInput),
// float64 out (the emulator's exact values). The GIL is released while the
// emulator or the C simulation runs. Errors: hlsforge.Error (a subclass of
// RuntimeError and ValueError) with the located message the CLI prints.
#include <pybind11/stl.h>

#include <cmath>
#include <memory>
#include <optional>
#include <thread>

#include "commands.h"
#include "nonfinite.h"
#include "hlsforge/backends/hls_backend.h"
#include "hlsforge/backends/rtl_backend.h"
#include "hlsforge/emu/emulator.h"
#include "hlsforge/emu/numerics.h"
#include "hlsforge/emu/predict_blocks.h"
#include "hlsforge/flow/flow.h"
#include "hlsforge/ir/config.h"
#include "hlsforge/report/profile_report.h"
#include "hlsforge/report/suggest_config.h"
#include "pyconvert.h"

namespace hlsforge::py {
namespace {

using cli::ValueOrThrow;
using cli::ThrowIfError;

/// A loaded, configured model whose passes have run: what the emulator, the
/// reports and the backends take.
struct Model {
  std::shared_ptr<const ir::Graph> g;
  std::string config_yaml;  ///< the config applied (copied into written projects)
};

/// The hls_config argument: None (the default config of the model, as the
/// CLI without -c), a dict (hls4ml layout) or a str naming a YAML file.
std::optional<ir::ModelConfig> ConfigArg(pb::handle cfg, std::string* yaml) {
  if (cfg.is_none()) return std::nullopt;
  if (pb::isinstance<pb::str>(cfg)) {
    ir::ModelConfig c = ValueOrThrow(ir::LoadConfig(cfg.cast<std::string>()));
    *yaml = c.yaml_text;
    return c;
  }
  *yaml = DictToYaml(cfg, "hls_config");
  return ValueOrThrow(ir::ParseConfig(*yaml, "hls_config"));
}

flow::Options LoadOptions(const std::string& weights, const std::string& io_type,
                          std::optional<std::vector<std::string>> passes) {
  flow::Options opt;
  opt.weights_path = weights;
  if (io_type == "io_stream") opt.io_type = ir::IOType::Stream;
  else if (io_type == "io_parallel") opt.io_type = ir::IOType::Parallel;
  else if (!io_type.empty())
    throw Error("io_type '" + io_type + "' not accepted: expected 'io_parallel' or 'io_stream'");
  opt.passes = std::move(passes);
  return opt;
}

Model Load(const std::string& path, pb::handle hls_config, const std::string& weights, const std::string& io_type,
           std::optional<std::vector<std::string>> passes) {
  const flow::Options opt = LoadOptions(weights, io_type, std::move(passes));
  std::string yaml;
  std::optional<ir::ModelConfig> cfg = ConfigArg(hls_config, &yaml);
  Model m;
  {
    pb::gil_scoped_release nogil;
    ir::Graph g = cfg ? ValueOrThrow(flow::LoadConfiguredModel(path, *cfg, opt))
                      : ValueOrThrow(flow::LoadConfiguredModel(path, std::string(), opt));
    m.g = std::make_shared<const ir::Graph>(std::move(g));
  }
  m.config_yaml = cfg ? yaml : "# default configuration (no hls_config given)\n" + ir::DefaultConfig().yaml_text;
  return m;
}

/// hlsforge config MODEL --granularity G, as a dict.
pb::object ConfigFromModel(const std::string& path, const std::string& granularity, const std::string& weights) {
  std::string yaml;
  {
    pb::gil_scoped_release nogil;
    // Names as in the source model (no passes), so the config applies to it.
    ir::Graph g = ValueOrThrow(flow::LoadModel(path, weights));
    yaml = ValueOrThrow(ir::GenerateConfig(g, granularity));
  }
  return YamlToDict(yaml, path + " <generated config>");
}

/// The input array fitted to the model input (cli::FitInput: the CLI's rules
/// and message), non-finite values reported as the CLI does.
NDArray Input(const Model& m, pb::handle x) {
  NDArray a = ArrayFromPython(x, "input array");
  ThrowIfError(cli::FitInput(*m.g, a, "input array"));
  cli::WarnNonFinite(a, "input array");
  return a;
}

emu::Options EmuOptions(bool float_mode, int threads) {
  if (threads < 0) throw Error("threads must be >= 0 (0 = all cores), got " + std::to_string(threads));
  emu::Options o;
  o.float_mode = float_mode;
  o.threads = threads;
  return o;
}

/// predict: a batch [N, ...] (2 or more dimensions) is read in place, without
/// a whole-array copy, and predicted by emu::PredictBlocks (as `hlsforge
/// predict` streams a .npy; same values bit for bit) on `threads` contiguous
/// row ranges at once (0 = all cores), each range's blocks converted,
/// predicted and written straight into the float64 result by its own thread
/// (so conversion and copies run in parallel too), the GIL released. A
/// single sample (1-d array) takes the whole-array path (Input).
pb::array Predict(const Model& m, pb::handle x, bool float_mode, int threads) {
  emu::Options o = EmuOptions(float_mode, threads);
  pb::array arr = CheckedArray(x, "input array");
  if (arr.ndim() < 2) {
    NDArray a = Input(m, arr);
    NDArray y;
    {
      pb::gil_scoped_release nogil;
      y = ValueOrThrow(emu::Predict(*m.g, a, o));
      cli::ToSourceLayout(*m.g, y);
    }
    return ArrayToPython(std::move(y));
  }
  NdArrayView view;
  view.data = arr.data();
  view.descr = arr.itemsize() == 8 ? "<f8" : "<f4";
  for (pb::ssize_t i = 0; i < arr.ndim(); ++i) view.shape.push_back(arr.shape(i));
  // The per-sample shape decides FitInput's outcome (its message names the
  // whole shape): checked once on an empty probe.
  NDArray probe;
  probe.shape = view.shape;
  if (!cli::FitInput(*m.g, probe, "input array").ok()) {
    probe.shape[0] = 0;
    ThrowIfError(cli::FitInput(*m.g, probe, "input array"));
  }
  const int64_t n = view.rows(), in_row = view.row_size();
  const size_t item = static_cast<size_t>(arr.itemsize());
  NDArray y;
  std::vector<int64_t> nonfinite(3, 0);  // NaN, +Inf, -Inf
  {
    pb::gil_scoped_release nogil;
    auto prepare = [&m](int64_t* counts) {
      return [&m, counts](int64_t, NDArray& b) {
        for (double v : b.data)
          if (!std::isfinite(v)) ++counts[std::isnan(v) ? 0 : (v > 0 ? 1 : 2)];
        return cli::FitInput(*m.g, b, "input array");
      };
    };
    // The output's per-sample shape (source layout): an empty prediction.
    NdArrayView none = view;
    none.shape[0] = 0;
    ThrowIfError(emu::PredictBlocks(*m.g, none, o, [&](int64_t, NDArray& b) {
      cli::ToSourceLayout(*m.g, b);
      y.shape = b.shape;
      return Status::Ok();
    }, {}, "input array"));
    y.shape[0] = n;
    const int64_t out_row = y.row_size();
    y.data.resize(static_cast<size_t>(n * out_row));
    const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(
        n / 1024, threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency())));
    std::vector<Status> status(static_cast<size_t>(parts), Status::Ok());
    std::vector<std::vector<int64_t>> counts(static_cast<size_t>(parts), std::vector<int64_t>(3, 0));
    auto run = [&](int64_t k) {
      const int64_t first = n * k / parts, last = n * (k + 1) / parts;
      NdArrayView part = view;
      part.data = static_cast<const char*>(view.data) + static_cast<size_t>(first * in_row) * item;
      part.shape[0] = last - first;
      emu::Options po = o;
      po.threads = 1;
      emu::BlockOptions bo;
      bo.prepare = prepare(counts[static_cast<size_t>(k)].data());
      status[static_cast<size_t>(k)] = emu::PredictBlocks(*m.g, part, po, [&](int64_t r, NDArray& b) {
        cli::ToSourceLayout(*m.g, b);
        std::copy(b.data.begin(), b.data.end(), y.data.begin() + (first + r) * out_row);
        return Status::Ok();
      }, bo, "input array");
    };
    std::vector<std::thread> pool;
    for (int64_t k = 1; k < parts; ++k) pool.emplace_back(run, k);
    run(0);
    for (std::thread& t : pool) t.join();
    for (const Status& st : status) ThrowIfError(st);
    for (const auto& c : counts)
      for (int i = 0; i < 3; ++i) nonfinite[static_cast<size_t>(i)] += c[static_cast<size_t>(i)];
  }
  cli::WarnNonFiniteCounts(nonfinite[0], nonfinite[1], nonfinite[2], "input array");
  return ArrayToPython(std::move(y));
}

pb::dict Trace(const Model& m, pb::handle x, bool float_mode, int threads) {
  NDArray a = Input(m, x);
  const emu::Options o = EmuOptions(float_mode, threads);
  std::map<std::string, NDArray> t;
  {
    pb::gil_scoped_release nogil;
    t = ValueOrThrow(emu::Trace(*m.g, a, o));
  }
  // Layer order (emu::Trace's map is sorted by name).
  pb::dict d;
  for (const ir::Layer& l : m.g->layers) {
    auto it = t.find(l.name);
    if (it != t.end()) d[pb::str(l.name)] = ArrayToPython(std::move(it->second));
  }
  return d;
}

void WriteProject(const Model& m, const std::string& out_dir, const std::string& backend, const std::string& part,
                  double clock_period, const std::string& project, bool force, pb::handle tb_input) {
  if (!(clock_period > 0)) throw Error("clock_period must be > 0 ns, got " + std::to_string(clock_period));
  std::optional<NDArray> tb;
  if (!tb_input.is_none()) tb = Input(m, tb_input);
  pb::gil_scoped_release nogil;
  if (backend == "verilog") {
    backends::RtlOptions o;
    o.project_name = project;
    o.clock_period_ns = clock_period;
    o.force = force;
    o.config_yaml = m.config_yaml;
    ValueOrThrow(backends::WriteRtlProject(*m.g, o, out_dir));
    return;
  }
  backends::HlsOptions o;
  o.backend = backend;
  o.part = part;
  o.clock_period_ns = clock_period;
  o.project_name = project;
  o.force = force;
  o.config_yaml = m.config_yaml;
  o.tb_input = std::move(tb);
  ThrowIfError(backends::WriteHlsProject(*m.g, o, out_dir));
}

/// RunCsim of a written project on x; with `trace`, also every layer's
/// output of the C simulation: (y, {layer: array}) instead of y.
pb::object Csim(const Model& m, const std::string& project_dir, pb::handle x, bool trace, bool rebuild) {
  NDArray a = Input(m, x);
  backends::CsimOptions co;
  co.force_rebuild = rebuild;
  std::vector<std::map<std::string, NDArray>> traces;
  if (trace) co.traces = &traces;
  NDArray y;
  {
    pb::gil_scoped_release nogil;
    y = ValueOrThrow(backends::RunCsim(project_dir, a, co));
    // RunCsim returns [rows, outputs]: given the shape and layout predict gives.
    if (m.g->outputs.size() == 1) {
      const std::vector<int64_t>& os = m.g->tensor(m.g->outputs[0]).shape;
      int64_t n = 1;
      for (int64_t d : os) n *= d;
      if (n == y.row_size()) {
        std::vector<int64_t> shape{y.rows()};
        shape.insert(shape.end(), os.begin(), os.end());
        y.shape = shape;
        cli::ToSourceLayout(*m.g, y);
      }
    }
  }
  pb::array ya = ArrayToPython(std::move(y));
  if (!trace) return ya;
  pb::dict d;
  for (const ir::Layer& l : m.g->layers) {
    auto it = traces.at(0).find(l.name);
    if (it != traces.at(0).end()) d[pb::str(l.name)] = ArrayToPython(std::move(it->second));
  }
  return pb::make_tuple(ya, d);
}

pb::dict Plan(const Model& m) {
  pb::dict d;
  for (const ir::Layer& l : m.g->layers) d[pb::str(l.name)] = l.plan ? pb::object(PlanToDict(*l.plan)) : pb::none();
  return d;
}

/// Per layer: its kind, the resolved precisions of its slots and its params'
/// float values (for the numerical profile).
pb::list Layers(const Model& m) {
  pb::list out;
  for (const ir::Layer& l : m.g->layers) {
    pb::dict e;
    e["name"] = l.name;
    e["kind"] = ir::ToString(l.kind);
    e["inputs"] = l.inputs;
    e["output"] = l.output;
    pb::dict prec;
    for (int s = static_cast<int>(ir::Slot::Default); s <= static_cast<int>(ir::Slot::InpNorm); ++s)
      if (auto t = ir::ResolvedType(l, static_cast<ir::Slot>(s)))
        prec[pb::str(ir::SlotKey(static_cast<ir::Slot>(s)))] = t->ToString();
    auto ot = m.g->tensors.find(l.output);
    if (ot != m.g->tensors.end() && ot->second.type) prec["result"] = ot->second.type->ToString();
    e["precision"] = prec;
    pb::dict params;
    for (const auto& [key, p] : l.params) {
      NDArray v{p.shape, p.values};
      if (v.shape.empty()) v.shape = {static_cast<int64_t>(p.values.size())};
      params[pb::str(key)] = ArrayToPython(std::move(v));
    }
    e["params"] = params;
    out.append(e);
  }
  return out;
}

/// The range of a precision spelling: (min, max, lsb) of its values.
pb::tuple TypeRange(const std::string& type) {
  FixedType t = ValueOrThrow(FixedType::Parse(type));
  return pb::make_tuple(t.min_value(), t.max_value(), std::ldexp(1.0, t.integer() - t.width()));
}

pb::list CountsToList(const std::vector<emu::TensorCounts>& c) {
  pb::list out;
  for (const emu::TensorCounts& t : c) {
    pb::dict e;
    e["layer"] = t.layer;
    e["tensor"] = t.tensor;
    e["type"] = t.type;
    e["values"] = t.values;
    e["wrapped"] = t.wrapped;
    e["saturated"] = t.saturated;
    e["rounded_to_zero"] = t.rounded_to_zero;
    e["min"] = t.min;
    e["max"] = t.max;
    e["exact"] = t.exact;
    const std::optional<FixedType> s = emu::SuggestResultType(t);
    e["suggested"] = s ? pb::object(pb::str(s->ToConfigString())) : pb::object(pb::none());
    out.append(e);
  }
  return out;
}

pb::list Numerics(const Model& m, pb::handle x, int threads) {
  NDArray a = Input(m, x);
  std::vector<emu::TensorCounts> c;
  {
    pb::gil_scoped_release nogil;
    c = ValueOrThrow(emu::CountNumerics(*m.g, a));
  }
  return CountsToList(c);
}

/// report::SuggestConfig for the model `m` was loaded as (path, hls_config,
/// weights, io_type as for load): a dict with yaml, config (the dict),
/// changes [(layer, from, to)], not_settable, counts (under the suggested
/// config), rounds, converged.
pb::dict SuggestConfig(const Model& m, const std::string& path, pb::handle hls_config, const std::string& weights,
                       const std::string& io_type, pb::handle x, int max_rounds) {
  NDArray a = Input(m, x);
  const flow::Options opt = LoadOptions(weights, io_type, std::nullopt);
  std::string yaml;
  std::optional<ir::ModelConfig> cfg = ConfigArg(hls_config, &yaml);
  report::ConfigSuggestion s;
  {
    pb::gil_scoped_release nogil;
    s = ValueOrThrow(report::SuggestConfig(path, cfg, opt, a, max_rounds));
  }
  pb::dict d;
  d["yaml"] = s.yaml;
  d["config"] = YamlToDict(s.yaml, path + " <suggested config>");
  pb::list changes;
  for (const report::TypeChange& c : s.changes) changes.append(pb::make_tuple(c.layer, c.from, c.to));
  d["changes"] = changes;
  d["not_settable"] = s.not_settable;
  d["counts"] = CountsToList(s.counts);
  d["rounds"] = s.rounds;
  d["converged"] = s.converged;
  return d;
}

/// report::WriteProfileReport of the model on x into `dir`.
void ProfileReport(const Model& m, pb::handle x, const std::string& dir, const std::string& data_name) {
  NDArray a = Input(m, x);
  pb::gil_scoped_release nogil;
  const std::vector<emu::TensorCounts> c = ValueOrThrow(emu::CountNumerics(*m.g, a));
  ThrowIfError(report::WriteProfileReport(dir, *m.g, c, {}, data_name));
}

}  // namespace
}  // namespace hlsforge::py

PYBIND11_MODULE(_core, m) {
  namespace pb = pybind11;
  using namespace hlsforge::py;
  m.doc() = "hlsforge C++ core (bit-exact emulator, HLS/Verilog writers); use the package hlsforge";
  static pb::handle error = PyErr_NewExceptionWithDoc(
      "hlsforge.Error", "An hlsforge error: the message names the file, layer or field, as the CLI prints it.",
      pb::make_tuple(pb::handle(PyExc_RuntimeError), pb::handle(PyExc_ValueError)).release().ptr(), nullptr);
  m.attr("Error") = error;
  pb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const hlsforge::Error& e) {
      PyErr_SetString(error.ptr(), e.what());
    }
  });

  pb::class_<Model>(m, "Model", "A configured model, ready for the emulator and the writers")
      .def("predict", &Predict, pb::arg("x"), pb::arg("float_mode") = false, pb::arg("threads") = 0)
      .def("trace", &Trace, pb::arg("x"), pb::arg("float_mode") = false, pb::arg("threads") = 0)
      .def("write", &WriteProject, pb::arg("output_dir"), pb::arg("backend"), pb::arg("part"),
           pb::arg("clock_period"), pb::arg("project_name"), pb::arg("force"), pb::arg("tb_input") = pb::none())
      .def("csim", &Csim, pb::arg("project_dir"), pb::arg("x"), pb::arg("trace") = false, pb::arg("rebuild") = false)
      .def("summary", [](const Model& mo) { return SummaryToDict(hlsforge::report::Summarize(*mo.g)); })
      .def("summary_text",
           [](const Model& mo) { return hlsforge::report::FormatSummary(hlsforge::report::Summarize(*mo.g)); })
      .def("plan", &Plan)
      .def("layers", &Layers)
      .def("numerics", &Numerics, pb::arg("x"), pb::arg("threads") = 0)
      .def("profile_report", &ProfileReport, pb::arg("x"), pb::arg("dir"), pb::arg("data_name") = "the input array")
      .def_property_readonly("config_yaml", [](const Model& mo) { return mo.config_yaml; })
      .def_property_readonly("name", [](const Model& mo) { return mo.g->name; })
      .def_property_readonly("input_shape", [](const Model& mo) { return hlsforge::cli::InputShape(*mo.g); })
      .def_property_readonly("io_type", [](const Model& mo) {
        return mo.g->io_type == hlsforge::ir::IOType::Stream ? "io_stream" : "io_parallel";
      });
  m.def("load", &Load, pb::arg("path"), pb::arg("hls_config") = pb::none(), pb::arg("weights") = "",
        pb::arg("io_type") = "", pb::arg("passes") = pb::none());
  m.def("config_from_model", &ConfigFromModel, pb::arg("path"), pb::arg("granularity") = "name",
        pb::arg("weights") = "");
  m.def("type_range", &TypeRange, pb::arg("type"));
  m.def("suggest_config", &SuggestConfig, pb::arg("model"), pb::arg("path"), pb::arg("hls_config"),
        pb::arg("weights"), pb::arg("io_type"), pb::arg("x"), pb::arg("max_rounds") = 16);
  m.def("trace_file_name", &hlsforge::cli::TraceFileName, pb::arg("layer"));
}
