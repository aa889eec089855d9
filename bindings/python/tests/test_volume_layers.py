"""The 3-D layers from Python (Conv3D, Conv3DTranspose, MaxPooling3D, AveragePooling3D, the global 3-D poolings,
ZeroPadding3D, UpSampling3D, Cropping3D): Keras's configs, weights and outputs
(Tests/Fixtures/KerasLayers2, written by Keras), shapes Python infers as the library does, a
volume model that trains and survives a file, and Keras's argument checks."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasLayers2"
NAMES = ("conv3d", "max_pooling3d", "average_pooling3d", "global_max_pooling3d",
         "global_average_pooling3d", "up_sampling3d", "zero_padding3d", "cropping3d")  # fmt: skip
CASES = sorted(p for p in FIXTURES.glob("*.json") if p.stem.startswith(NAMES))


def array(entry):
    return np.asarray(entry["values"], np.float32).reshape(entry["shape"])


def test_every_volume_fixture_is_found():
    assert len(CASES) == 16


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_predicts_what_keras_predicted(path):
    fixture = json.loads(path.read_text())
    layer = layers.deserialize(fixture["layer"])
    assert layer.get_config() == fixture["layer"]["config"]
    x = array(fixture["inputs"][0])
    model = plexus.Sequential([plexus.Input(shape=x.shape[1:]), layer])
    if fixture["weight_order"]:
        model.layers[0].set_weights([array(fixture["weights"][name])
                                     for name in fixture["weight_order"]])  # fmt: skip
    got = model.predict(x, verbose=0)
    expected = array(fixture["output"])
    assert tuple(layer.compute_output_shape((None, *x.shape[1:])))[1:] == got.shape[1:]
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


def test_a_volume_model_trains_and_survives_a_file(tmp_path):
    rng = np.random.default_rng(4)
    brightness = np.where(np.arange(32) % 2 == 1, 1.0, 0.2).reshape(32, 1, 1, 1, 1)
    x = (rng.uniform(size=(32, 4, 6, 6, 1)) * brightness).astype(np.float32)
    y = (np.arange(32) % 2).reshape(32, 1).astype(np.float32)
    model = plexus.Sequential([
        plexus.Input(shape=(4, 6, 6, 1)), layers.ZeroPadding3D(1),
        layers.Conv3D(4, 3, activation="relu"), layers.MaxPool3D(2), layers.UpSampling3D(2),
        layers.Cropping3D(1), layers.AvgPool3D(2, padding="same"),
        layers.Conv3DTranspose(2, 2, strides=(1, 2, 2)),
        layers.GlobalAveragePooling3D(), layers.Dense(1, activation="sigmoid"),
    ])  # fmt: skip
    model.compile(optimizer=plexus.optimizers.Adam(0.05), loss="binary_crossentropy")
    losses = model.fit(x, y, batch_size=8, epochs=10, verbose=0).history["loss"]
    assert losses[-1] < 0.8 * losses[0], losses
    path = tmp_path / "volumes.keras"
    model.save(path)
    restored = plexus.saving.load_model(path)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))


def test_keras_argument_checks():
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv3D(2, (3, 3))
    with pytest.raises(ValueError, match="output_padding"):
        layers.Conv3DTranspose(2, 3, output_padding=(1, 1))
    with pytest.raises(ValueError, match="pool_size"):
        layers.MaxPooling3D((2, 2))
    with pytest.raises(ValueError, match="padding"):
        layers.ZeroPadding3D(((1, 1), (1, 1)))
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling3D((2, 2))
    with pytest.raises(plexus.PlexusError, match="larger than the cropping"):
        plexus.Sequential([plexus.Input(shape=(2, 3, 3, 1)), layers.Cropping3D(1)]).predict(
            np.zeros((1, 2, 3, 3, 1), np.float32), verbose=0)
