// Internal: the pieces of a Verilog project around the layer modules
// (rtl_writer.cpp, rtl_project.cpp): resolved layers, the top module,
// hlsforge_rtl.json and the README.
#pragma once

#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "hlsforge/backends/rtl_backend.h"
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

/// One generated layer: types and shapes resolved as the emulator does.
struct Step {
  LayerIO io;
  Choices choices;  /// the plan and the RTL-only config keys
  std::string in_tensor, out_tensor;
};

/// A Verilog identifier for a name (non-identifier characters -> '_', a
/// leading digit or a keyword / reserved port name gets a prefix or suffix).
std::string Ident(const std::string& s);
/// Every non-Input layer of g in order, checked for the backend (kinds,
/// reuse factor, single input/output, resolved types). Errors name the layer.
StatusOr<std::vector<Step>> ResolveSteps(const ir::Graph& g);
/// The layer's netlist from its family's generator.
StatusOr<LayerRtl> BuildLayer(const Step& s);

/// The top module: one instance per layer, a data bus and a valid wire per
/// tensor.
class TopBuilder {
 public:
  TopBuilder(const ir::Graph& g, std::string top, std::string prefix);
  void AddLayer(const Step& s, const std::string& module, int stages);
  /// Completes the text and fills d's top, latency and ports.
  void Finish(RtlDesign& d);
  const std::string& text() const { return text_; }

 private:
  struct Wire {
    std::string data, valid;
    int latency = 0;
    int64_t elems = 0;
    FixedType type;
  };
  const ir::Graph& g_;
  std::string top_, prefix_, in_port_, body_, text_;
  std::map<std::string, Wire> wires_;
};

void WriteText(const std::filesystem::path& p, const std::string& text);
/// A text file written in pieces; Close() (or the destructor, silently)
/// flushes it. Throws Error naming the path when a write fails.
class TextFile {
 public:
  explicit TextFile(const std::filesystem::path& p);
  ~TextFile();
  TextFile(const TextFile&) = delete;
  TextFile& operator=(const TextFile&) = delete;
  void Write(std::string_view s);
  void Close();

 private:
  std::filesystem::path path_;
  std::FILE* f_ = nullptr;
};
nlohmann::json DesignJson(const RtlDesign& d, const RtlOptions& opt);
std::string ProjectReadme(const RtlDesign& d, const RtlOptions& opt);

}  // namespace hlsforge::backends::rtl
