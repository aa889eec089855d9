"""Conv1DTranspose from Python: Keras's values and configs (Tests/Fixtures/KerasLayers,
written by Keras), output lengths, and Keras's errors."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasLayers"


def _array(entry):
    return np.asarray(entry["values"], np.float64).reshape(entry["shape"])


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("conv1d_transpose_*.json")),
                         ids=lambda p: p.stem)  # fmt: skip
def test_outputs_match_keras(path):
    fixture = json.loads(path.read_text())
    layer = layers.deserialize(fixture["layer"])
    assert layer.get_config() == fixture["layer"]["config"]
    x = _array(fixture["input"]).astype("float32")
    layer.build((None, *x.shape[1:]))
    layer.set_weights([_array(fixture["weights"][name]) for name in fixture["weight_order"]])
    expected = _array(fixture["output"])
    np.testing.assert_allclose(np.asarray(layer(x)), expected, rtol=1e-5, atol=1e-5)


def test_lengths_and_errors():
    x = plexus.Input(shape=(7, 4))
    assert tuple(layers.Conv1DTranspose(3, 3, strides=2)(x).shape) == (None, 15, 3)
    same = layers.Conv1DTranspose(3, 3, strides=2, padding="same", output_padding=1)
    assert tuple(same(x).shape) == (None, 14, 3)
    model = plexus.Model(x, same.output)
    assert model.predict(np.zeros((2, 7, 4), "float32"), verbose=0).shape == (2, 14, 3)
    with pytest.raises(plexus.errors.PlexusError, match="output_padding"):
        layers.Conv1DTranspose(2, 3, strides=2, output_padding=2)
    assert layers.Convolution1DTranspose is layers.Conv1DTranspose
