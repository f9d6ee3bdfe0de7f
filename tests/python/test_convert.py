"""Every model converts from Python; predict and trace equal the command
line's `hlsforge predict` / `--trace` bit for bit."""
import os
import subprocess

import numpy as np
import pytest

import hlsforge
from conftest import CLI, REPO, convert, corpus_root, model_files, random_input, skip_unless_full

MODELS = model_files()
BUNDLED = model_files(os.path.join(REPO, "tests", "data"))


def _id(case):
    path, weights = case
    return os.path.basename(path) + (f"+{os.path.basename(weights)}" if weights else "")


def test_bundled_models_are_found():
    # tests/data always holds models: these tests never all skip.
    assert len(BUNDLED) >= 10
    assert len(MODELS) >= len(BUNDLED), corpus_root()


@pytest.mark.parametrize("case", MODELS, ids=_id)
def test_predict_and_trace_equal_cli(case, tmp_path, cli):
    path, weights = case
    skip_unless_full(path)
    wargs = ["--weights", weights] if weights else []
    try:
        model = convert(path, weights, output_dir=str(tmp_path / "prj"))
    except hlsforge.Error as e:
        # A model the compiler does not support: the same message as the CLI's.
        r = subprocess.run([CLI, "inspect", path, *wargs], capture_output=True, text=True)
        assert r.returncode == 2 and r.stderr.strip() == f"hlsforge: {e}"
        pytest.skip(f"not supported, same error as the CLI: {e}")
    rows = 24 if np.prod(model.input_shape) <= 256 else 3  # images: a few rows (the emulator's cost)
    x = random_input(model, rows=rows, seed=len(path))
    y = model.predict(x)
    assert y.dtype == np.float64 and y.shape[0] == rows
    np.save(tmp_path / "x.npy", x)
    cli("predict", path, *wargs, "-i", tmp_path / "x.npy", "-o", tmp_path / "y.npy", "--trace", tmp_path / "trace")
    y_cli = np.load(tmp_path / "y.npy")
    assert y.shape == y_cli.shape
    assert np.array_equal(y, y_cli), f"{path}: predict differs from the CLI"
    tr = model.trace(x)
    assert any(np.ptp(v) > 0 for v in tr.values()), "nothing varies: the comparison would prove nothing"
    files = sorted(f[:-4] for f in os.listdir(tmp_path / "trace"))
    assert sorted(hlsforge._core.trace_file_name(k) for k in tr) == files
    for k, v in tr.items():
        ref = np.load(tmp_path / "trace" / (hlsforge._core.trace_file_name(k) + ".npy"))
        assert v.shape == ref.shape, k
        assert np.array_equal(v, ref), f"{path}: trace of layer {k} differs from the CLI"
    # The last traced layer is the output (channels-last flat layout).
    assert np.array_equal(list(tr.values())[-1].reshape(rows, -1), y.reshape(rows, -1)) or y.ndim > 2


@pytest.mark.parametrize("case", [c for c in BUNDLED if c[0].endswith(".onnx")][:3], ids=_id)
def test_float_mode_equals_cli(case, tmp_path, cli):
    path = case[0]
    model = convert(path)
    x = random_input(model, rows=8, seed=3)
    np.save(tmp_path / "x.npy", x)
    cli("predict", path, "-i", tmp_path / "x.npy", "-o", tmp_path / "y.npy", "--float")
    yf = model.predict(x, float=True)
    assert np.array_equal(yf, np.load(tmp_path / "y.npy"))
    assert not np.array_equal(yf, model.predict(x)), "float and fixed-point outputs should differ somewhere"


