"""The PyTorch helper: exports through torch.onnx and converts; without
torch it raises ImportError with a clear message."""
import importlib.util

import numpy as np
import pytest

import hlsforge

HAVE_TORCH = importlib.util.find_spec("torch") is not None


@pytest.mark.skipif(HAVE_TORCH, reason="torch is installed: the helper is tested below")
def test_without_torch_the_helper_says_what_is_missing():
    with pytest.raises(ImportError, match="needs PyTorch"):
        hlsforge.converters.convert_from_pytorch_model(object(), (1, 4))


@pytest.mark.skipif(not HAVE_TORCH, reason="PyTorch (python3-torch) is not installed")
def test_pytorch_mlp_converts_and_predicts(tmp_path):
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    model = hlsforge.converters.convert_from_pytorch_model(net, (1, 8), output_dir=str(tmp_path / "prj"),
                                                           onnx_path=str(tmp_path / "m.onnx"))
    x = np.random.default_rng(0).standard_normal((32, 8)).astype(np.float32)
    with torch.no_grad():
        ref = net(torch.from_numpy(x)).numpy()
    assert np.allclose(model.predict(x, float=True), ref, atol=1e-5)
    assert np.max(np.abs(model.predict(x) - ref)) < 0.1
