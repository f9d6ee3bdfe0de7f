// The HLS dialects the project writer (emitter.h) speaks: Vitis HLS / Vivado
// HLS (ap_fixed, hls::stream, `#pragma HLS ...`) and Catapult HLS (ac_fixed,
// ac_channel, `#pragma hls_...`). The writer and the emitters are shared; the
// dialect only spells what differs: the FIFO type, the type family the
// project's types must be in, and the pragmas. Each pragma helper returns
// whole lines (indented by `ind`, ending in "\n") or "" where the dialect has
// no such pragma (Catapult sets array mapping and FIFO depths by directives:
// build_prj.tcl).
// Pragma spellings: Vitis HLS user guide UG1399 ("HLS Pragmas"); Catapult HLS
// user and reference manuals (pragmas hls_design, hls_pipeline_init_interval,
// hls_unroll).
#pragma once

#include <cstdint>
#include <string>

#include "hlsforge/fixed/fixed_type.h"

namespace hlsforge::backends::detail {

struct Dialect {
  bool catapult = false;
  /// The family of every type of a project of this dialect.
  Family family = Family::AP;

  /// The dialect of HlsOptions::backend ("vitis", "vivado", "catapult");
  /// throws hlsforge::Error for another name.
  static Dialect Of(const std::string& backend);

  /// The FIFO type of an io_stream word: hls::stream<W> / ac_channel<W >.
  std::string Fifo(const std::string& word) const;
  /// The declaration of a FIFO variable (Vitis: named after the variable).
  std::string FifoVar(const std::string& word, const std::string& var) const;

  /// Before the top function: Catapult `hls_design top` (and, for a
  /// pipelined top, `hls_pipeline_init_interval 1`); Vitis: nothing.
  std::string TopDecl(bool pipelined) const;
  /// Inside the top function: Vitis PIPELINE or DATAFLOW (Graph::top_plan);
  /// Catapult: nothing (TopDecl).
  std::string TopSchedule(const std::string& ind, bool dataflow) const;
  /// Before a dataflow process function: Catapult `hls_design` (a block of
  /// the hierarchy); inside it: Vitis `INLINE off`.
  std::string ProcessDecl() const;
  std::string ProcessBody(const std::string& ind) const;
  /// A loop pipelined at II 1: the line before the loop (Catapult) and the
  /// line opening its body (Vitis).
  std::string LoopPipelineBefore(const std::string& ind) const;
  std::string LoopPipelineInside(const std::string& ind) const;
  /// A fully unrolled loop (Catapult `hls_unroll yes`, Vitis UNROLL): the
  /// line before the loop and the line opening its body.
  std::string LoopUnrollBefore(const std::string& ind) const;
  std::string LoopUnrollInside(const std::string& ind) const;
  /// An array of registers (Vitis ARRAY_PARTITION complete; Catapult: none).
  std::string Partition(const std::string& ind, const std::string& var) const;
  /// The ports of the io_parallel top (Vitis ARRAY_RESHAPE / PARTITION and
  /// ap_vld); of the io_stream top (Vitis axis). Catapult: none.
  std::string ParallelPorts(const std::string& ind, const std::string& in_vars_csv,
                            const std::string& out_vars_csv) const;
  std::string StreamPort(const std::string& ind, const std::string& var) const;
  /// A FIFO's depth (Vitis STREAM depth; Catapult: FIFO_DEPTH directive in
  /// build_prj.tcl).
  std::string StreamDepth(const std::string& ind, const std::string& var, int64_t depth) const;
};

}  // namespace hlsforge::backends::detail
