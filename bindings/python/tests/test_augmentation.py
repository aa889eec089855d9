"""The image augmentation layers from Python: Keras's constructors and configs (against the
configs Keras wrote in Tests/Fixtures/KerasAugmentation), what training and inference do,
training through them, files, and Keras's errors."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasAugmentation"


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_configs_are_the_ones_keras_writes(path):
    fixture = json.loads(path.read_text())
    serialized = fixture["layer"]
    layer = layers.deserialize(serialized)
    assert json.loads(json.dumps(layer.get_config())) == serialized["config"]
    images = np.asarray(fixture["images"]["values"], np.float32).reshape(
        fixture["images"]["shape"])
    output = np.asarray(layer(images))
    if fixture["transformation"] is None:
        # Resizing and CenterCrop: Keras's images, at inference too.
        expected = np.asarray(fixture["output"]["values"], np.float32).reshape(
            fixture["output"]["shape"])
        np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-5)
    else:
        # At inference the random layers pass the images through, as float32.
        np.testing.assert_array_equal(output, images)


def test_training_through_augmentation_and_predicting_without_it(tmp_path):
    rng = np.random.default_rng(0)
    inputs = plexus.Input(shape=(6, 6, 1))
    x = layers.RandomFlip("horizontal")(inputs)
    x = layers.RandomRotation(0.05)(x)
    x = layers.RandomZoom(0.1)(x)
    x = layers.RandomBrightness(0.1, value_range=(0, 1))(x)
    features = layers.GlobalAveragePooling2D()(layers.Conv2D(4, 3, activation="relu")(x))
    model = plexus.Model(inputs, layers.Dense(1, activation="sigmoid")(features))
    model.compile(optimizer=plexus.optimizers.Adam(0.05), loss="binary_crossentropy")
    labels = (np.arange(64) % 2).astype("float32")[:, None]
    images = (rng.random((64, 6, 6, 1)) * (0.2 + 0.8 * labels[:, :, None, None])).astype(
        "float32")
    losses = model.fit(images, labels, batch_size=16, epochs=15, verbose=0).history["loss"]
    assert losses[-1] < 0.7 * losses[0], losses
    predicted = model.predict(images, verbose=0)
    # Inference skips the augmentation: the same layers without it predict the same.
    conv, pool, dense = (next(l for l in model.layers if isinstance(l, kind))
                         for kind in (layers.Conv2D, layers.GlobalAveragePooling2D,
                                      layers.Dense))  # fmt: skip
    bare_input = plexus.Input(shape=(6, 6, 1))
    bare = plexus.Model(bare_input, dense(pool(conv(bare_input))))
    np.testing.assert_allclose(bare.predict(images, verbose=0), predicted, rtol=1e-6, atol=1e-7)
    path = tmp_path / "augmented.keras"
    model.save(path)
    again = plexus.saving.load_model(path)
    np.testing.assert_array_equal(again.predict(images, verbose=0), predicted)
    rotation = next(e for e in again.get_config()["layers"] if e["class_name"] == "RandomRotation")
    assert rotation["config"]["factor"] == [-0.05, 0.05]


def test_keras_errors():
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(1.5)
    with pytest.raises(ValueError, match="factor"):
        layers.RandomContrast(-0.2)
    with pytest.raises(ValueError, match="height_factor"):
        layers.RandomZoom(-1.0)
    with pytest.raises(ValueError, match="width_factor"):
        layers.RandomTranslation(0.1, (0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="height_factor"):
        layers.RandomZoom([0.1])
    with pytest.raises(plexus.errors.PlexusError, match="height"):
        layers.Resizing(0, 4)
    with pytest.raises(plexus.errors.PlexusError, match="interpolation"):
        layers.Resizing(4, 4, interpolation="area")
    with pytest.raises(NotImplementedError, match="fill_mode"):
        layers.RandomRotation(0.1, fill_mode="mirror")
    with pytest.raises(NotImplementedError, match="channels-last"):
        layers.RandomFlip(data_format="channels_first")
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomBrightness(0.1, value_range=(0, 1, 2))
    with pytest.raises(plexus.errors.PlexusError, match="fill_value"):
        layers.RandomRotation(0.1, fill_value=float("nan"))
    assert layers.RandomFlip(seed=4).get_config()["mode"] == "horizontal_and_vertical"
