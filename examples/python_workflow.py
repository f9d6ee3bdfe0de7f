#!/usr/bin/env python3
"""The hls4ml workflow from Python, top to bottom (arXiv:2103.05579, Fig. 1):
configure, convert, compile, predict (bit-exact and float) on MNIST, profile
the numerics, write the HLS project.

Run from the repository after building with -DHLSFORGE_PYTHON=ON:

    PYTHONPATH=build/python /usr/bin/python3 examples/python_workflow.py [OUT_DIR]

(or after `pip install --no-build-isolation .`). Writes OUT_DIR (default
out/python_workflow): the HLS project, the profile report (report/index.html)
and the suggested config (suggested.yml); and the plots weights.png and
activations.png into examples/output (committed, shown in the README).
"""
import gzip
import os
import sys

import numpy as np

import hlsforge

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = os.path.join(HERE, "models", "TFC_2W2A.onnx")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join("out", "python_workflow")
PLOTS = os.path.join(HERE, "output")


def read_idx(path):
    """An IDX file of the MNIST distribution (gzip): uint8 array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


# 1. Configure: the dict `hlsforge config` writes (hls4ml's layout).
config = hlsforge.utils.config_from_onnx_model(MODEL, granularity="name")
print("layers in the config:", ", ".join(config["LayerName"]))

# 2. Convert and compile (the bit-exact emulator needs no compiler).
model = hlsforge.converters.convert_from_onnx_model(MODEL, hls_config=config, output_dir=os.path.join(OUT, "prj"),
                                                    io_type="io_parallel", part="xcvu13p-flga2577-2-e",
                                                    clock_period=5.0)
model.compile()
print(model.summary())

# 3. Predict on the MNIST test set: fixed point (the firmware) and float.
mnist = os.path.join(HERE, "data", "mnist")
x = read_idx(os.path.join(mnist, "t10k-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float32) / 255.0
labels = read_idx(os.path.join(mnist, "t10k-labels-idx1-ubyte.gz"))
y_fixed = model.predict(x)
y_float = model.predict(x, float=True)
acc_fixed = np.mean(np.argmax(y_fixed, axis=1) == labels)
acc_float = np.mean(np.argmax(y_float, axis=1) == labels)
print(f"top-1 on {len(labels)} images: float {acc_float:.4f}, bit-exact {acc_fixed:.4f}")

# 4. Profile: overflow counters on the data and the precision plots.
for c in hlsforge.profiling.counters(model, x[:1000]):
    if not c["values"]:  # a layer whose output is a code (thresholds): no cast to count
        continue
    print(f"{c['layer']:>24} {c['type']:>24}  wrapped {c['wrapped']:>6}  saturated {c['saturated']:>6}  "
          f"rounded to 0 {c['rounded_to_zero']:>6}")
os.makedirs(OUT, exist_ok=True)
os.makedirs(PLOTS, exist_ok=True)
wfig, afig = hlsforge.profiling.numerical(model, x[:1000])
wfig.savefig(os.path.join(PLOTS, "weights.png"), dpi=60)
afig.savefig(os.path.join(PLOTS, "activations.png"), dpi=60)
print("report:", hlsforge.profiling.report(model, x[:1000], os.path.join(OUT, "report")))

# 5. The narrowest result precision per layer with no overflow on the data.
suggestion = hlsforge.profiling.suggest_config(model, x[:1000], output=os.path.join(OUT, "suggested.yml"),
                                               details=True)
for layer, old, new in suggestion["changes"]:
    print(f"suggested {layer}: {old} -> {new}")
narrow = hlsforge.converters.convert_from_onnx_model(MODEL, hls_config=suggestion["config"],
                                                     output_dir=os.path.join(OUT, "prj_suggested"))
acc_narrow = np.mean(np.argmax(narrow.predict(x), axis=1) == labels)
print(f"top-1 with the suggested precisions: {acc_narrow:.4f}")

# 6. Trace one layer and write the HLS project.
trace = model.trace(x[:4])
print("traced layers:", ", ".join(f"{k} {v.shape[1:]}" for k, v in trace.items()))
model.write()
print("wrote", model.output_dir)
