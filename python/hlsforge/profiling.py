"""Numerical profiling (arXiv:2103.05579, Fig. 3): where each layer's types
clip or waste bits.

* ``counters(model, X)``: per tensor, the values the bit-exact emulator's
  result cast wrapped, saturated or rounded to zero on ``X`` (the table of
  ``hlsforge profile``), and the range before the cast.
* ``numerical(model, X=None)``: matplotlib figures: the distribution of
  |weights| and |biases| per layer (and, given X, of |layer outputs| in float
  mode), log2 scale, box plots, with the range representable by each chosen
  precision drawn behind them as a band from its LSB to its largest
  magnitude.
* ``suggest_config(model, X)``: the model's config (hls4ml layout) with each
  layer's narrowest result precision that wraps or saturates nothing on
  ``X``, its LSB kept (``hlsforge profile --suggest-config``).
* ``report(model, X, directory)``: the HTML page with the counters table and
  SVG box plots that ``hlsforge profile --report`` writes.
"""
import math
import os

import numpy as np

from . import _core

__all__ = ["counters", "numerical", "report", "suggest_config", "type_band"]


def counters(model, X):
    """List of dicts, one per layer in order: layer, tensor, type, values
    (elements counted), wrapped, saturated, rounded_to_zero, min, max (of the
    values before the cast), exact (False: the counts are lower bounds; see
    the C++ header hlsforge/emu/numerics.h). X as for predict."""
    model.compile()
    return model._core.numerics(X)


def suggest_config(model, X, output=None, max_rounds=16, details=False):
    """The model's config (a dict in hls4ml's layout; the default config when
    the model was converted without one) with ``LayerName: <layer>:
    Precision: result`` set, for every layer whose result type is not already
    the narrowest that holds all its values on ``X`` with no wrapped or
    saturated value after rounding to the type's LSB. The suggested type
    keeps the fractional bits, quantization and overflow modes and
    signedness (signed if an unsigned type saw negative values); only the
    width changes. Widening a layer that overflowed changes the values after
    it, so the profile is repeated with the new config until no type changes
    (one round per such layer in a chain, at most ``max_rounds`` profiles).

    output: also write the config as YAML to this path. details=True returns
    a dict instead: config, yaml, changes [(layer, from, to)], not_settable
    (layers a config cannot retype: made by a pass, or a quantizer's type),
    counts (as ``counters``, under the suggested config), rounds, converged.
    Raises hlsforge.Error as ``predict`` does for a bad X.
    """
    model.compile()
    r = _core.suggest_config(model._core, model.path, model.config, model.weights, model.io_type or "", X,
                             int(max_rounds))
    if output is not None:
        with open(output, "w") as f:
            f.write(r["yaml"])
    return r if details else r["config"]


def report(model, X, directory):
    """Writes the numerical profile of ``model`` on ``X`` into ``directory``:
    index.html (the counters table), activations.svg and weights.svg (box
    plots of log2 |value| per layer over the band of each precision). An
    existing report there is replaced. Returns the path of index.html."""
    model.compile()
    model._core.profile_report(X, str(directory))
    return os.path.join(str(directory), "index.html")


def type_band(type_name):
    """(log2 of the LSB, log2 of the largest magnitude) of a precision
    spelling such as ``"fixed<8,3>"``: the band of |x| the type represents."""
    lo, hi, lsb = _core.type_range(type_name)
    top = max(abs(lo), abs(hi))
    return (math.log2(lsb), math.log2(top) if top > 0 else math.log2(lsb))


def _log2_abs(a):
    a = np.abs(np.asarray(a, dtype=np.float64).ravel())
    a = a[a > 0]
    return np.log2(a)


def _figure(title, rows):
    """rows: list of (label, log2 values, (lo, hi) band or None)."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    fig, ax = plt.subplots(figsize=(8, 0.45 * max(len(rows), 2) + 1.5))
    ax.bands = []
    for i, (label, vals, band) in enumerate(rows):
        if band is not None:
            lo, hi = band
            r = Rectangle((lo, i - 0.4), hi - lo, 0.8, color="tab:orange", alpha=0.3, zorder=0)
            ax.add_patch(r)
            ax.bands.append((label, lo, hi))
    data = [v if v.size else np.array([np.nan]) for _, v, _ in rows]
    ax.boxplot(data, vert=False, positions=list(range(len(rows))), widths=0.5, showfliers=True, zorder=2)
    ax.set_yticks(list(range(len(rows))))
    ax.set_yticklabels([r[0] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel("log2 |value|  (band: representable by the precision, LSB to max)")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def numerical(model, X=None):
    """Figures of the numerical profile: ``(weights_figure, activations_figure)``.

    weights_figure: one box per layer param (weight, bias, scale, ...) of
    log2 |value| (zeros left out), with the band of the param's precision.
    activations_figure (None without X): one box per layer of log2 |output|
    evaluated in float mode (what the types must hold), with the band of the
    layer's result precision. Each axes has ``bands``: (label, lo, hi) as
    drawn, for checks. Needs matplotlib.
    """
    model.compile()
    layers = model.layers()
    wrows = []
    for l in layers:
        for key, values in l["params"].items():
            t = l["precision"].get(key)
            wrows.append((f"{l['name']}/{key}", _log2_abs(values), type_band(t) if t else None))
    wfig = _figure("weights", wrows)
    if X is None:
        return wfig, None
    trace = model.trace(X, float=True)
    arows = []
    for l in layers:
        if l["name"] not in trace:
            continue
        t = l["precision"].get("result")
        arows.append((l["name"], _log2_abs(trace[l["name"]]), type_band(t) if t else None))
    return wfig, _figure("activations", arows)
