// The Vitis and Catapult dialects of the HLS project writer (dialect.h).
#include "dialect.h"

#include <sstream>

#include <fmt/format.h>

namespace hlsforge::backends::detail {

Dialect Dialect::Of(const std::string& backend) {
  Dialect d;
  if (backend == "catapult") {
    d.catapult = true;
    d.family = Family::AC;
  } else if (backend != "vitis" && backend != "vivado") {
    throw Error(fmt::format("unknown backend '{}' (expected vitis, vivado or catapult)", backend));
  }
  return d;
}

// "> >": C++03 parsers (and the spelling of Catapult's own examples).
std::string Dialect::Fifo(const std::string& word) const {
  return catapult ? fmt::format("ac_channel<{} >", word) : fmt::format("hls::stream<{}>", word);
}

std::string Dialect::FifoVar(const std::string& word, const std::string& var) const {
  return catapult ? fmt::format("{} {};", Fifo(word), var) : fmt::format("{} {}(\"{}\");", Fifo(word), var, var);
}

std::string Dialect::TopDecl(bool pipelined) const {
  if (!catapult) return "";
  return pipelined ? "#pragma hls_design top\n#pragma hls_pipeline_init_interval 1\n" : "#pragma hls_design top\n";
}

std::string Dialect::TopSchedule(const std::string& ind, bool dataflow) const {
  if (catapult) return "";
  return ind + (dataflow ? "#pragma HLS DATAFLOW\n" : "#pragma HLS PIPELINE\n");
}

std::string Dialect::ProcessDecl() const { return catapult ? "#pragma hls_design\n" : ""; }
std::string Dialect::ProcessBody(const std::string& ind) const { return catapult ? "" : ind + "#pragma HLS INLINE off\n"; }

std::string Dialect::LoopPipelineBefore(const std::string& ind) const {
  return catapult ? ind + "#pragma hls_pipeline_init_interval 1\n" : "";
}
std::string Dialect::LoopPipelineInside(const std::string& ind) const {
  return catapult ? "" : ind + "#pragma HLS PIPELINE\n";
}
std::string Dialect::LoopUnrollBefore(const std::string& ind) const {
  return catapult ? ind + "#pragma hls_unroll yes\n" : "";
}
std::string Dialect::LoopUnrollInside(const std::string& ind) const {
  return catapult ? "" : ind + "#pragma HLS UNROLL\n";
}

std::string Dialect::Partition(const std::string& ind, const std::string& var) const {
  return catapult ? "" : fmt::format("{}#pragma HLS ARRAY_PARTITION variable={} complete dim=0\n", ind, var);
}

std::string Dialect::ParallelPorts(const std::string& ind, const std::string& in_vars_csv,
                                   const std::string& out_vars_csv) const {
  if (catapult) return "";
  std::ostringstream s;
  auto each = [&](const std::string& csv, const char* what) {
    std::istringstream is(csv);
    for (std::string v; std::getline(is, v, ',');) s << fmt::format("{}#pragma HLS {} variable={} complete dim=0\n", ind, what, v);
  };
  each(in_vars_csv, "ARRAY_RESHAPE");
  each(out_vars_csv, "ARRAY_PARTITION");
  s << fmt::format("{}#pragma HLS INTERFACE ap_vld port={},{}\n", ind, in_vars_csv, out_vars_csv);
  return s.str();
}

std::string Dialect::StreamPort(const std::string& ind, const std::string& var) const {
  return catapult ? "" : fmt::format("{}#pragma HLS INTERFACE axis port={}\n", ind, var);
}

std::string Dialect::StreamDepth(const std::string& ind, const std::string& var, int64_t depth) const {
  return catapult ? "" : fmt::format("{}#pragma HLS STREAM variable={} depth={}\n", ind, var, depth);
}

}  // namespace hlsforge::backends::detail
