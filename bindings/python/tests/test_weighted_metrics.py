"""Keras's `weighted_metrics` from Python (ABI 0.11, px_model_set_weighted_metrics): weighed
by the sample weights evaluate and fit get while `metrics` are not, under Keras's names, in
the compile config and through a saved file. The figures are Keras 3.15's for the same model
and data."""

import numpy as np
import pytest

import plexus
from plexus import layers

X = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
Y = np.array([[1.0], [1.0], [5.0], [2.0]], np.float32)
W = np.array([1.0, 0.0, 0.0, 1.0], np.float32)


def _model():
    model = plexus.Sequential([plexus.Input((1,)),
                               layers.Dense(1, kernel_initializer="ones",
                                            bias_initializer="zeros")])  # fmt: skip
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mae", "mse"])
    return model


def test_weighted_metrics_give_keras_values_and_names():
    model = _model()
    assert model.evaluate(X, Y, sample_weight=W, return_dict=True, verbose=0) == pytest.approx(
        {"loss": 1.0, "mae": 1.25, "mse": 2.0, "weighted_mae": 1.0})
    assert model.evaluate(X, Y, return_dict=True, verbose=0) == pytest.approx(
        {"loss": 2.25, "mae": 1.25, "mse": 2.25, "weighted_mae": 1.25})
    history = model.fit(X, Y, sample_weight=W, epochs=1, batch_size=4, shuffle=False, verbose=0)
    assert history.history["weighted_mae"] == pytest.approx([1.0])


def test_compile_config_and_saved_files_keep_them(tmp_path):
    model = _model()
    config = model.get_compile_config()
    assert config["weighted_metrics"] == ["mae", "mse"]
    copy = plexus.Sequential([plexus.Input((1,)),
                              layers.Dense(1, kernel_initializer="ones",
                                           bias_initializer="zeros")])  # fmt: skip
    copy.compile_from_config(config)
    assert set(copy.evaluate(X, Y, sample_weight=W, return_dict=True, verbose=0)) == {
        "loss", "mae", "mse", "weighted_mae"}  # fmt: skip
    path = tmp_path / "weighted.keras"
    model.save(path)
    loaded = plexus.saving.load_model(path)
    assert loaded.evaluate(X, Y, sample_weight=W, return_dict=True, verbose=0) == pytest.approx(
        {"loss": 1.0, "mae": 1.25, "mse": 2.0, "weighted_mae": 1.0})


def test_refuses_per_output_forms():
    model = plexus.Sequential([plexus.Input((1,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="weighted_metrics"):
        model.compile(optimizer="sgd", loss="mse", weighted_metrics={"dense": ["mae"]})
    with pytest.raises(ValueError, match="weighted_metrics"):
        model.compile(optimizer="sgd", loss="mse", weighted_metrics=[["mae"]])


def test_a_bad_weighted_metric_leaves_the_model_as_it_was():
    model = _model()
    with pytest.raises(plexus.errors.PlexusError, match="no_such_metric"):
        model.compile(optimizer="adam", loss="mae", weighted_metrics=["no_such_metric"])
    # Still compiled as before: SGD, mse, and the weighted metrics.
    assert model.get_compile_config()["loss"] == "mse"
    assert "weighted_mae" in model.evaluate(X, Y, sample_weight=W, return_dict=True, verbose=0)


def test_models_with_several_outputs_refuse_them():
    inputs = plexus.Input((1,))
    model = plexus.Model(inputs, [layers.Dense(1, name="a")(inputs),
                                  layers.Dense(1, name="b")(inputs)])  # fmt: skip
    with pytest.raises(ValueError, match="one output"):
        model.compile(optimizer="sgd", loss="mse", weighted_metrics=["mae"])
