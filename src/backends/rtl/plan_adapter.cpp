// The Verilog backend's hardware decisions, read in one place: reuse factor,
// pipeline stages and the multiplier style of a layer, and whether one
// constant product becomes a DSP. When the IR carries a lowered hardware
// plan, these functions read it instead of the layer config.
#include "rtl_layers.h"

namespace hlsforge::backends::rtl {

LayerPlan PlanFor(const ir::Layer& l) {
  LayerPlan p;
  p.reuse_factor = l.config.reuse_factor;
  p.pipeline_stages = l.config.pipeline_stages;
  p.multiplier = l.config.multiplier;
  return p;
}

bool UseDsp(const LayerPlan& p, int data_bits, i128 k) {
  switch (p.multiplier) {
    case ir::MultiplierStyle::Lut: return false;
    case ir::MultiplierStyle::Dsp: return data_bits > 1 && k != 0 && (k & (k - 1)) != 0 && (-k & (-k - 1)) != 0;
    case ir::MultiplierStyle::Auto: break;
  }
  // shift-and-add needs (nonzero CSD digits - 1) adders of about data_bits bits
  return data_bits >= 10 && Csd(k).size() >= 5;
}

bool UseDspForVariables(const LayerPlan& p) { return p.multiplier != ir::MultiplierStyle::Lut; }

}  // namespace hlsforge::backends::rtl
