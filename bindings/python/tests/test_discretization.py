"""Discretization from Python: Keras's configs and outputs, and adapt learning Keras's
boundaries (Tests/Fixtures/KerasDiscretization, written by Keras), in a model that trains and
saves, and Keras's errors."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasDiscretization"
CASES = sorted(FIXTURES.glob("*.json"))


def array(entry):
    values = [float(v) for v in entry["values"]]  # "nan", "inf" and "-inf" as Python reads them
    return np.asarray(values, entry["dtype"]).reshape(entry["shape"])


def test_every_fixture_is_found():
    assert len(CASES) == 21


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_buckets_as_keras(path):
    fixture = json.loads(path.read_text())
    layer = layers.deserialize(fixture["layer"])
    assert layer.get_config() == fixture["layer"]["config"]
    expected = array(fixture["output"])
    result = np.asarray(layer(array(fixture["input"])))
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("path", [p for p in CASES if p.stem.startswith("adapt")],
                         ids=lambda p: p.stem)  # fmt: skip
def test_adapt_learns_keras_boundaries(path):
    fixture = json.loads(path.read_text())
    config = fixture["layer"]["config"]
    layer = layers.Discretization(num_bins=config["num_bins"], epsilon=config["epsilon"],
                                  output_mode=config["output_mode"])  # fmt: skip
    batches = [array(b) for b in fixture["adapt_batches"]]
    layer.adapt(batches if len(batches) > 1 else batches[0])
    assert layer.bin_boundaries == fixture["bin_boundaries"]
    np.testing.assert_array_equal(
        np.asarray(layer(array(fixture["input"]))), array(fixture["output"])
    )


def test_trains_and_saves_in_a_model(tmp_path):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(64, 2)).astype("float32")
    y = (x[:, :1] > 0.3).astype("float32")
    buckets = layers.Discretization(num_bins=5, output_mode="one_hot")
    buckets.adapt(x)
    assert len(buckets.bin_boundaries) == 4
    inputs = plexus.Input(shape=(2,))
    encoded = buckets(inputs)
    assert tuple(encoded.shape) == (None, 2, 5)
    model = plexus.Model(inputs, layers.Dense(1, activation="sigmoid")(layers.Flatten()(encoded)))
    model.compile(optimizer=plexus.optimizers.Adam(0.1), loss="binary_crossentropy")
    losses = model.fit(x, y, epochs=20, batch_size=16, verbose=0).history["loss"]
    assert losses[-1] < 0.5 * losses[0], losses
    path = tmp_path / "buckets.keras"
    model.save(path)
    restored = plexus.saving.load_model(path)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_adapting_again_replaces_the_boundaries():
    layer = layers.Discretization(num_bins=2)
    x = np.array([[0.5, 1.5, 2.5]], "float32")
    layer.adapt(np.array([0.0, 1.0, 2.0, 3.0], "float32"))
    first = np.asarray(layer(x))
    layer.adapt(np.array([10.0, 11.0, 12.0, 13.0], "float32"))
    np.testing.assert_array_equal(np.asarray(layer(x)), [[0, 0, 0]])
    assert not np.array_equal(first, [[0, 0, 0]])
    # Once a model holding it is made, the boundaries it was made with stay: adapt says so.
    model = plexus.Sequential([plexus.Input(shape=(3,)), layer])
    model.predict(x, verbose=0)
    with pytest.raises(ValueError, match="adapt before making a model"):
        layer.adapt(np.array([1.0, 2.0], "float32"))


def test_keras_errors():
    with pytest.raises(ValueError, match="either `num_bins` or `bin_boundaries`"):
        layers.Discretization()
    with pytest.raises(ValueError, match="should not be set"):
        layers.Discretization(bin_boundaries=[1.0], num_bins=3)
    with pytest.raises(ValueError, match="num_bins"):
        layers.Discretization(num_bins=-1)
    with pytest.raises(ValueError, match="output_mode"):
        layers.Discretization(bin_boundaries=[1.0], output_mode="tf_idf")
    with pytest.raises(ValueError, match="Cannot adapt"):
        layers.Discretization(bin_boundaries=[1.0]).adapt(np.ones(3))
    with pytest.raises(ValueError, match="NaN or infinity"):
        layers.Discretization(num_bins=2).adapt(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="needs data"):
        layers.Discretization(num_bins=2).adapt([])
    # The library refuses what Keras would garble.
    with pytest.raises(plexus.errors.PlexusError, match="ascending or descending"):
        layers.Discretization(bin_boundaries=[0.0, 2.0, 1.0])(np.ones((1, 2), "float32"))
    unadapted = layers.Discretization(num_bins=3)
    with pytest.raises(plexus.errors.PlexusError, match="adapt"):
        unadapted(np.ones((1, 2), "float32"))
