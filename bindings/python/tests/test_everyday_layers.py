"""Everyday Keras layers from Python: the activation layers (ReLU, LeakyReLU, ELU, PReLU,
Softmax, Identity), the 1-D paddings, croppings and up-samplings, and Group and Unit
normalization; against NumPy, in trained models, through saved files, and with Keras's argument
checks. Keras's own numbers are checked in Swift (`Tests/Fixtures/KerasLayers2`)."""

import numpy as np
import pytest

import plexus
from plexus import layers


def numpy_relu(x, max_value=None, negative_slope=0.0, threshold=0.0):
    y = np.where(x >= threshold, x, negative_slope * (x - threshold))
    return np.minimum(y, max_value) if max_value is not None else y


@pytest.mark.parametrize("layer, expected", [
    (layers.ReLU(), lambda x: np.maximum(x, 0)),
    (layers.ReLU(max_value=0.5, negative_slope=0.1, threshold=0.2),
     lambda x: numpy_relu(x, 0.5, 0.1, 0.2)),
    (layers.LeakyReLU(), lambda x: np.where(x >= 0, x, 0.3 * x)),
    (layers.LeakyReLU(alpha=0.05), lambda x: np.where(x >= 0, x, 0.05 * x)),
    (layers.ELU(alpha=0.5), lambda x: np.where(x > 0, x, 0.5 * np.expm1(np.minimum(x, 0)))),
    (layers.Softmax(axis=1), lambda x: np.exp(x) / np.exp(x).sum(axis=1, keepdims=True)),
    (layers.Identity(), lambda x: x),
])  # fmt: skip
def test_each_layer_computes_what_numpy_does(layer, expected):
    x = np.random.default_rng(0).uniform(-1, 1, (3, 4, 5)).astype(np.float32)
    model = plexus.Sequential([plexus.Input(shape=(4, 5)), layer])
    np.testing.assert_allclose(model.predict(x, verbose=0), expected(x), rtol=1e-5, atol=1e-6)


def test_prelu_trains_its_slopes_and_survives_a_file(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((64, 3, 2)).astype(np.float32)
    y = np.where(x > 0, x, 0.5 * x).reshape(64, 6)  # the slope to learn: 0.5
    model = plexus.Sequential([plexus.Input(shape=(3, 2)), layers.PReLU(shared_axes=[1]),
                               layers.Flatten()])  # fmt: skip
    model.compile(optimizer=plexus.optimizers.SGD(0.5), loss="mse")
    model.fit(x, y, batch_size=16, epochs=20, verbose=0)
    (alpha,) = model.layers[0].get_weights()
    assert alpha.shape == (1, 2)
    np.testing.assert_allclose(alpha, 0.5, atol=1e-3)
    path = tmp_path / "prelu.keras"
    model.save(str(path))
    loaded = plexus.saving.load_model(str(path))
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_config()["layers"][1]["config"]["shared_axes"] == [1]


def test_bad_arguments_are_refused_as_keras_refuses_them():
    with pytest.raises(ValueError, match="max_value"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="negative_slope"):
        layers.LeakyReLU(negative_slope=-0.1)
    with pytest.raises(plexus.PlexusError, match="sharedAxes|shared_axes"):
        plexus.Sequential([plexus.Input(shape=(3,)), layers.PReLU(shared_axes=[5])]).predict(
            np.zeros((1, 3), np.float32), verbose=0)


@pytest.mark.parametrize("layer, expected", [
    (layers.ZeroPadding1D((1, 2)), lambda x: np.pad(x, ((0, 0), (1, 2), (0, 0)))),
    (layers.Cropping1D((1, 1)), lambda x: x[:, 1:-1]),
    (layers.UpSampling1D(2), lambda x: np.repeat(x, 2, axis=1)),
    (layers.UnitNormalization(), lambda x: x / np.sqrt((x * x).sum(-1, keepdims=True))),
])  # fmt: skip
def test_one_dimensional_reshaping_and_unit_normalization(layer, expected):
    x = np.random.default_rng(2).uniform(-1, 1, (2, 4, 3)).astype(np.float32)
    model = plexus.Sequential([plexus.Input(shape=(4, 3)), layer])
    got = model.predict(x, verbose=0)
    # The Python side's shape inference agrees with the library.
    assert tuple(layer.compute_output_shape((None, 4, 3)))[1:] == got.shape[1:]
    np.testing.assert_allclose(got, expected(x), rtol=1e-5, atol=1e-6)


def test_group_normalization_normalizes_each_group_and_trains(tmp_path):
    x = np.random.default_rng(3).standard_normal((8, 5, 4)).astype(np.float32) * 3 + 1
    model = plexus.Sequential([plexus.Input(shape=(5, 4)), layers.GroupNormalization(groups=2)])
    got = model.predict(x, verbose=0)
    groups = x.reshape(8, 5, 2, 2)
    mean = groups.mean(axis=(1, 3), keepdims=True)
    variance = groups.var(axis=(1, 3), keepdims=True)
    expected = ((groups - mean) / np.sqrt(variance + 1e-3)).reshape(8, 5, 4)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, x, epochs=2, verbose=0)
    path = tmp_path / "group.keras"
    model.save(str(path))
    np.testing.assert_allclose(plexus.saving.load_model(str(path)).predict(x, verbose=0),
                               model.predict(x, verbose=0), rtol=1e-6)  # fmt: skip


def test_activity_regularization_adds_its_penalty_to_the_loss():
    x = np.array([[1.0, -2.0], [3.0, -4.0]], np.float32)
    model = plexus.Sequential([plexus.Input(shape=(2,)), layers.ActivityRegularization(l1=0.5, l2=0.25),
                               layers.GaussianDropout(0.2)])  # fmt: skip
    model.compile(optimizer=plexus.optimizers.SGD(0.0), loss="mse")
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)  # the identity at inference
    loss = model.evaluate(x, x, verbose=0)
    # The outputs equal the targets: the loss is the penalty alone, (0.5·10 + 0.25·30) / 2.
    assert loss == pytest.approx((0.5 * 10 + 0.25 * 30) / 2, rel=1e-6)
    with pytest.raises(ValueError, match="rate"):
        layers.GaussianDropout(1.0)


def test_reshaping_and_group_arguments_are_checked_as_keras_checks_them():
    assert layers.ZeroPadding1D(np.int64(2)).padding == (2, 2)
    for bad in (-1, (1, -2), 1.5, True):
        with pytest.raises(ValueError, match="padding"):
            layers.ZeroPadding1D(bad)
    with pytest.raises(ValueError, match="size"):
        layers.UpSampling1D(2.5)
    with pytest.raises(TypeError, match="groups"):
        layers.GroupNormalization(groups=2.7)


def test_group_normalizations_one_group_per_channel_resolves_in_its_config_as_in_keras():
    # Keras's build turns groups=-1 into the channel count, which the config then holds.
    layer = layers.GroupNormalization(groups=-1, axis=1)
    assert layer.get_config()["groups"] == -1
    layer(plexus.Input(shape=(3, 4)))
    assert layer.get_config()["groups"] == 3
    in_sequential = layers.GroupNormalization(groups=-1)
    model = plexus.Sequential([plexus.Input(shape=(5, 4)), in_sequential])
    x = np.random.default_rng(0).standard_normal((2, 5, 4)).astype("float32")
    model.predict(x, verbose=0)
    assert in_sequential.get_config()["groups"] == 4
    # One group per channel normalizes each channel over the steps.
    expected = (x - x.mean(axis=1, keepdims=True)) / np.sqrt(x.var(axis=1, keepdims=True) + 1e-3)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-4, atol=1e-5)
