"""Shared fixtures of the Python tests: where the module, the CLI and the
test models are.

* HLSFORGE_BUILD_DIR: the CMake build directory (default ``build`` of the
  repository) whose ``python/`` holds the package and whose ``hlsforge`` is
  the command line the results are compared with.
* Models: the full test corpus (HLSFORGE_SHARED_DIR, else ``../shared``
  beside the repository, as tests/test_data.h finds it) when present, else
  the subset bundled in tests/data (always there: those tests always run).
* HLSFORGE_PYTEST_FULL=1: also the models whose emulation takes minutes
  under the sanitizers (HEAVY_MODELS); CI's run leaves them out.
"""
import os
import subprocess
import sys

import numpy as np
import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("HLSFORGE_BUILD_DIR", os.path.join(REPO, "build"))
sys.path.insert(0, os.path.join(BUILD, "python"))

import hlsforge  # noqa: E402

CLI = os.path.join(BUILD, "hlsforge")

FULL_RUN = os.environ.get("HLSFORGE_PYTEST_FULL") == "1"
# File names of models too slow for CI's sanitized run (the separable
# convolution took 259 s of the suite): run in the full mode only.
HEAVY_MODELS = {"separable_conv_model_ch_last.onnx"}


def skip_unless_full(path):
    """Skips a test of a heavy model unless HLSFORGE_PYTEST_FULL=1."""
    if os.path.basename(path) in HEAVY_MODELS and not FULL_RUN:
        pytest.skip(f"{os.path.basename(path)}: heavy model, run with HLSFORGE_PYTEST_FULL=1")


def corpus_root():
    shared = os.environ.get("HLSFORGE_SHARED_DIR", os.path.join(REPO, "..", "shared"))
    return shared if os.path.isdir(shared) else os.path.join(REPO, "tests", "data")


def model_files(root=None):
    """Every model of the corpus as (path, weights or None): .onnx, .keras,
    Keras .json with <stem>_weights.h5 (or another weights file naming it:
    <stem>_<variant>_weights.h5, or <stem>.h5), full-model .h5 files."""
    root = root or corpus_root()
    found = []
    for sub in ("onnx", "qonnx", "keras"):
        d = os.path.join(root, "models", sub)
        if not os.path.isdir(d):
            continue
        files = sorted(os.listdir(d))
        jsons = [f[:-5] for f in files if f.endswith(".json")]
        for f in files:
            p = os.path.join(d, f)
            stem, ext = os.path.splitext(f)
            if ext in (".onnx", ".keras"):
                found.append((p, None))
            elif ext == ".json":
                if os.path.exists(os.path.join(d, stem + "_weights.h5")):
                    found.append((p, None))
                elif os.path.exists(os.path.join(d, stem + ".h5")):
                    found.append((p, os.path.join(d, stem + ".h5")))
            elif ext == ".h5" and stem.endswith("_weights") and stem[:-8] not in jsons:
                base = [j for j in jsons if stem.startswith(j + "_")]
                if base:
                    found.append((os.path.join(d, max(base, key=len) + ".json"), p))
            elif ext == ".h5" and not stem.endswith("_weights") and stem not in jsons:
                found.append((p, None))
    return found


def convert(path, weights=None, **kw):
    if weights:
        kw["weights"] = weights
    if path.endswith(".onnx"):
        return hlsforge.converters.convert_from_onnx_model(path, **kw)
    return hlsforge.converters.convert_from_keras_model(path, **kw)


def random_input(model, rows=16, seed=0, scale=2.0):
    """Varying float32 data over the model input ([rows, input shape...])."""
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((rows,) + model.input_shape) * scale).astype(np.float32)


def run_cli(*args):
    r = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True)
    if r.returncode != 0:
        raise AssertionError(f"hlsforge {' '.join(map(str, args))} failed ({r.returncode}): {r.stderr}")
    return r.stdout


@pytest.fixture(scope="session")
def cli():
    if not os.access(CLI, os.X_OK):
        pytest.skip(f"the command line {CLI} is not built")
    return run_cli


def tiny_onnx():
    """The smallest bundled model (always present in tests/data)."""
    return os.path.join(REPO, "tests", "data", "models", "onnx", "three_layer_keras.onnx")
