"""hls4ml-style configuration dicts (the YAML layout of ``hlsforge config``).

A config is a dict with ``Model`` (default Precision, ReuseFactor, Strategy,
...), optionally ``LayerType`` and ``LayerName`` (per layer: Precision as a
dict of slots such as result, weight, bias, accum; ReuseFactor; ...).
Precisions are hls4ml spellings (``"fixed<16,6>"``, ``"ufixed<8,3,RND,SAT>"``)
or ``"auto"`` (inferred: a QONNX/QKeras quantizer's type, accumulators wide
enough not to wrap). Precedence as in hls4ml: LayerName > LayerType > Model.
"""
from . import _core

__all__ = ["config_from_onnx_model", "config_from_keras_model"]

_GRANULARITIES = ("model", "type", "name")


def _config(path, granularity, default_precision, default_reuse_factor, weights=""):
    if granularity not in _GRANULARITIES:
        raise _core.Error(f"granularity '{granularity}' not accepted: expected one of {', '.join(_GRANULARITIES)}")
    cfg = _core.config_from_model(str(path), granularity, str(weights or ""))
    model = cfg.setdefault("Model", {})
    if default_precision is not None:
        prec = model.get("Precision")
        if isinstance(prec, dict):
            prec["default"] = default_precision
        else:
            model["Precision"] = {"default": default_precision}
    if default_reuse_factor is not None:
        if not isinstance(default_reuse_factor, int) or isinstance(default_reuse_factor, bool) or default_reuse_factor < 1:
            raise _core.Error(f"default_reuse_factor must be an int >= 1, got {default_reuse_factor!r}")
        model["ReuseFactor"] = default_reuse_factor
    return cfg


def config_from_onnx_model(path, granularity="name", default_precision="fixed<16,6>", default_reuse_factor=1):
    """The config dict of an ONNX / QONNX model file (``.onnx``).

    Same content as ``hlsforge config MODEL --granularity G`` writes, with
    Model Precision default and ReuseFactor set from the arguments.
    granularity: ``"model"`` (one Model entry), ``"type"`` (per layer type)
    or ``"name"`` (per layer). Raises hlsforge.Error (missing or malformed
    file, unknown granularity).
    """
    return _config(path, granularity, default_precision, default_reuse_factor)


def config_from_keras_model(path, granularity="name", default_precision="fixed<16,6>", default_reuse_factor=1,
                            weights=None):
    """The config dict of a Keras / QKeras model file, as config_from_onnx_model.

    path: ``.json`` architecture (weights: ``weights`` or ``<stem>_weights.h5``
    beside it), a full-model ``.h5`` or a ``.keras`` archive. No TensorFlow
    is needed: the files are read directly.
    """
    return _config(path, granularity, default_precision, default_reuse_factor, weights)
