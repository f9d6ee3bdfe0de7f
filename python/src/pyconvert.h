// Conversions between Python objects and hlsforge's C++ values, for the
// extension module hlsforge._core (module.cpp):
//   * config dicts <-> the hls4ml-layout YAML text (ir::ParseConfig reads it);
//   * numpy arrays <-> NDArray (row-major doubles);
//   * the model summary and the hardware plan -> plain dicts and lists.
// Errors are thrown as hlsforge::Error, which the module maps to the Python
// exception hlsforge.Error.
#pragma once

#include <string>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "hlsforge/ir/graph.h"
#include "hlsforge/report/summary.h"
#include "hlsforge/util/ndarray.h"

namespace hlsforge::py {

namespace pb = pybind11;

/// A config dict (hls4ml's layout: Model / LayerType / LayerName) as YAML
/// text. Keys must be str; values str, int, float, bool, None, dict, list or
/// tuple. Error names `what` and the key path of a value of another type.
std::string DictToYaml(pb::handle config, const std::string& what);
/// YAML text -> nested dicts/lists; scalars become int, float or bool when
/// they read as one (ReuseFactor: 1 -> 1, TraceOutput: false -> False),
/// str otherwise ("fixed<16,6>", "auto", "Latency").
pb::object YamlToDict(const std::string& yaml_text, const std::string& what);

/// A numpy array (or anything numpy.asarray accepts) of float32/float64
/// values, C-contiguous in native byte order (a copy only when it is not).
/// Error: another dtype (names `what` and the dtype).
pb::array CheckedArray(pb::handle x, const std::string& what);

/// A numpy array (or anything numpy.asarray accepts) of float32/float64 values
/// as an NDArray of doubles (one copy). Error: another dtype (names `what`
/// and the dtype).
NDArray ArrayFromPython(pb::handle x, const std::string& what);
/// Moves `a` into a float64 numpy array of its shape (no copy of the data).
pb::array ArrayToPython(NDArray&& a);

/// report::ModelSummary as a dict: name, input_shape, output_shape,
/// input_type, output_type, layers (list of dicts, the LayerSummary fields),
/// totals (dict) and warnings (list of str).
pb::dict SummaryToDict(const report::ModelSummary& s);
/// A layer's hardware plan (ir::LayerPlan) as a dict of its fields; enums
/// and types as their config spellings; cycles are clock cycles.
pb::dict PlanToDict(const ir::LayerPlan& p);

}  // namespace hlsforge::py
