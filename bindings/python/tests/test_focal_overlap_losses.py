"""Keras's focal cross-entropies, overlap losses (Dice, Tversky) and the sparse categorical
cross-entropy's `ignore_class` from Python, added at stop 28: values against Keras 3's
(Tests/Fixtures/KerasLosses, written by Keras), configs, the loss functions, names in
compile, and training that lowers them."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers, losses

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasLosses"

CASES = {
    "binary_focal_crossentropy": losses.BinaryFocalCrossentropy,
    "binary_focal_crossentropy_balanced_logits": losses.BinaryFocalCrossentropy,
    "categorical_focal_crossentropy": losses.CategoricalFocalCrossentropy,
    "categorical_focal_crossentropy_logits": losses.CategoricalFocalCrossentropy,
    "dice": losses.Dice,
    "dice_weighted": losses.Dice,
    "dice_axes": losses.Dice,
    "tversky": losses.Tversky,
    "tversky_axis": losses.Tversky,
    "sparse_categorical_crossentropy_ignore_class": losses.SparseCategoricalCrossentropy,
    "sparse_categorical_crossentropy_ignore_class_sum": losses.SparseCategoricalCrossentropy,
}


def _array(entry):
    return np.asarray(entry["values"], np.float32).reshape(entry["shape"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_losses_give_keras_values_and_configs(case):
    fixture = json.loads((FIXTURES / f"loss_{case}.json").read_text())
    config = fixture["loss"]["config"]
    loss = CASES[case].from_config(config)
    assert loss.get_config() == config
    assert losses.get(fixture["loss"]).get_config() == config
    sparse = isinstance(loss, losses.SparseCategoricalCrossentropy)
    for call in fixture["calls"]:
        weight = call["sample_weight"]
        y_true = _array(call["y_true"])
        value = loss(y_true.astype(np.int32) if sparse else y_true, _array(call["y_pred"]),
                     sample_weight=None if weight is None else _array(weight))  # fmt: skip
        expected = np.asarray(call["value"]["values"]).reshape(call["value"]["shape"])
        np.testing.assert_allclose(np.asarray(value), expected, rtol=2e-5, atol=1e-6)


def test_loss_functions_and_names():
    rng = np.random.default_rng(7)
    masks = rng.integers(0, 2, (3, 4, 2)).astype(np.float32)
    scores = rng.random((3, 4, 2), dtype=np.float32)
    per_sample = np.asarray(losses.dice(masks, scores, axis=(1, 2)))
    intersection = (masks * scores).sum(axis=(1, 2))
    expected = 1 - 2 * intersection / (masks.sum(axis=(1, 2)) + scores.sum(axis=(1, 2)) + 1e-7)
    np.testing.assert_allclose(per_sample, expected, rtol=1e-5)
    # Tversky with alpha = beta = 0.5 is the Dice loss.
    np.testing.assert_allclose(
        np.asarray(losses.tversky(masks, scores, axis=(1, 2))), expected, rtol=1e-5)
    # Gamma 0 without class balancing is the binary cross-entropy.
    np.testing.assert_allclose(
        np.asarray(losses.binary_focal_crossentropy(masks, scores, gamma=0.0)),
        np.asarray(losses.binary_crossentropy(masks, scores)), rtol=1e-5)
    for name, cls in [("dice", losses.Dice), ("tversky", losses.Tversky),
                      ("binary_focal_crossentropy", losses.BinaryFocalCrossentropy),
                      ("categorical_focal_crossentropy", losses.CategoricalFocalCrossentropy)]:
        assert isinstance(losses.get(name), cls)


@pytest.mark.parametrize("loss", ["binary_focal_crossentropy", "dice",
                                  losses.Tversky(alpha=0.7, beta=0.3)])  # fmt: skip
def test_training_lowers_the_loss(loss):
    rng = np.random.default_rng(11)
    x = rng.random((64, 6), dtype=np.float32)
    y = (x[:, :3] > 0.5).astype(np.float32)
    model = plexus.Sequential([plexus.Input((6,)), layers.Dense(3, activation="sigmoid")])
    model.compile(optimizer=plexus.optimizers.Adam(0.05), loss=loss)
    history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.8 * history.history["loss"][0]


def test_refuses_bad_settings():
    x = np.zeros((2, 3), np.float32)
    with pytest.raises(plexus.errors.PlexusError, match="axis"):
        losses.Dice(axis=(1, 1))(x, x)
    with pytest.raises(plexus.errors.PlexusError, match="axis"):
        losses.Tversky(axis=5)(x, x)
    with pytest.raises(plexus.errors.PlexusError, match="alpha"):
        losses.BinaryFocalCrossentropy(alpha=float("nan"))(x, x)
    with pytest.raises(plexus.errors.PlexusError, match="CategoricalFocalCrossentropy"):
        losses.CategoricalFocalCrossentropy()(np.zeros((2, 4), np.float32), x)


def test_ignore_class_trains_on_a_void_label():
    rng = np.random.default_rng(2)
    x = rng.random((32, 5), dtype=np.float32)
    y = rng.integers(0, 3, 32).astype(np.int32)
    y[::4] = 255
    model = plexus.Sequential([plexus.Input((5,)), layers.Dense(3)])
    model.compile(optimizer=plexus.optimizers.Adam(0.05),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255))
    history = model.fit(x, y, epochs=4, batch_size=8, verbose=0)
    assert all(np.isfinite(history.history["loss"]))
    # The mean is over the kept labels: equal to the loss of those labels alone.
    kept = y != 255
    logits = model.predict(x, verbose=0)
    alone = losses.SparseCategoricalCrossentropy(from_logits=True)(y[kept], logits[kept])
    both = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=255)(y, logits)
    assert float(both) == pytest.approx(float(alone), rel=1e-5)
