// Private helpers of the ONNX frontend: constant tensors, their decoding from
// TensorProto, element-wise/broadcast folding and the QONNX quantizer
// formulas (float semantics). Not part of the public API.
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hlsforge/fixed/fixed_type.h"
#include "hlsforge/ir/graph.h"

namespace hlsforge::frontends::onnx_detail {

/// A constant tensor known at conversion time (initializer or folded).
struct Const {
  std::vector<int64_t> shape;     ///< full ONNX shape (no batch dropping)
  std::vector<double> v;          ///< row-major values
  bool is_int = false;            ///< integer element type (shape arithmetic)
  /// onnx::TensorProto::DataType of a decoded (or element-preserving folded)
  /// tensor; 0 when computed (the zero points of QuantizeLinear /
  /// DequantizeLinear name their output type by it).
  int elem_type = 0;
  /// Names of the source nodes / initializers that produced this value; they
  /// become aliases of the layer that consumes it.
  std::vector<std::string> sources;
  /// Exact fixed-point type when a QONNX quantizer produced the values.
  std::optional<FixedType> type;
};

int64_t NumElements(const std::vector<int64_t>& shape);
/// Whether v (a value of a constant tensor) is an integer with |v| <= limit,
/// so that converting it to int64_t is defined and sums or products of a few
/// such values with dimensions cannot overflow. NaN and infinities are not.
bool IsIntegerUpTo(double v, double limit);
std::string ShapeStr(const std::vector<int64_t>& shape);

/// Name of an onnx::TensorProto::DataType value with its number, e.g.
/// "INT16 (5)", "INT4 (22)"; the number alone when unknown.
std::string ElementTypeName(int t);

/// Decodes an initializer / Constant value. Throws hlsforge::Error (message
/// prefixed by `where`) on unsupported element types, external data or a
/// value count that does not match the dims.
Const DecodeTensor(const onnx::TensorProto& t, const std::string& where);

/// Numpy-style broadcast of two shapes; throws Error naming `where`.
std::vector<int64_t> BroadcastShape(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                                    const std::string& where);
/// Element-wise binary op with numpy broadcasting.
Const Binary(const Const& a, const Const& b, const std::function<double(double, double)>& fn,
             const std::string& where);
/// Values of `c` broadcast to `shape` (row-major); throws if not broadcastable.
std::vector<double> BroadcastTo(const Const& c, const std::vector<int64_t>& shape,
                                const std::string& where);
/// Rounds to float32 unless the tensor is integer (ONNX float tensors are float32).
void RoundToElementType(Const& c);

/// QONNX rounding of `x` (docs/qonnx-custom-ops/quant_op.md): ROUND = half to
/// even, CEIL, FLOOR, UP (away from zero), DOWN (toward zero), HALF_UP (half
/// away from zero), HALF_DOWN (half toward zero). Mode names are upper-cased
/// by the caller.
double QonnxRound(double x, const std::string& mode);
bool IsKnownRoundingMode(const std::string& mode);
/// Integer range of a QONNX Quant.
double QuantMinInt(bool is_signed, bool narrow, double bits);
double QuantMaxInt(bool is_signed, bool narrow, double bits);
/// y = (clamp(round(x/scale + zp), qmin, qmax) - zp) * scale  (QONNX Quant).
double QuantValue(double x, double scale, double zp, double bits, bool is_signed, bool narrow,
                  const std::string& mode);

/// The fixed-point type that represents a QONNX Quant's outputs exactly and
/// whose cast from a wider type performs the quantizer itself (rounding +
/// saturation), or nullopt when none exists: zero points must be 0, every
/// scale a power of two. For differing per-channel scales the common type
/// has the largest integer part and the finest step of all channels
/// (exact for constants; `for_activation` rejects it, as one type cannot
/// saturate per channel). ROUND -> AP_RND_CONV, FLOOR -> AP_TRN,
/// DOWN -> AP_TRN_ZERO, HALF_UP -> AP_RND_INF, HALF_DOWN -> AP_RND_ZERO;
/// CEIL/UP have no vendor mode (nullopt). Overflow: signed narrow ->
/// AP_SAT_SYM, otherwise AP_SAT; unsigned narrow has no mode (nullopt).
std::optional<FixedType> QuantExactType(const std::vector<double>& scales,
                                        const std::vector<double>& zero_points, double bits,
                                        bool is_signed, bool narrow, const std::string& mode,
                                        bool for_activation);

/// Exponent e with s == 2^e, or nullopt when s is not a positive power of two.
std::optional<int> PowerOfTwoExponent(double s);

}  // namespace hlsforge::frontends::onnx_detail