def test_float64_and_float32_inputs_and_flat_rows():
    model = convert(os.path.join(REPO, "tests", "data", "models", "onnx", "conv2d_small_keras.onnx"))
    x = random_input(model, rows=5, seed=7)
    y = model.predict(x)
    # float64 holding the same float32 values, and flat rows: same result.
    assert np.array_equal(model.predict(x.astype(np.float64)), y)
    assert np.array_equal(model.predict(x.reshape(5, -1)), y)
    # a non-contiguous view is accepted
    big = np.repeat(x, 2, axis=0)[::2]
    assert np.array_equal(model.predict(big), y)
    # threads do not change results
    assert np.array_equal(model.predict(x, threads=1), y)


def test_summary_and_hardware_plan(tmp_path, cli):
    path = os.path.join(REPO, "tests", "data", "models", "onnx", "three_layer_keras.onnx")
    model = convert(path)
    assert model.summary() == cli("inspect", path)
    s = model.summary_data()
    plan = model.hardware_plan()
    names = [l["name"] for l in s["layers"]]
    assert list(plan) == [l["name"] for l in model.layers()]
    dense = [n for n in names if plan[n] and plan[n]["has_products"]]
    assert dense, "a three-layer MLP has layers with products"
    for n in dense:
        p = plan[n]
        assert p["weights"] == p["n_in"] * p["n_out"]
        assert p["multiplier_limit"] == -(-p["weights"] // p["reuse_factor"]) - p["n_zeros"] // p["reuse_factor"]
        row = next(l for l in s["layers"] if l["name"] == n)
        assert row["multipliers"] == p["multipliers"]


def test_reuse_factor_from_config_reaches_the_plan():
    path = os.path.join(REPO, "tests", "data", "models", "onnx", "three_layer_keras.onnx")
    cfg = hlsforge.utils.config_from_onnx_model(path, granularity="name", default_reuse_factor=1)
    layer = next(n for n, v in cfg["LayerName"].items() if "ReuseFactor" in v and "Strategy" in v)
    cfg["LayerName"][layer]["ReuseFactor"] = 4
    model = convert(path, hls_config=cfg)
    assert model.hardware_plan()[layer]["reuse_factor"] == 4
    assert model.hardware_plan()[layer]["ii_cycles"] >= 4


def test_predict_from_several_threads():
    # The GIL is released while the emulator runs: threads overlap, results stay exact.
    from concurrent.futures import ThreadPoolExecutor

    model = convert(os.path.join(REPO, "tests", "data", "models", "onnx", "three_layer_keras.onnx"))
    xs = [random_input(model, rows=300, seed=s) for s in range(4)]
    serial = [model.predict(x, threads=1) for x in xs]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(lambda x: model.predict(x, threads=1), xs))
    assert all(np.array_equal(a, b) for a, b in zip(serial, parallel))


@pytest.mark.parametrize("model_rel", ["onnx/three_layer_keras.onnx", "onnx/conv1d_small_keras.onnx"])
def test_predict_of_a_large_batch_in_row_ranges_equals_the_cli(model_rel, tmp_path, cli):
    # A batch of >= 2048 rows is predicted on several row ranges at once, each
    # in blocks written straight into the result: any split gives the CLI's
    # output bit for bit; a float32 and a non-contiguous float64 view alike.
    path = os.path.join(REPO, "tests", "data", "models", model_rel)
    model = convert(path)
    rows = 5003 if "conv" not in model_rel else 2111
    x = random_input(model, rows=rows, seed=7).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    cli("predict", path, "-i", tmp_path / "x.npy", "-o", tmp_path / "y.npy")
    ref = np.load(tmp_path / "y.npy")
    assert np.unique(ref).size > 100, "the outputs must vary"
    for threads in (0, 1, 2, 3):
        assert np.array_equal(model.predict(x, threads=threads), ref), threads
    wide = np.zeros((rows * 2,) + x.shape[1:], dtype=np.float64)
    wide[::2] = x
    assert np.array_equal(model.predict(wide[::2]), ref)
    x[17].flat[0] = np.nan  # counted and warned, the rest unchanged
    y = model.predict(x)
    assert np.array_equal(np.delete(y, 17, axis=0), np.delete(ref, 17, axis=0))
