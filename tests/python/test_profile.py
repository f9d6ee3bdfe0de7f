"""Overflow / saturation / rounded-to-zero counters: a hand-built case with
exactly known counts, a numpy reference for a Dense layer, the CLI table,
and the profiling figures' precision bands."""
import os

import numpy as np
import pytest

import hlsforge
from conftest import REPO, convert, random_input

ONNX = os.path.join(REPO, "tests", "data", "models", "onnx", "three_layer_keras.onnx")

# Input values against an input type fixed<4,2> (range [-2, 1.75], LSB 0.25).
ROW = [5.0, -3.0, 1.75, 0.1, -0.1, 0.2, 1.9, 2.0, -2.1, -2.0, 0.0]
# TRN + WRAP: out of range after flooring to the LSB: 5.0, -3.0, 2.0, -2.1
# (floor -2.25); rounded to zero: 0.1, 0.2 (-0.1 floors to -0.25).
TRN_WRAP = dict(wrapped=4, saturated=0, rounded_to_zero=2)
# RND + SAT: 1.9 rounds to 2.0 (out), -2.1 rounds to -2.0 (in); rounded to
# zero: 0.1, -0.1 (0.2 rounds to 0.25).
RND_SAT = dict(wrapped=0, saturated=4, rounded_to_zero=2)


def _input_layer(cfg):
    return next(iter(cfg["LayerName"]))


def _model_with_input_type(t):
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    cfg["LayerName"][_input_layer(cfg)]["Precision"]["result"] = t
    return convert(ONNX, hls_config=cfg), _input_layer(cfg)


def _rows(model, rows=3):
    n = int(np.prod(model.input_shape))
    x = np.zeros((rows, n), np.float32)
    x[:, : len(ROW)] = ROW
    return x


@pytest.mark.parametrize("t,expected", [("fixed<4,2>", TRN_WRAP), ("fixed<4,2,RND,SAT>", RND_SAT)])
def test_hand_built_input_counts(t, expected):
    model, name = _model_with_input_type(t)
    x = _rows(model, rows=3)
    c = hlsforge.profiling.counters(model, x)[0]
    assert c["layer"] == name and c["type"].startswith("ap_fixed<4,2") and c["exact"]
    assert c["values"] == x.size
    for k, v in expected.items():
        assert c[k] == 3 * v, k
    assert c["min"] == -3.0 and c["max"] == 5.0


def test_dense_counts_equal_a_numpy_reference():
    # The first Dense layer's outputs before the cast, from the same model
    # with that layer's result type wide enough to hold them exactly.
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    names = list(cfg["LayerName"])
    dense = next(n for n in names if "accum" in cfg["LayerName"][n]["Precision"])
    cfg["LayerName"][dense]["Precision"]["accum"] = "fixed<32,12>"
    cfg["LayerName"][dense]["Precision"]["weight"] = "fixed<12,2>"
    cfg["LayerName"][dense]["Precision"]["bias"] = "fixed<12,2>"
    cfg["LayerName"][dense]["Precision"]["result"] = "fixed<40,20>"
    wide = convert(ONNX, hls_config=cfg)
    x = random_input(wide, rows=200, seed=4, scale=3.0)
    v = wide.trace(x)[dense]
    cfg["LayerName"][dense]["Precision"]["result"] = "fixed<7,2>"  # TRN, WRAP; LSB 1/32, range [-2, 2)
    narrow = convert(ONNX, hls_config=cfg)
    c = next(e for e in hlsforge.profiling.counters(narrow, x) if e["layer"] == dense)
    r = np.floor(v * 32)
    out = (r > 63) | (r < -64)
    assert c["exact"]
    assert c["values"] == v.size
    assert c["wrapped"] == int(out.sum()) and c["wrapped"] > 0
    assert c["saturated"] == 0
    assert c["rounded_to_zero"] == int(((r == 0) & (v != 0)).sum())
    assert c["min"] == v.min() and c["max"] == v.max()
    # The emulator's own output is the wrapped value of the same numbers.
    y = narrow.trace(x)[dense]
    assert np.array_equal(y * 32, ((r + 64) % 128) - 64)


def test_cli_profile_table(tmp_path, cli):
    model, name = _model_with_input_type("fixed<4,2>")
    x = _rows(model, rows=2)
    np.save(tmp_path / "x.npy", x)
    (tmp_path / "c.yml").write_text("Model:\n  Precision:\n    default: fixed<16,6>\n  ReuseFactor: 1\n"
                                    f"LayerName:\n  {name}:\n    Precision:\n      result: fixed<4,2>\n")
    out = cli("profile", ONNX, "-c", tmp_path / "c.yml", "-i", tmp_path / "x.npy")
    line = next(l for l in out.splitlines() if l.startswith(name + " "))
    cells = line.split()
    assert cells[1] == "ap_fixed<4,2>" and cells[2] == str(x.size)
    assert cells[3] == "8" and cells[5] == "0" and cells[7] == "4", line  # wrapped, saturated, rounded to 0
    assert "total:" in out


def test_numerical_figures_bands_match_the_config():
    pytest.importorskip("matplotlib")
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    dense = next(n for n in cfg["LayerName"] if "weight" in cfg["LayerName"][n]["Precision"])
    cfg["LayerName"][dense]["Precision"]["weight"] = "fixed<8,1>"
    cfg["LayerName"][dense]["Precision"]["result"] = "fixed<10,4>"
    model = convert(ONNX, hls_config=cfg)
    x = random_input(model, rows=50, seed=1)
    wfig, afig = hlsforge.profiling.numerical(model, x)
    wbands = {label: (lo, hi) for label, lo, hi in wfig.axes[0].bands}
    assert wbands[f"{dense}/weight"] == (-7.0, 0.0)  # LSB 2^-7, max 1 - 2^-7 -> log2 |min| = 0
    abands = {label: (lo, hi) for label, lo, hi in afig.axes[0].bands}
    assert abands[dense] == (-6.0, 3.0)
    assert hlsforge.profiling.type_band("ufixed<8,3>") == (-5.0, np.log2(8 - 2**-5))
    wfig2, none = hlsforge.profiling.numerical(model)
    assert none is None and len(wfig2.axes[0].bands) == len(wbands)
