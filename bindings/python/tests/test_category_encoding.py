"""CategoryEncoding from Python: Keras's values and configs (Tests/Fixtures/KerasLayers2,
written by Keras), in a model, and Keras's errors."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasLayers2"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("category_encoding_*.json")),
                         ids=lambda p: p.stem)  # fmt: skip
def test_encodes_as_keras(path):
    fixture = json.loads(path.read_text())
    layer = layers.deserialize(fixture["layer"])
    assert layer.get_config() == fixture["layer"]["config"]
    entry = fixture["inputs"][0]
    ids = np.asarray(entry["values"], np.int32).reshape(entry["shape"])
    expected = np.asarray(fixture["output"]["values"]).reshape(fixture["output"]["shape"])
    np.testing.assert_array_equal(np.asarray(layer(ids)), expected)


def test_in_a_model():
    rng = np.random.default_rng(2)
    ids = plexus.Input(shape=(3,), dtype="int32")
    encoded = layers.CategoryEncoding(num_tokens=8, output_mode="count")(ids)
    assert tuple(encoded.shape) == (None, 8)
    model = plexus.Model(ids, layers.Dense(1)(encoded))
    model.compile(optimizer=plexus.optimizers.Adam(0.1), loss="mse")
    x = rng.integers(0, 8, size=(64, 3)).astype("int32")
    y = (x == 3).sum(axis=1, keepdims=True).astype("float32")
    losses = model.fit(x, y, epochs=30, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < 0.1 * losses[0], losses


def test_keras_errors():
    with pytest.raises(ValueError, match="num_tokens must be set"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="num_tokens"):
        layers.CategoryEncoding(0)
    with pytest.raises(ValueError, match="output_mode"):
        layers.CategoryEncoding(3, output_mode="tf_idf")
    assert layers.CategoryEncoding(3, output_mode="binary").get_config()["output_mode"] == (
        "multi_hot")
