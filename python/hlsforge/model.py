"""The converted model: emulator, writers and C simulation (see converters)."""
import copy
import os

from . import _core

__all__ = ["HLSForgeModel"]

_BACKENDS = ("vitis", "vivado", "verilog")


class HLSForgeModel:
    """A model converted for FPGA firmware (what hls4ml calls an HLS model).

    Built by ``hlsforge.converters.convert_from_*_model``; holds the model
    file, its config dict and the project options. ``predict`` runs the
    bit-exact integer emulator (the firmware's arithmetic, bit for bit),
    ``predict(x, float=True)`` the float reference with the source
    framework's semantics; ``write`` writes the HLS (or Verilog) project to
    ``output_dir``; ``build(csim=True)`` compiles and runs its C simulation
    with g++.

    Arrays: input numpy float32/float64 ``[N, features...]`` channels-last
    (or flat ``[N, size]`` rows; a channels-first model also takes its own
    ``[N, C, ...]`` layout), as ``hlsforge predict`` reads ``.npy`` files;
    output float64 ``[N, outputs...]``. The GIL is released while the
    emulator runs, so threads can overlap.
    """

    def __init__(self, path, hls_config, output_dir, io_type, backend, part, clock_period, project_name, weights):
        if backend not in _BACKENDS:
            raise _core.Error(f"backend '{backend}' not accepted: expected one of {', '.join(_BACKENDS)}")
        self.path = str(path)
        self.config = copy.deepcopy(hls_config) if hls_config is not None else None
        self.output_dir = str(output_dir)
        self.io_type = io_type
        self.backend = backend
        self.part = part
        self.clock_period = clock_period
        self.project_name = project_name
        self.weights = str(weights or "")
        self._loaded_config = None
        self._core = None
        self._written = False
        self.compile()

    # ---- preparing -----------------------------------------------------
    def compile(self):
        """Applies the current ``config`` (re-running the passes if it changed).

        No compiler runs: the emulator is ready at once. Raises hlsforge.Error
        for a bad config key or value (the message names the key).
        """
        if self._core is not None and self.config == self._loaded_config:
            return
        cfg = self.config if self.config is not None else None
        self._core = _core.load(self.path, cfg, self.weights, self.io_type or "")
        self._loaded_config = copy.deepcopy(self.config)
        self._written = False

    # ---- inference -----------------------------------------------------
    def predict(self, x, float=False, threads=0):  # noqa: A002 (hls4ml's keyword)
        """Model outputs for ``x``: float64 ``[N, outputs...]``.

        float=False: the bit-exact fixed-point emulator (equals the HLS C
        simulation and ``hlsforge predict``); float=True: double-precision
        evaluation with the source framework's semantics (config ignored).
        threads: worker threads (0 = all cores).
        """
        self.compile()
        return self._core.predict(x, bool(float), int(threads))

    def trace(self, x, float=False, threads=0):  # noqa: A002
        """Every layer's output for ``x``: dict layer name -> float64 array
        ``[N, layer output shape...]`` (channels-last), in layer order; the
        names and values of ``hlsforge predict --trace`` (whose files are
        ``<layer>.npy`` with characters other than letters, digits, ``_-.``
        replaced by ``_``)."""
        self.compile()
        return self._core.trace(x, bool(float), int(threads))

    # ---- reports ---------------------------------------------------------
    def summary(self):
        """The ``hlsforge inspect`` table (str): per layer kind, shape,
        precisions, params, zeros, MACs, multipliers, BOPs, and totals."""
        self.compile()
        return self._core.summary_text()

    def summary_data(self):
        """The summary as a dict (layers: list of dicts; totals; warnings)."""
        self.compile()
        return self._core.summary()

    def hardware_plan(self):
        """Per layer (dict name -> dict, layer order): the hardware plan every
        backend implements: applied reuse / parallelization factor, product
        kind, multipliers, tables, schedule, II and latency estimate in clock
        cycles. None for a layer without one."""
        self.compile()
        return self._core.plan()

    def layers(self):
        """Per layer: name, kind, inputs, output, resolved precisions (slot ->
        type) and params (key -> float array as trained)."""
        self.compile()
        return self._core.layers()

    @property
    def input_shape(self):
        """Per-sample input shape (channels-last)."""
        self.compile()
        return tuple(self._core.input_shape)

    # ---- projects --------------------------------------------------------
    def write(self, force=True, tb_input=None):
        """Writes the project into ``output_dir`` (atomically; force=True
        replaces an existing one): Vitis/Vivado HLS C++ (hls4ml's layout) or
        Verilog (backend='verilog'). tb_input: testbench inputs (default:
        deterministic samples over the input range)."""
        self.compile()
        self._core.write(self.output_dir, self.backend, self.part, float(self.clock_period), self.project_name,
                         bool(force), tb_input)
        self._written = True

    def build(self, csim=True, x=None, synth=False, trace=False, **kwargs):
        """Compiles and runs the C simulation of the HLS project (g++ and
        hlsforge's ap_fixed headers; writes the project first if needed).

        x: inputs (default: the project's testbench inputs). Returns the
        outputs, float64 shaped as ``predict`` returns them (with trace=True:
        ``(outputs, {layer: array})``). Synthesis needs the vendor tool: run
        ``build_prj.tcl`` of the project with Vitis HLS.
        """
        if synth or any(kwargs.get(k) for k in ("cosim", "export", "vsynth")):
            raise _core.Error(f"{self.output_dir}: synthesis needs Vitis HLS: run 'vitis_hls -f build_prj.tcl' "
                              "in the project directory")
        unknown = set(kwargs) - {"reset", "cosim", "export", "vsynth", "validation"}
        if unknown:
            raise _core.Error(f"build: unknown argument(s) {', '.join(sorted(unknown))}")
        if self.backend == "verilog":
            raise _core.Error("build(csim=True) applies to the HLS backends; simulate Verilog with hlsforge rtlsim")
        if not csim:
            return None
        if not self._written or not os.path.isdir(self.output_dir):
            self.write()
        if x is None:
            import numpy as np
            x = np.loadtxt(os.path.join(self.output_dir, "tb_data", "tb_input_features.dat"), ndmin=2)
        return self._core.csim(self.output_dir, x, bool(trace))

    def __repr__(self):
        return f"HLSForgeModel({self.path!r}, backend={self.backend!r}, output_dir={self.output_dir!r})"
