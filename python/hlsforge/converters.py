"""Model conversion: model files (no TensorFlow or ONNX runtime needed) to
HLSForgeModel; PyTorch modules through ONNX export (needs torch)."""
import os
import tempfile

from . import _core
from .model import HLSForgeModel

__all__ = ["convert_from_onnx_model", "convert_from_keras_model", "convert_from_pytorch_model"]


def _convert(path, hls_config, output_dir, io_type, backend, part, clock_period, project_name, weights=None):
    if io_type not in (None, "io_parallel", "io_stream"):
        raise _core.Error(f"io_type '{io_type}' not accepted: expected 'io_parallel' or 'io_stream'")
    return HLSForgeModel(os.fspath(path), hls_config, os.fspath(output_dir), io_type, backend, part, clock_period,
                         project_name, weights)


def convert_from_onnx_model(path, hls_config=None, output_dir="hlsforge_prj", io_type=None, backend="vitis",
                            part="xcvu13p-flga2577-2-e", clock_period=5.0, project_name="myproject"):
    """Converts an ONNX or QONNX model file.

    hls_config: a config dict (hlsforge.utils.config_from_onnx_model), the
    path of a YAML config, or None (the default: fixed<16,6>, precisions
    ``auto``, ReuseFactor 1, Latency). io_type: 'io_parallel' or
    'io_stream' (None: the config's). backend: 'vitis', 'vivado' or
    'verilog'. part: FPGA part; clock_period in ns. Raises hlsforge.Error
    (missing file, unsupported node, bad config key: the message names the
    file, node or key).
    """
    return _convert(path, hls_config, output_dir, io_type, backend, part, clock_period, project_name)


def convert_from_keras_model(path, hls_config=None, output_dir="hlsforge_prj", io_type=None, backend="vitis",
                             part="xcvu13p-flga2577-2-e", clock_period=5.0, project_name="myproject", weights=None):
    """Converts a Keras / QKeras model file: ``.json`` (+ ``weights``, default
    ``<stem>_weights.h5``), full-model ``.h5`` or ``.keras``. Arguments as
    convert_from_onnx_model."""
    return _convert(path, hls_config, output_dir, io_type, backend, part, clock_period, project_name, weights)


def convert_from_pytorch_model(model, input_shape, hls_config=None, output_dir="hlsforge_prj", onnx_path=None,
                               **kwargs):
    """Exports a ``torch.nn.Module`` to ONNX (torch.onnx.export, a dummy input
    of ``input_shape`` = (N, ...) in the module's own layout) and converts it
    with convert_from_onnx_model. onnx_path: where to keep the export
    (default: a temporary file). Raises ImportError when PyTorch is absent.
    """
    try:
        import torch
    except ImportError as e:
        raise ImportError("hlsforge.converters.convert_from_pytorch_model needs PyTorch ('torch'), which is not "
                          "installed; export the model with torch.onnx.export elsewhere and use "
                          "convert_from_onnx_model") from e
    if onnx_path is None:
        onnx_path = os.path.join(tempfile.mkdtemp(prefix="hlsforge_torch_"), "model.onnx")
    model.eval()
    torch.onnx.export(model, torch.zeros(*input_shape), onnx_path, input_names=["input"], output_names=["output"])
    return convert_from_onnx_model(onnx_path, hls_config=hls_config, output_dir=output_dir, **kwargs)
