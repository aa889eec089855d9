"""Compiled steps from Python: `compile(jit_compile=..., run_eagerly=...)` over
px_model_set_execution, with px_model_step_counts to see captures and replays."""

import numpy as np
import pytest

import plexus

from helpers import blobs, mlp

pytestmark = pytest.mark.exports(
    "px_model_set_execution", "px_model_step_counts", "px_config_set_dtype_policy",
    "px_config_dtype_policy", "px_model_set_loss_weights",
)


def trained(**execution):
    """The blobs MLP trained 3 epochs from seed 7 (256 samples, batch 48: a partial batch)."""
    x, y = blobs()
    plexus.utils.set_random_seed(7)
    model = mlp()
    model.compile(
        optimizer="adam",
        loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True),
        **execution,
    )
    history = model.fit(x, y, batch_size=48, epochs=3, verbose=0)
    return model, history


def test_compiled_training_equals_eager_bit_for_bit():
    compiled, compiled_history = trained(jit_compile=True)
    eager, eager_history = trained(run_eagerly=True)
    assert compiled_history.history["loss"] == eager_history.history["loss"]
    for a, b in zip(compiled.get_weights(), eager.get_weights()):
        np.testing.assert_array_equal(a, b)
    counts = compiled._step_counts("train")
    assert counts == {"eager": 2, "captures": 2, "replays": 14, "retraces": 1}
    assert eager._step_counts("train")["replays"] == 0


def test_defaults_and_switches_follow_keras():
    model, _ = trained()
    assert model.jit_compile == "auto" and model.run_eagerly is False
    assert model._step_counts("train")["replays"] > 0
    model.run_eagerly = True
    before = model._step_counts("predict")["replays"]
    x, _ = blobs()
    model.predict(x, verbose=0)
    assert model._step_counts("predict")["replays"] == before
    model.run_eagerly = False
    model.jit_compile = False
    assert model.jit_compile is False


def test_a_bad_jit_compile_is_a_value_error():
    model = mlp()
    with pytest.raises(ValueError, match="jit_compile"):
        model.compile(optimizer="adam", loss="mse", jit_compile="always")


def test_the_dtype_policy_is_set_from_python():
    assert plexus.config.dtype_policy() == "float32"
    x, y = blobs()
    try:
        plexus.config.set_dtype_policy("mixed_bfloat16")
        assert plexus.config.dtype_policy() == "mixed_bfloat16"
        model = mlp()
    finally:
        plexus.config.set_dtype_policy("float32")
    model.compile(optimizer="adam", loss=plexus.losses.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, batch_size=32, epochs=4, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    config = model.to_json()
    assert "mixed_bfloat16" in config
    assert all(w.dtype == np.float32 for w in model.get_weights())
    with pytest.raises(Exception, match="mixed_float16"):
        plexus.config.set_dtype_policy("mixed_float16")


def test_loss_weights_weigh_each_output():
    """The total loss is the weighted sum of the per-output losses Keras logs."""
    x, y = blobs()
    inputs = plexus.Input(shape=(4,))
    hidden = plexus.layers.Dense(8, activation="relu")(inputs)
    label = plexus.layers.Dense(3, name="label")(hidden)
    score = plexus.layers.Dense(1, name="score")(hidden)
    model = plexus.Model(inputs, [label, score])
    model.compile(
        optimizer="adam",
        loss=[plexus.losses.SparseCategoricalCrossentropy(from_logits=True), "mse"],
        loss_weights={"label": 1.0, "score": 0.25},
    )
    target = x[:, :1]
    logs = model.evaluate(x, [y, target], verbose=0, return_dict=True)
    assert abs(logs["loss"] - (logs["label_loss"] + 0.25 * logs["score_loss"])) < 1e-4
    with pytest.raises(Exception, match="lossWeights"):
        model.compile(optimizer="adam", loss=["mse", "mse"], loss_weights=[1.0])
