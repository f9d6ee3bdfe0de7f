"""hlsforge: neural networks (ONNX/QONNX, Keras/QKeras) to FPGA firmware, from Python.

The workflow of hls4ml (arXiv:2103.05579, Fig. 1): configure, convert,
compile, predict, compare with the framework, profile, trace, build::

    import hlsforge
    config = hlsforge.utils.config_from_onnx_model("model.onnx", granularity="name")
    model = hlsforge.converters.convert_from_onnx_model(
        "model.onnx", hls_config=config, output_dir="prj", io_type="io_parallel")
    model.compile()                 # the bit-exact emulator is ready at once
    y = model.predict(x)            # numpy [N, features...] -> [N, outputs...] float64
    layers = model.trace(x)         # {layer name: array}
    model.write()                   # the Vitis HLS project in output_dir
    y_csim = model.build(csim=True, x=x)   # its C simulation (g++), equals predict

Modules: ``utils`` (configs), ``converters`` (models), ``profiling``
(numerical profile and overflow counters). Errors raise ``hlsforge.Error``
(a RuntimeError and ValueError) carrying the message the command line prints,
naming the file, layer or config key.
"""
import os as _os


def _locate_data():
    """Points the C++ core at the HLS kernel library (written into projects).

    An installed package (pip) carries it in ``hlsforge/data`` (the layout of
    ``<prefix>/share/hlsforge``); the build tree's package names the source
    tree in ``hlsforge_source_dir.txt``. An environment that already sets
    HLSFORGE_DATA_DIR or HLSFORGE_HLS_DIR wins.
    """
    if any(_os.environ.get(v) for v in ("HLSFORGE_DATA_DIR", "HLSFORGE_HLS_DIR")):
        return
    here = _os.path.dirname(_os.path.abspath(__file__))
    data = _os.path.join(here, "data")
    if _os.path.isdir(_os.path.join(data, "hls", "kernels")):
        _os.environ["HLSFORGE_DATA_DIR"] = data
        return
    marker = _os.path.join(here, "hlsforge_source_dir.txt")
    if _os.path.isfile(marker):
        with open(marker) as f:
            src = f.read().strip()
        _os.environ["HLSFORGE_HLS_DIR"] = _os.path.join(src, "src", "backends", "hls")
        _os.environ["HLSFORGE_FIXED_CORE"] = _os.path.join(src, "include", "hlsforge", "fixed", "fixed_core.h")


_locate_data()

from . import _core  # noqa: E402

Error = _core.Error

from . import converters, profiling, utils  # noqa: E402
from .model import HLSForgeModel  # noqa: E402

__all__ = ["Error", "HLSForgeModel", "converters", "profiling", "utils"]
