"""Failures raise the PlexusError subclass of their px_status, carrying the C library's
message, and the built-in exception a Python user would catch."""

import numpy as np
import pytest

import plexus
from plexus import layers

from helpers import blobs, compiled_mlp, mlp

pytestmark = pytest.mark.exports("px_layer_create", "px_model_fit")


def test_status_classes_subclass_the_builtin_exceptions():
    assert issubclass(plexus.InvalidArgumentError, ValueError)
    assert issubclass(plexus.InvalidStateError, RuntimeError)
    assert issubclass(plexus.UnsupportedError, NotImplementedError)
    assert issubclass(plexus.OutOfMemoryError, MemoryError)
    assert issubclass(plexus.PlexusIOError, OSError)
    for cls in (plexus.InvalidArgumentError, plexus.CancelledError, plexus.InternalError):
        assert issubclass(cls, plexus.PlexusError)
    error = plexus.errors.error_for_status(7, "px_x: reading 'f' failed")
    assert isinstance(error, plexus.PlexusIOError) and str(error) == "px_x: reading 'f' failed"
    assert error.status == 7


def test_star_import_leaves_the_builtin_ioerror_alone():
    namespace = {}
    exec("from plexus import *", namespace)
    assert "IOError" not in namespace
    assert namespace["PlexusIOError"] is plexus.PlexusIOError
    assert "IOError" not in plexus.__all__ and not hasattr(plexus, "IOError")
    assert plexus.errors.IOError is plexus.PlexusIOError  # the former name, in plexus.errors
    assert "IOError" not in plexus.errors.__all__


def test_bad_layer_argument_raises_at_construction_with_the_c_message():
    with pytest.raises(plexus.InvalidArgumentError, match="no_such_activation") as info:
        layers.Dense(4, activation="no_such_activation")
    assert info.value.status == plexus.STATUS_INVALID_ARGUMENT
    assert isinstance(info.value, ValueError)
    with pytest.raises(ValueError, match="padding"):
        layers.Conv2D(4, 3, padding="full")
    with pytest.raises(ValueError, match="channels_last"):
        layers.Conv2D(4, 3, data_format="channels_first")


def test_wrong_input_shape_names_the_shapes():
    model = compiled_mlp()
    with pytest.raises(plexus.InvalidArgumentError) as info:
        model.predict(np.ones((2, 5), np.float32), verbose=0)
    message = str(info.value)
    assert "5" in message and "4" in message


def test_fit_before_compile_is_invalid_state():
    x, y = blobs(samples=8)
    with pytest.raises(plexus.InvalidStateError, match="compile") as info:
        mlp().fit(x, y, verbose=0)
    assert isinstance(info.value, RuntimeError)
    assert info.value.status == plexus.STATUS_INVALID_STATE


def test_unknown_names_in_compile():
    with pytest.raises(plexus.InvalidArgumentError, match="ftrl"):
        mlp().compile(optimizer="ftrl", loss="mse")
    with pytest.raises(plexus.InvalidArgumentError, match="lovasz"):
        mlp().compile(optimizer="adam", loss="lovasz")


def test_set_weights_checks_count_and_shape():
    model = mlp()
    weights = model.get_weights()
    with pytest.raises(ValueError, match="expecting 4 weights"):
        model.set_weights(weights[:3])
    with pytest.raises(plexus.InvalidArgumentError, match="kernel"):
        model.set_weights([np.zeros((5, 16), np.float32)] + weights[1:])


def test_set_weights_checks_every_shape_before_assigning_any():
    # Keras checks the whole list first: a bad last array leaves the first weights untouched.
    model = mlp()
    weights = model.get_weights()
    bad = [np.ones_like(w) for w in weights[:-1]] + [np.zeros((4,), np.float32)]
    with pytest.raises(ValueError, match="bias"):
        model.set_weights(bad)
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    dense = model.layers[0]
    with pytest.raises(ValueError, match="bias"):
        dense.set_weights([np.ones((4, 16), np.float32), np.ones((3,), np.float32)])
    np.testing.assert_array_equal(model.get_weights()[0], weights[0])


def test_set_weights_casts_other_numeric_dtypes():
    model = mlp()
    weights = model.get_weights()
    model.set_weights([np.ones(w.shape, dtype=np.int64) for w in weights])
    for value in model.get_weights():
        assert value.dtype == np.float32
        np.testing.assert_array_equal(value, 1)
    model.layers[1].set_weights([np.full((16, 3), 2, np.int32), np.zeros(3, np.float64)])
    np.testing.assert_array_equal(model.get_weights()[2], 2)
    model.weights[3].assign(np.full(3, 5, np.int64))
    np.testing.assert_array_equal(model.get_weights()[3], 5)


def test_unsupported_keras_features_say_so():
    x, y = blobs(samples=8)
    model = compiled_mlp()
    with pytest.raises(NotImplementedError, match="steps_per_epoch"):
        model.fit(x, y, steps_per_epoch=2, verbose=0)
    with pytest.raises(NotImplementedError, match="subclassed"):

        class Custom(plexus.Model):
            def __init__(self):
                super().__init__()

        Custom()


def test_unknown_backend():
    with pytest.raises(plexus.InvalidArgumentError, match="no_such_backend"):
        plexus.config.set_backend("no_such_backend")


def test_graph_disconnected():
    a, b = plexus.Input(shape=(2,)), plexus.Input(shape=(2,))
    out = layers.Add()([a, b])
    with pytest.raises(ValueError, match="Graph disconnected"):
        plexus.Model(a, out)
