// The Verilog backend's hardware decisions, read in one place: the layer's
// hardware plan (lower_hardware, ir/hw_plan.h) and the two config keys only
// this backend reads (PipelineStages, Multiplier), and whether one constant
// product becomes a DSP.
#include <algorithm>

#include "hlsforge/passes/pass.h"
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

StatusOr<Choices> ChoicesFor(const LayerIO& io) {
  const ir::Layer& l = *io.layer;
  Choices c;
  // a graph that did not run lower_hardware: the same rules, computed here
  c.plan = l.plan ? *l.plan : passes::PlanLayer(*io.g, l, io.g->io_type);
  const ir::LayerPlan& p = c.plan;
  if (p.io_type != ir::IOType::Parallel)
    return Status::Fail(io.where() + ": planned for io_stream; the verilog backend builds io_parallel designs "
                                     "(every layer fully parallel, II = 1): set IOType: io_parallel");
  if (p.reuse_factor != 1)
    return Status::Fail(io.where() + ": reuse factor " + std::to_string(p.reuse_factor) +
                        (p.requested_reuse_factor != p.reuse_factor
                             ? " (requested " + std::to_string(p.requested_reuse_factor) + ")"
                             : std::string()) +
                        " not supported by the verilog backend: it builds every layer fully parallel (II = 1); "
                        "set ReuseFactor: 1");
  c.pipeline_stages = l.config.pipeline_stages;
  c.multiplier = l.config.multiplier;
  return c;
}

StatusOr<ir::TablePlan> PlannedTable(const LayerIO& io, const Choices& c, ir::Slot slot, int64_t entries,
                                     const std::optional<fx::Format>& index) {
  const auto& ts = c.plan.tables;
  auto it = std::find_if(ts.begin(), ts.end(), [&](const ir::TablePlan& t) { return t.slot == slot; });
  const std::string what = io.where() + ": table '" + ir::SlotKey(slot) + "'";
  if (it == ts.end()) return Status::Fail("internal: " + what + " is not in the layer's hardware plan");
  auto same = [](const fx::Format& a, const fx::Format& b) {
    return a.w == b.w && a.i == b.i && a.s == b.s && a.q == b.q && a.o == b.o;
  };
  const bool index_ok = it->index_type.has_value() == index.has_value() &&
                        (!index || same(emu::detail::Fmt(*it->index_type), *index));
  if (it->entries != entries || !index_ok || (int64_t{1} << it->index_bits) < entries)
    return Status::Fail("internal: " + what + ": the hardware plan (" + std::to_string(it->entries) +
                        " entries, index " + (it->index_type ? it->index_type->ToString() : "scaled input") +
                        ") differs from the emulator's table (" + std::to_string(entries) + " entries)");
  return *it;
}

bool UseDsp(const Choices& c, int data_bits, i128 k) {
  switch (c.multiplier) {
    case ir::MultiplierStyle::Lut: return false;
    case ir::MultiplierStyle::Dsp: return data_bits > 1 && k != 0 && (k & (k - 1)) != 0 && (-k & (-k - 1)) != 0;
    case ir::MultiplierStyle::Auto: break;
  }
  // shift-and-add needs (nonzero CSD digits - 1) adders of about data_bits bits
  return data_bits >= 10 && Csd(k).size() >= 5;
}

bool UseDspForVariables(const Choices& c) { return c.multiplier != ir::MultiplierStyle::Lut; }

}  // namespace hlsforge::backends::rtl
