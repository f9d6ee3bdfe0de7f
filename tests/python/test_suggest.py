"""Suggested precisions (profiling.suggest_config, hlsforge profile
--suggest-config) and the HTML/SVG report (profiling.report, --report), on
hand-built cases whose answer is known."""
import os
import re
import subprocess

import numpy as np
import pytest

import hlsforge
from conftest import CLI, REPO, convert, random_input

ONNX = os.path.join(REPO, "tests", "data", "models", "onnx", "three_layer_keras.onnx")
# Input values: the extremes -3.0 and 5.0 need 4 integer bits (signed).
ROW = [5.0, -3.0, 1.75, 0.1, -0.1, 0.2, 1.9, 2.0, -2.1, -2.0, 0.0]


def _config(input_type):
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    name = next(iter(cfg["LayerName"]))
    cfg["LayerName"][name]["Precision"]["result"] = input_type
    return cfg, name


def _rows(model, rows=3, scale=1.0):
    x = np.zeros((rows, int(np.prod(model.input_shape))), np.float32)
    x[:, : len(ROW)] = np.array(ROW, np.float32) * scale
    return x


@pytest.mark.parametrize("t,expected", [
    ("fixed<4,2>", "fixed<6,4>"),                  # widened: floor(5*4) = 20 needs 6 bits
    ("fixed<4,2,RND,SAT>", "fixed<6,4,RND,SAT>"),  # modes kept
    ("fixed<16,6>", "fixed<14,4>"),                # narrowed: 5*1024 = 5120 needs 14 bits
    ("ufixed<8,4>", "fixed<8,4>"),                 # negative data: signed; 5*16 = 80 needs 8 bits
])
def test_input_type_suggestion(t, expected):
    cfg, name = _config(t)
    model = convert(ONNX, hls_config=cfg)
    x = _rows(model)
    c = hlsforge.profiling.counters(model, x)[0]
    assert c["layer"] == name and c["suggested"] == expected
    r = hlsforge.profiling.suggest_config(model, x, details=True)
    assert r["config"]["LayerName"][name]["Precision"]["result"] == expected
    assert (name, t, expected) in r["changes"]


def test_dense_suggestion_equals_numpy_and_removes_overflow(tmp_path):
    cfg = hlsforge.utils.config_from_onnx_model(ONNX)
    dense = next(n for n in cfg["LayerName"] if "accum" in cfg["LayerName"][n]["Precision"])
    p = cfg["LayerName"][dense]["Precision"]
    p.update(accum="fixed<32,12>", weight="fixed<12,2>", bias="fixed<12,2>", result="fixed<40,20>")
    wide = convert(ONNX, hls_config=cfg)
    x = random_input(wide, rows=200, seed=7, scale=3.0)
    v = wide.trace(x)[dense]
    p["result"] = "fixed<7,2>"  # TRN, WRAP, LSB 1/32: the data overflows it
    narrow = convert(ONNX, hls_config=cfg)
    before = next(e for e in hlsforge.profiling.counters(narrow, x) if e["layer"] == dense)
    assert before["wrapped"] > 0
    r = np.floor(v * 32).astype(np.int64)
    w = next(w for w in range(1, 65) if r.min() >= -(2 ** (w - 1)) and r.max() <= 2 ** (w - 1) - 1)
    expected = f"fixed<{w},{w - 5}>"
    s = hlsforge.profiling.suggest_config(narrow, x, output=tmp_path / "s.yml", details=True)
    assert s["converged"] and s["config"]["LayerName"][dense]["Precision"]["result"] == expected
    assert s["config"]["LayerName"][dense]["Precision"]["accum"] == "fixed<32,12>"  # other keys kept
    # Under the suggested config nothing wraps or saturates on the same data.
    again = convert(ONNX, hls_config=str(tmp_path / "s.yml"))
    after = hlsforge.profiling.counters(again, x)
    assert all(e["wrapped"] == 0 and e["saturated"] == 0 for e in after if e["values"])
    assert next(e for e in after if e["layer"] == dense)["type"] == "ap_fixed<%d,%d>" % (w, w - 5)


def test_cli_suggest_config_and_report(tmp_path, cli):
    cfg, name = _config("fixed<4,2>")
    model = convert(ONNX, hls_config=cfg)
    x = _rows(model, rows=2)
    np.save(tmp_path / "x.npy", x)
    (tmp_path / "c.yml").write_text("Model:\n  Precision:\n    default: fixed<16,6>\n  ReuseFactor: 1\n"
                                    f"LayerName:\n  {name}:\n    Precision:\n      result: fixed<4,2>\n")
    out = cli("profile", ONNX, "-c", tmp_path / "c.yml", "-i", tmp_path / "x.npy",
              "--suggest-config", tmp_path / "s.yml", "--report", tmp_path / "rep")
    assert f"{name}: fixed<4,2> -> fixed<6,4>" in out
    assert "with them: 0 values wrapped or saturated" in out
    yml = (tmp_path / "s.yml").read_text()
    assert re.search(rf"{re.escape(name)}:\s*\n\s*Precision:\s*\n\s*result: fixed<6,4>", yml), yml
    # The written config loads back and profiles clean.
    again = cli("profile", ONNX, "-c", tmp_path / "s.yml", "-i", tmp_path / "x.npy")
    assert "0 wrapped, 0 saturated" in again
    html = (tmp_path / "rep" / "index.html").read_text()
    assert "<table>" in html and "fixed&lt;6,4&gt;" in html and name in html
    svg = (tmp_path / "rep" / "activations.svg").read_text()
    assert svg.startswith("<svg") and svg.count('class="box"') >= 2
    assert (tmp_path / "rep" / "weights.svg").read_text().count('class="band"') >= 2
    # A second report replaces the first; a non-report directory is refused.
    cli("profile", ONNX, "-i", tmp_path / "x.npy", "--report", tmp_path / "rep")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("x")
    r = subprocess.run([CLI, "profile", ONNX, "-i", tmp_path / "x.npy", "--report",
                        tmp_path / "other"], capture_output=True, text=True)
    assert r.returncode == 2 and str(tmp_path / "other") in r.stderr
    assert (tmp_path / "other" / "keep.txt").exists()


def test_report_bands_follow_the_types(tmp_path):
    cfg, name = _config("fixed<10,3>")  # LSB 2^-7, largest magnitude 4
    model = convert(ONNX, hls_config=cfg)
    x = random_input(model, rows=20, seed=3)
    path = hlsforge.profiling.report(model, x, tmp_path / "r")
    assert os.path.exists(path)
    svg = (tmp_path / "r" / "activations.svg").read_text()
    first = re.search(r'<rect class="band"[^>]*><title>([-0-9.e]+) \.\. ([-0-9.e]+)</title>', svg)
    assert first and float(first.group(1)) == -7.0 and float(first.group(2)) == 2.0
