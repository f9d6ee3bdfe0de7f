#!/usr/bin/env python3
"""Python `model.predict(x)` against the in-process emulator, same run.

Model: the jet tagger KERAS_3layer (16-64-32-32-5, Keras JSON + HDF5, default
config), as in bench/predict_e2e_bench.cpp. Input: ROWS rows (default
1,000,000) of standard normal float32 values (numpy seed 0).

Figures (best of REPS runs, default 3; rates in samples/s):
  * in-process emulator rate: `predict_e2e_bench` run in this process's run
    (same machine load), its line "in-process emu::Predict" (emu::Predict
    over the batch already in memory, timed around Predict only);
  * Python rate: rows / wall seconds of `model.predict(x)` on the numpy
    array (conversion in, emulator, array out included);
  * their ratio (target >= 0.8).
The Python result is checked bit for bit against `hlsforge predict` of the
same rows written as .npy (the CLI's output file).

Usage (a Release build with -DHLSFORGE_PYTHON=ON -DHLSFORGE_BUILD_BENCH=ON):
  PYTHONPATH=BUILD/python python3 bench/python_predict_bench.py BUILD
Environment: HLSFORGE_BENCH_ROWS, HLSFORGE_BENCH_REPS.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np

import hlsforge
from hlsforge import converters

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def model_path():
    """KERAS_3layer.json from ../shared, else tests/data (same layout)."""
    for base in (os.environ.get("HLSFORGE_SHARED_DIR"), os.path.join(ROOT, "..", "shared"),
                 os.path.join(ROOT, "tests", "data")):
        if base:
            p = os.path.join(base, "models", "keras", "KERAS_3layer.json")
            if os.path.exists(p):
                return p
    sys.exit("python_predict_bench: KERAS_3layer.json not found")


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build-rel"
    rows = int(os.environ.get("HLSFORGE_BENCH_ROWS", "1000000"))
    reps = max(1, int(os.environ.get("HLSFORGE_BENCH_REPS", "3")))
    path = model_path()
    x = np.random.default_rng(0).standard_normal((rows, 16)).astype(np.float32)

    model = converters.convert_from_keras_model(path)
    model.compile()
    model.predict(x[:1000])  # warm-up
    py_best = float("inf")
    y = None
    for _ in range(reps):
        t0 = time.perf_counter()
        y = model.predict(x)
        py_best = min(py_best, time.perf_counter() - t0)

    env = dict(os.environ, HLSFORGE_BENCH_ROWS=str(rows), HLSFORGE_BENCH_REPS=str(reps),
               HLSFORGE_BENCH_BIG_ROWS="0")
    out = subprocess.run([os.path.join(build, "predict_e2e_bench")], env=env, check=True,
                         capture_output=True, text=True).stdout
    m = re.search(r"in-process emu::Predict\s+([0-9.]+) s\s+([0-9.]+) samples/s", out)
    if not m:
        sys.exit("python_predict_bench: no in-process line in predict_e2e_bench's output:\n" + out)
    emu_s, emu_rate = float(m.group(1)), float(m.group(2))

    with tempfile.TemporaryDirectory() as d:
        xi, yo = os.path.join(d, "x.npy"), os.path.join(d, "y.npy")
        np.save(xi, x)
        subprocess.run([os.path.join(build, "hlsforge"), "predict", path, "-i", xi, "-o", yo], check=True,
                       capture_output=True)
        same = np.array_equal(np.load(yo), y)

    py_rate = rows / py_best
    print(f"jet tagger KERAS_3layer, {rows} rows, best of {reps}")
    print(f"  in-process emu::Predict   {emu_s:8.3f} s  {emu_rate:12.0f} samples/s")
    print(f"  Python model.predict      {py_best:8.3f} s  {py_rate:12.0f} samples/s")
    print(f"  Python / in-process       {py_rate / emu_rate:.3f}   (target >= 0.8)")
    print(f"  equal to hlsforge predict bit for bit: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
