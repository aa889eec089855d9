"""get_compile_config / compile_from_config, against what Keras 3.15 returns for the same
compile (its keys, in its order, and its serialized forms)."""

import json

import numpy as np
import pytest

import plexus
from plexus import layers, losses, metrics, optimizers

KERAS_KEYS = [
    "optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly",
    "steps_per_execution", "jit_compile",
]  # fmt: skip


KERAS_SGD_CONFIG = """{"optimizer": {"module": "keras.optimizers", "class_name": "SGD",
"config": {"name": "sgd", "learning_rate": 0.05000000074505806, "weight_decay": null,
"clipnorm": null, "global_clipnorm": null, "clipvalue": null, "use_ema": false,
"ema_momentum": 0.99, "ema_overwrite_frequency": null, "loss_scale_factor": null,
"gradient_accumulation_steps": null, "momentum": 0.5, "nesterov": false},
"registered_name": null}, "loss": {"module": "keras.losses",
"class_name": "CategoricalCrossentropy", "config": {"name": "categorical_crossentropy",
"reduction": "sum_over_batch_size", "from_logits": true, "label_smoothing": 0.1, "axis": -1},
"registered_name": null}, "loss_weights": null, "metrics": [{"module": "keras.metrics",
"class_name": "MeanAbsoluteError", "config": {"name": "mae_metric", "dtype": "float32"},
"registered_name": null}, "accuracy"], "weighted_metrics": null, "run_eagerly": true,
"steps_per_execution": 1, "jit_compile": false}"""


def _model():
    return plexus.Sequential([plexus.Input((4,)), layers.Dense(3)])


def test_the_config_is_keras_s():
    model = _model()
    assert model.get_compile_config() is None
    model.compile(
        optimizer=optimizers.Adam(learning_rate=0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    config = model.get_compile_config()
    # keras.Sequential(...).compile(...) of the same arguments, get_compile_config():
    assert list(config) == KERAS_KEYS
    assert config["optimizer"]["module"] == "keras.optimizers"
    assert config["optimizer"]["class_name"] == "Adam"
    assert config["optimizer"]["config"]["learning_rate"] == pytest.approx(0.01)
    assert config["optimizer"]["config"]["beta_1"] == pytest.approx(0.9)
    assert config["loss"] == "sparse_categorical_crossentropy"
    assert config["loss_weights"] is None
    assert config["metrics"] == ["accuracy"]
    assert config["weighted_metrics"] is None
    assert config["run_eagerly"] is False
    assert config["steps_per_execution"] == 1
    assert config["jit_compile"] is True


def test_compile_from_config_makes_the_objects_again():
    model = _model()
    model.compile(
        optimizer=optimizers.SGD(learning_rate=0.05, momentum=0.5),
        loss=losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
        metrics=[metrics.MeanAbsoluteError(name="mae_metric"), "accuracy"],
        run_eagerly=True,
    )
    config = model.get_compile_config()
    # Keras 3.15's get_compile_config() after the same compile, as JSON.
    assert json.loads(json.dumps(config)) == json.loads(KERAS_SGD_CONFIG)
    other = _model()
    other.compile_from_config(config)
    assert other.get_compile_config() == config
    assert isinstance(other.optimizer, optimizers.SGD)
    assert other.optimizer.get_config()["momentum"] == pytest.approx(0.5)
    assert isinstance(other.loss, losses.CategoricalCrossentropy)
    assert other.loss.get_config()["label_smoothing"] == pytest.approx(0.1)
    assert other.run_eagerly is True
    rng = np.random.default_rng(0)
    x = rng.random((16, 4), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 16)]
    history = other.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert "mae_metric" in history.history


def test_a_config_that_is_not_one_is_refused():
    model = _model()
    with pytest.raises(TypeError):
        model.compile_from_config("adam")
    with pytest.raises(ValueError, match="unknown loss class"):
        model.compile_from_config({"optimizer": "adam", "loss": {"class_name": "Nope"}})
    with pytest.raises(ValueError, match="unknown metric class"):
        model.compile_from_config(
            {"optimizer": "adam", "loss": "mse", "metrics": [{"class_name": "Loss"}]}
        )
