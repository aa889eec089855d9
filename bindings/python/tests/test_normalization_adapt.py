"""Normalization.adapt from Python: the statistics NumPy computes, used by the model, kept by a
saved model, and refused where they cannot apply."""

import numpy as np
import pytest

import plexus
from plexus import layers


def test_adapt_learns_the_mean_and_variance_and_the_model_uses_them(tmp_path):
    rng = np.random.default_rng(0)
    x = (rng.standard_normal((64, 3)) * [1, 5, 0.1] + [2, -3, 7]).astype("float32")
    norm = layers.Normalization()
    norm.adapt(x)
    np.testing.assert_allclose(norm.mean, x.astype(np.float64).mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(norm.variance, x.astype(np.float64).var(axis=0), rtol=1e-5)
    # As in Keras, the config holds no statistics: the weights do.
    assert norm.get_config()["mean"] is None
    model = plexus.Sequential([plexus.Input(shape=(3,)), norm])
    got = model.predict(x, verbose=0)
    # Normalized: zero mean and unit variance per feature.
    np.testing.assert_allclose(got.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(got.var(axis=0), 1, rtol=1e-4)
    path = tmp_path / "norm.keras"
    model.save(str(path))
    again = plexus.saving.load_model(str(path))
    np.testing.assert_allclose(again.predict(x, verbose=0), got, rtol=1e-6)


def test_adapt_keeps_the_axis_given():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    norm = layers.Normalization(axis=1)
    norm.adapt(x)
    np.testing.assert_allclose(norm.mean, x.mean(axis=(0, 2)))
    assert np.shape(norm.variance) == (3,)


def test_adapt_is_refused_where_it_cannot_apply():
    given = layers.Normalization(mean=[0.0], variance=[1.0])
    with pytest.raises(ValueError, match="given them"):
        given.adapt(np.ones((4, 1), np.float32))
    with pytest.raises(ValueError, match="needs data"):
        layers.Normalization().adapt(np.zeros((0, 3), np.float32))


def test_adapt_after_building_writes_the_weights():
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((32, 2)) * [3, 0.5] + [1, -1]).astype("float32")
    norm = layers.Normalization()
    model = plexus.Sequential([plexus.Input(shape=(2,)), norm])
    np.testing.assert_allclose(model.predict(x, verbose=0), x, rtol=1e-6)  # mean 0, variance 1
    norm.adapt(x)
    got = model.predict(x, verbose=0)
    np.testing.assert_allclose(got.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(got.var(axis=0), 1, rtol=1e-4)


def test_adapting_again_after_building_replaces_the_statistics():
    rng = np.random.default_rng(2)
    first = (rng.standard_normal((64, 2)) * [2, 3] + [5, -5]).astype("float32")
    second = (rng.standard_normal((64, 2)) * [0.5, 4] + [-1, 1]).astype("float32")
    norm = layers.Normalization()
    norm.adapt(first)
    model = plexus.Sequential([plexus.Input(shape=(2,)), norm])
    np.testing.assert_allclose(model.predict(first, verbose=0).mean(axis=0), 0, atol=1e-5)
    norm.adapt(second)
    got = model.predict(second, verbose=0)
    np.testing.assert_allclose(got.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(got.var(axis=0), 1, rtol=1e-4)


def test_adapted_statistics_are_weights_in_the_weights_file(tmp_path):
    # A model without a declared input builds the adapted layer from the data's shape.
    x = np.random.default_rng(3).standard_normal((32, 3)).astype("float32") * 4 + 2
    norm = layers.Normalization()
    norm.adapt(x)
    model = plexus.Sequential([norm, layers.Dense(1)])
    got = model.predict(x, verbose=0)
    path = str(tmp_path / "adapted.weights.h5")
    model.save_weights(path)
    fresh = plexus.Sequential([plexus.Input(shape=(3,)), layers.Normalization(), layers.Dense(1)])
    fresh.load_weights(path)
    np.testing.assert_allclose(fresh.predict(x, verbose=0), got, rtol=1e-5, atol=1e-6)
    paths = [v.path.rsplit("/", 1)[-1] for v in fresh.layers[0].weights]
    assert {"mean", "variance"} <= set(paths)
