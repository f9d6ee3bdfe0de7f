// The model-level choice of the fixed-point type family (fixed_core.h,
// Family): ap_fixed / ap_int (Vitis HLS) or ac_fixed / ac_int (Catapult HLS).
// The family is decided once per model -- config key `Model: {Family: ac}`
// (ir/config.h) or the Catapult backend (`hlsforge convert --backend
// catapult`) -- and every type of the graph then carries it, so that the
// emulator computes with exactly the semantics of the firmware's types
// (fixed_core.h lists where the families differ). No kernel decides it.
#pragma once

#include <optional>
#include <string>

#include "hlsforge/ir/graph.h"
#include "hlsforge/util/status.h"

namespace hlsforge::ir {

/// "ap" / "ac".
const char* FamilyName(Family f);
/// Parses "ap" / "ac" (case-insensitive; "vitis"/"catapult" accepted too).
std::optional<Family> ParseFamily(const std::string& text);

/// Rewrites every type of the graph in family f (same
/// width, integer bits, signedness and modes): tensor types, param types,
/// every precision slot of every layer config, and the hardware plans'
/// table, inp_norm and activation-parameter types. Errors name the layer (or
/// tensor) and the slot: a mode with no equivalent in f (RND_CONV_ODD exists
/// for ac_fixed only). On error the graph may be partially converted.
Status SetFamily(Graph& g, Family f);

/// The model's family: that of the model's default precision (the `default`
/// slot ApplyConfig gives every layer, in the family before any pass runs),
/// else of the first type found (AP for a graph without types). After
/// SetFamily every type is in it.
Family FamilyOf(const Graph& g);

/// `t` spelled in the model's family (FamilyOf(g)), for messages written
/// while passes still create types of the default (ap) family: an AC model's
/// warnings name ac_fixed types. A mode with no equivalent in the family
/// (RND_CONV_ODD under ap) keeps t's own spelling.
std::string TypeName(const Graph& g, const FixedType& t);

/// The first type of `g` (with where it is) whose family is not FamilyOf(g),
/// for checks: nullopt when every type of the graph is in one family.
std::optional<std::string> FamilyMismatch(const Graph& g);

}  // namespace hlsforge::ir
