// Internal interface of the HLS project writer (hls_backend.h): one Emitter
// per project holds what the generated C++ is assembled from -- the
// typedefs (defines.h), the layer configs (parameters.h), the top function
// body and its io_stream processes, the weight arrays, the C names of every
// tensor -- and the helpers every kernel family uses to declare a layer's
// variables and emit its call. Each kernel family emits its layers in a file
// of its own, mirroring src/emu/ (emit_dense.cpp, emit_conv.cpp,
// emit_window.cpp: pooling and resize, emit_activation.cpp, emit_softmax.cpp,
// emit_merge.cpp, emit_threshold.cpp: threshold and scale-shift); the
// project files are written by project_files.cpp and testbench.cpp.
//
// The writer implements each layer's hardware plan (ir::LayerPlan: reuse and
// parallelization factors, product kind, zeros, tables) and decides none of
// it; it only checks what the kernels and simulation headers can represent
// (widths up to 64 bits, table index bits) and fails naming the layer.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "dialect.h"
#include "hlsforge/backends/hls_backend.h"

namespace hlsforge::backends::detail {

namespace fs = std::filesystem;
using ir::Graph;
using ir::Layer;
using ir::LayerKind;

[[noreturn]] void Fail(const std::string& msg);
/// "layer 'NAME' (Kind)", for messages.
std::string LayerWhere(const Layer& l);
/// A C identifier made of `s` (other characters -> '_', "t_" before a digit).
std::string Sanitize(const std::string& s);
/// The type of tensor `name` (input/output of `l`); fails when unresolved.
const FixedType& TensorType(const Graph& g, const std::string& name, const Layer& l, const char* what);
/// ir::ResolvedType(l, s); fails (naming the layer and slot) when unresolved.
FixedType NeedType(const Layer& l, ir::Slot s);
/// The param of slot `s`; fails when missing or untyped.
const ir::Param& NeedParam(const Layer& l, ir::Slot s);
/// Fails when the full-precision product / sum of a and b exceeds 64 bits.
void CheckMul(const Layer& l, const FixedType& a, const char* an, const FixedType& b, const char* bn);
void CheckAdd(const Layer& l, const FixedType& a, const char* an, const FixedType& b, const char* bn);
/// The words of a param in its own type (ir::ParamWord); fails above 53 bits
/// (the decimals written must be exact doubles).
std::vector<int64_t> QuantizeParam(const Layer& l, const ir::Param& p, const std::string& field);

/// A constant array of the project (firmware/weights/<var>.h and .txt).
struct WeightArray {
  std::string var;        ///< C name, e.g. w3
  std::string type_name;  ///< typedef name
  FixedType type;
  std::vector<int64_t> words;
  std::string layer;
  std::string field;
};

/// The C names of a layer's input(s) and output (Emitter::Declare).
/// io_stream: in_w / out_w are the stream word types (nnet::array, WordSize).
struct IoNames {
  std::string in, in_t, out, out_t, in_w, out_w;
  int64_t n_in = 0, n_out = 0;
  /// Elements per kernel call: n_in, except for an element-wise layer in
  /// io_stream, whose kernel runs once per stream word (LayerPlan::per_stream_word).
  int64_t n_elem = 0;
  bool per_word = false;
  std::string in2, in2_t, in2_w;  ///< second input (Merge)
  int64_t n_in2 = 0;
};

/// The weight and bias arrays of a dense product (Emitter::EmitDenseCore).
struct DenseCore {
  std::string weights, biases;
  int reuse_factor = 1;
};

/// Spatial geometry of a window layer: input [h, w, c] (rank 1: h = 1).
struct Geo {
  int64_t h = 1, w = 1, c = 1, oh = 1, ow = 1, oc = 1;
};

class Emitter {
 public:
  /// Plans every layer for the io type of `o` (or of `gr`): Layer::plan when
  /// it was made for that io type, else passes::PlanLayer.
  Emitter(const Graph& gr, const HlsOptions& o);
  /// Emits every layer (throws hlsforge::Error naming the layer).
  void Run();

  // ---- what the project files are written from --------------------------------
  const Graph& g;
  const HlsOptions& opt;
  /// What the backend spells differently (Vitis / Catapult: dialect.h).
  Dialect dialect;
  ir::IOType io;
  std::string top;
  std::ostringstream defines, params, body, stream_fns;
  std::vector<std::string> weight_includes;
  std::vector<WeightArray> weights;
  std::map<std::string, std::string> tensor_var;    ///< tensor -> C variable
  std::map<std::string, std::string> tensor_tname;  ///< tensor -> typedef name
  std::map<std::string, int64_t> tensor_size;
  std::vector<std::string> in_vars, out_vars;
  /// The top function's schedule (Graph::top_plan, or passes::PlanTop).
  ir::TopPlan top_plan;
  int64_t total_params = 0;

  /// Elements per io_stream word of a tensor (ir::StreamWordElements).
  int64_t WordSize(const std::string& tensor) const;
  /// "nnet::array<T, WordSize>" of a tensor.
  std::string WordType(const std::string& tensor);
  /// io_stream: every FIFO of the top function and its depth in words (the
  /// Catapult build_prj.tcl sets them by directive).
  std::vector<std::pair<std::string, int64_t>> fifo_depths;

