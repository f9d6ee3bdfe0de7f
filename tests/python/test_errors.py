"""Bad input from Python raises hlsforge.Error with the CLI's located
message; nothing crashes the interpreter."""
import os

import numpy as np
import pytest

import hlsforge
from conftest import REPO, convert, random_input

ONNX = os.path.join(REPO, "tests", "data", "models", "onnx", "three_layer_keras.onnx")


@pytest.fixture(scope="module")
def model():
    return convert(ONNX)


def test_error_is_runtime_and_value_error():
    assert issubclass(hlsforge.Error, RuntimeError) and issubclass(hlsforge.Error, ValueError)


def test_missing_file(tmp_path):
    p = str(tmp_path / "nope.onnx")
    with pytest.raises(hlsforge.Error, match=r"nope\.onnx: no such file"):
        convert(p)
    with pytest.raises(hlsforge.Error, match="no such file"):
        hlsforge.utils.config_from_keras_model(str(tmp_path / "nope.json"))


def test_garbage_model_file(tmp_path):
    p = tmp_path / "garbage.onnx"
    p.write_bytes(b"\x08\x07not a protobuf" * 10)
    with pytest.raises(hlsforge.Error, match="garbage.onnx"):
        convert(str(p))


def test_unknown_extension(tmp_path):
    p = tmp_path / "m.txt"
    p.write_text("x")
    with pytest.raises(hlsforge.Error, match="unknown model format"):
        convert(str(p))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.complex64, np.bool_, object])
def test_wrong_dtype(model, dtype):
    x = np.zeros((2,) + model.input_shape, dtype=dtype)
    with pytest.raises(hlsforge.Error, match="dtype"):
        model.predict(x)


def test_not_an_array(model):
    with pytest.raises(hlsforge.Error):
        model.predict("abc")
    with pytest.raises(hlsforge.Error):
        model.predict(None)


def test_wrong_shape(model):
    n = int(np.prod(model.input_shape))
    for shape in [(3, n + 1), (3, n, 2), (0,), ()]:
        with pytest.raises(hlsforge.Error, match="input shape"):
            model.predict(np.zeros(shape, np.float32))
    with pytest.raises(hlsforge.Error, match="input shape"):
        model.trace(np.zeros((2, n - 1), np.float32))


def test_bad_config_key_names_it():
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    cfg["LayerName"]["no_such_layer"] = {"Precision": {"result": "fixed<8,3>"}}
    with pytest.raises(hlsforge.Error, match="no_such_layer"):
        convert(ONNX, hls_config=cfg)


def test_bad_precision_names_it():
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    name = next(iter(cfg["LayerName"]))
    cfg["LayerName"][name]["Precision"]["result"] = "fixed<99,3>"
    with pytest.raises(hlsforge.Error, match=r"fixed<99,3>"):
        convert(ONNX, hls_config=cfg)


def test_bad_config_value_types():
    with pytest.raises(hlsforge.Error, match="expected a dict"):
        convert(ONNX, hls_config=[1, 2])
    with pytest.raises(hlsforge.Error, match="not accepted"):
        convert(ONNX, hls_config={"Model": {"ReuseFactor": object()}})
    with pytest.raises(hlsforge.Error, match="no such file|cannot"):
        convert(ONNX, hls_config="/nonexistent/config.yml")
    with pytest.raises(hlsforge.Error, match="granularity"):
        hlsforge.utils.config_from_onnx_model(ONNX, granularity="layer")


def test_non_finite_input_does_not_crash(model):
    x = random_input(model, rows=4)
    x[0, 0] = np.nan
    x[1, 1] = np.inf
    y = model.predict(x)
    assert np.all(np.isfinite(y))


def test_bad_arguments(model, tmp_path):
    with pytest.raises(hlsforge.Error, match="threads"):
        model.predict(random_input(model), threads=-1)
    with pytest.raises(hlsforge.Error, match="backend"):
        convert(ONNX, backend="quartus")
    m = convert(ONNX, output_dir=str(tmp_path / "p"), clock_period=-1)
    with pytest.raises(hlsforge.Error, match="clock_period"):
        m.write()
