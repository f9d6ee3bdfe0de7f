"""hlsforge.utils.config_from_*_model: the dict `hlsforge config` writes,
and a config dict that changes the arithmetic."""
import os

import numpy as np
import pytest

import hlsforge
from conftest import REPO, convert, random_input

ONNX = os.path.join(REPO, "tests", "data", "models", "onnx", "three_layer_keras.onnx")
KERAS = os.path.join(REPO, "tests", "data", "models", "keras", "KERAS_3layer.json")


def test_config_dict_has_the_yaml_layout():
    cfg = hlsforge.utils.config_from_onnx_model(ONNX, granularity="name")
    assert cfg["Model"]["Precision"]["default"] == "fixed<16,6>"
    assert cfg["Model"]["ReuseFactor"] == 1 and cfg["Model"]["TraceOutput"] is False
    assert all("Precision" in v for v in cfg["LayerName"].values())
    assert "LayerName" not in hlsforge.utils.config_from_onnx_model(ONNX, granularity="model")
    kc = hlsforge.utils.config_from_keras_model(KERAS, granularity="type", default_precision="fixed<18,8>",
                                                default_reuse_factor=2)
    assert kc["Model"]["Precision"]["default"] == "fixed<18,8>" and kc["Model"]["ReuseFactor"] == 2
    assert "LayerType" in kc


def test_generated_config_equals_the_cli_file(tmp_path, cli):
    # The dict and the YAML `hlsforge config` writes configure the same model.
    cli("config", ONNX, "-o", tmp_path / "c.yml")
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    a = convert(ONNX, hls_config=cfg)
    b = convert(ONNX, hls_config=str(tmp_path / "c.yml"))
    x = random_input(a, rows=32, seed=11)
    assert np.array_equal(a.predict(x), b.predict(x))
    assert a.summary() == b.summary()


def test_precision_in_the_dict_changes_the_result():
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    base = convert(ONNX, hls_config=cfg)
    x = random_input(base, rows=64, seed=5)
    y0 = base.predict(x)
    for name in cfg["LayerName"]:
        cfg["LayerName"][name]["Precision"]["result"] = "fixed<6,3>"
    coarse = convert(ONNX, hls_config=cfg)
    y1 = coarse.predict(x)
    assert not np.array_equal(y0, y1)
    assert np.all(np.abs(y1) <= 4) and np.all(np.abs(y1 * 8 - np.round(y1 * 8)) == 0)  # fixed<6,3> values


def test_compile_applies_edits_to_model_config():
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    m = convert(ONNX, hls_config=cfg)
    x = random_input(m, rows=16, seed=2)
    y0 = m.predict(x)
    m.config["Model"]["Precision"]["default"] = "fixed<8,3>"
    for v in m.config["LayerName"].values():
        for slot in v["Precision"]:
            v["Precision"][slot] = "fixed<8,3>"
    m.compile()
    assert not np.array_equal(m.predict(x), y0)


def test_io_type_override_reaches_the_plan():
    m = convert(ONNX, io_type="io_stream")
    assert {p["io_type"] for p in m.hardware_plan().values() if p} == {"io_stream"}
    assert m._core.io_type == "io_stream"
    with pytest.raises(hlsforge.Error, match="io_type"):
        convert(ONNX, io_type="io_serial")
