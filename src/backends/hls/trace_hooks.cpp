// C-simulation trace hooks of the generated code (trace_hooks.h).
#include "trace_hooks.h"

#include "emitter.h"

#include <fmt/format.h>

namespace hlsforge::backends::detail {
namespace {

const char* kIf = "#if defined(HLSFORGE_CSIM_TRACE) && !defined(__SYNTHESIS__)\n";

/// A C string literal holding s.
std::string Literal(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') r.push_back('\\');
    if (static_cast<unsigned char>(c) < 0x20) c = '_';
    r.push_back(c);
  }
  return r + "\"";
}

}  // namespace

std::string TraceArrayHook(const std::string& layer, int id, const std::string& type, int64_t n,
                           const std::string& var) {
  return fmt::format("{}    nnet::trace_array<{}, {}>({}, {}, {});\n#endif\n", kIf, type, n, Literal(layer), id, var);
}

std::string TraceStreamHook(const std::string& layer, int id, const std::string& word_type, int64_t words,
                            const std::string& var) {
  return fmt::format("{}    nnet::trace_stream<{}, {}>({}, {}, {});\n#endif\n", kIf, word_type, words, Literal(layer),
                     id, var);
}

std::string TraceInclude(bool from_firmware) {
  return fmt::format("{}#include \"{}nnet_utils/trace.h\"\n#endif\n", kIf, from_firmware ? "" : "firmware/");
}

std::string TraceTbParam() { return ", const char* trace_dir"; }
std::string TraceTbBegin() {
  return "#ifdef HLSFORGE_CSIM_TRACE\n    nnet::csim_trace::get().begin(trace_dir);\n#else\n    (void)trace_dir;\n#endif\n";
}
std::string TraceTbEnd() { return "#ifdef HLSFORGE_CSIM_TRACE\n    nnet::csim_trace::get().end();\n#endif\n"; }
std::string TraceTbMainArg() { return "argc > 3 ? argv[3] : nullptr"; }

const std::string& TracedTensor(const Graph& g, const Layer& l) {
  return l.kind == LayerKind::Input && l.output.empty() ? g.inputs.at(0) : l.output;
}

nlohmann::json TraceManifestEntry(const std::string& layer, int id, const std::vector<int64_t>& shape) {
  return {{"name", layer}, {"id", id}, {"shape", shape}};
}

}  // namespace hlsforge::backends::detail