 private:
  // ---- helpers of the kernel families (emitter.cpp) -----------------------------
  void Warn(const std::string& m);
  void Typedef(const std::string& name, const FixedType& t, const std::string& comment);
  /// Adds a weight array `<prefix><idx>` with its typedef; returns its C name.
  std::string AddWeights(const Layer& l, int idx, const std::string& prefix, const std::string& field,
                         const FixedType& t, std::vector<int64_t> words);
  int ReadCount(const std::string& t) const;
  void Clones(const std::string& t);
  std::string InVar(const Layer& l, const std::string& t);
  /// Declares the output variable of a layer (its typedef `out_type_name`).
  IoNames Declare(int idx, const Layer& l, const std::string& out_type_name, const FixedType& out_type);
  std::string Comment(const Layer& l);
  bool IsOutput(const Layer& l) const;
  void EmitCall(const Layer& l, const IoNames& n, const std::string& call);
  void EmitStreamProcess(const Layer& l, const IoNames& n, const std::string& call);
  void Layer_(int idx, const Layer& l);
  /// C simulation only: the hook recording l's output (trace_hooks.h).
  void TraceLayer(const Layer& l);
  std::string ResultTypeName(int idx, const Layer& l);

  // ---- the kernel families ---------------------------------------------------------
  DenseCore EmitDenseCore(int idx, const Layer& l, const FixedType& data, const ir::Param& w, int n_in, int n_out,
                          const std::string& struct_name);           // emit_dense.cpp
  void Dense(int idx, const Layer& l);                              // emit_dense.cpp
  Geo Geometry(const Layer& l, int rank);                           // emit_conv.cpp
  std::string GeoFields(const Geo& q, int64_t pt, int64_t pb, int64_t pl, int64_t pr, int64_t sh, int64_t sw);
  void Conv(int idx, const Layer& l);                               // emit_conv.cpp
  void Pooling(int idx, const Layer& l);                            // emit_window.cpp
  void Resize(int idx, const Layer& l);                             // emit_window.cpp
  void Merge(int idx, const Layer& l);                              // emit_merge.cpp
  void ScaleShift(int idx, const Layer& l);                         // emit_threshold.cpp
  void Threshold(int idx, const Layer& l);                          // emit_threshold.cpp
  void ActivConfig(int idx, const Layer& l, int64_t n_in, const std::string& extra);  // emit_activation.cpp
  void Linear(int idx, const Layer& l, const char* what);
  void FlattenChannelsFirst(int idx, const Layer& l);
  void Quantize(int idx, const Layer& l);
  void ElementQuantize(int idx, const Layer& l);
  void NegativeSlopeQuantize(int idx, const Layer& l);
  void Sign(int idx, const Layer& l);
  void Activation(int idx, const Layer& l);
  /// The typedef `layer<idx>_param_t` of the plan's activation param_t (`what`: alpha, slope...).
  std::string ParamTypedef(int idx, const Layer& l, const FixedType& data, const char* what);
  const ir::TablePlan& TablePlanOf(const Layer& l, ir::Slot s) const;  // emit_softmax.cpp
  void Softmax(int idx, const Layer& l);

  /// Each layer's hardware plan, and the plan of the layer being emitted.
  std::vector<ir::LayerPlan> plans;
  const ir::LayerPlan* plan = nullptr;
  /// io_stream: the stream copies of a tensor read by several layers, and how
  /// many of them are taken.
  std::map<std::string, std::vector<std::string>> copies;
  std::map<std::string, size_t> copies_used;
};

/// The tensor a C-simulation trace records for layer `l`: its output, or the
/// graph input for an Input layer without one (trace_hooks.cpp).
const std::string& TracedTensor(const Graph& g, const Layer& l);

// ---- the project files ---------------------------------------------------------------
/// Writes defines.h, parameters.h, the weights, the top function, the
/// testbench, build_prj.tcl, the config, README.md and the manifest into
/// `dir`, and copies the kernel library and simulation headers.
void WriteProjectFiles(Emitter& e, const HlsOptions& opt, const fs::path& dir);  // project_files.cpp
/// The C-simulation testbench <top>_test.cpp.
std::string TestbenchSource(Emitter& e, const std::string& ns_open, const std::string& ns_close,
                            const std::string& ns);                               // testbench.cpp
void WriteFile(const fs::path& p, const std::string& text);                       // project_files.cpp
/// The Catapult HLS build_prj.tcl of a project (catapult_tcl.cpp).
std::string CatapultBuildTcl(const Emitter& e, const HlsOptions& opt);
/// tb_data/tb_input_features.dat (HlsOptions::tb_input or deterministic
/// samples) and tb_data/tb_output_predictions.dat (the emulator's outputs).
void WriteTbData(Emitter& e, const HlsOptions& opt, const fs::path& dir);          // testbench.cpp

/// Where the HLS kernel library, the simulation headers and fixed_core.h are
/// read from (hls_writer.cpp: the one place that knows).
struct LibraryPaths {
  fs::path kernels, sim_headers, fixed_core;
};
LibraryPaths HlsLibraryPaths();

}  // namespace hlsforge::backends::detail
