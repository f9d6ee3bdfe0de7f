"""write() + build(csim=True): the generated HLS project's C simulation
(g++) equals predict and trace bit for bit (one small model: g++ is slow)."""
import os
import shutil

import numpy as np
import pytest

from conftest import REPO, convert, random_input

ONNX = os.path.join(REPO, "tests", "data", "models", "onnx", "three_layer_keras.onnx")


@pytest.mark.skipif(shutil.which("g++") is None, reason="needs g++ for the C simulation")
def test_build_csim_equals_predict_and_trace(tmp_path):
    prj = tmp_path / "prj"
    model = convert(ONNX, output_dir=str(prj), project_name="tiny")
    x = random_input(model, rows=20, seed=9)
    model.write(tb_input=x)
    assert (prj / "firmware" / "tiny.cpp").exists() and (prj / "build_prj.tcl").exists()
    y, trace = model.build(csim=True, x=x, trace=True)
    yp = model.predict(x)
    assert y.shape == yp.shape
    assert np.array_equal(y, yp)
    tp = model.trace(x)
    assert sorted(trace) == sorted(tp)
    for k in tp:
        assert np.array_equal(trace[k], tp[k]), k
    assert any(np.ptp(v) > 0 for v in tp.values())
    # Without x: the project's own testbench inputs (those written above).
    assert np.array_equal(model.build(csim=True), yp)


def test_synthesis_needs_the_vendor_tool(tmp_path):
    model = convert(ONNX, output_dir=str(tmp_path / "p"))
    with pytest.raises(Exception, match="Vitis HLS"):
        model.build(csim=False, synth=True)


def test_verilog_write(tmp_path):
    path = os.path.join(REPO, "tests", "data", "models", "onnx", "bnn_model_fc_1layer.onnx")
    model = convert(path, output_dir=str(tmp_path / "rtl"), backend="verilog")
    model.write()
    assert any(f.endswith(".v") for _, _, fs in os.walk(tmp_path / "rtl") for f in fs)
