"""Keras losses and metrics added at stop 27 (the mean squared logarithmic error, squared and
categorical hinges, SparseTopKCategoricalAccuracy, Sum, R2Score) from Python: losses
and metrics against Keras 3's numbers (Tests/Fixtures/KerasLosses, written by Keras), and by
name in compile."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers, losses, metrics

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasLosses"


def _array(entry):
    return np.asarray(entry["values"], np.float32).reshape(entry["shape"])


def _feed(metric, update, labels=None):
    """Updates `metric` with a fixture's batch (labels cast to `labels` when given)."""
    weight = update["sample_weight"]
    y_true = _array(update["y_true"])
    metric.update_state(
        y_true if labels is None else y_true.astype(labels), _array(update["y_pred"]),
        sample_weight=None if weight is None else _array(weight),
    )  # fmt: skip


@pytest.mark.parametrize(
    "case, cls",
    [
        ("mean_squared_logarithmic_error", losses.MeanSquaredLogarithmicError),
        ("squared_hinge", losses.SquaredHinge),
        ("squared_hinge_mixed_labels_sum", losses.SquaredHinge),
        ("categorical_hinge", losses.CategoricalHinge),
    ],
)
def test_losses_give_keras_values(case, cls):
    fixture = json.loads((FIXTURES / f"loss_{case}.json").read_text())
    loss = cls(**fixture["kwargs"])
    assert loss.get_config() == fixture["loss"]["config"]
    for call in fixture["calls"]:
        weight = call["sample_weight"]
        value = loss(
            _array(call["y_true"]), _array(call["y_pred"]),
            sample_weight=None if weight is None else _array(weight),
        )  # fmt: skip
        expected = np.asarray(call["value"]["values"]).reshape(call["value"]["shape"])
        np.testing.assert_allclose(np.asarray(value), expected, rtol=2e-5, atol=1e-6)


@pytest.mark.parametrize(
    "case, cls",
    [
        ("mean_squared_logarithmic_error", metrics.MeanSquaredLogarithmicError),
        ("squared_hinge", metrics.SquaredHinge),
        ("categorical_hinge", metrics.CategoricalHinge),
    ],
)
def test_metrics_give_keras_values(case, cls):
    fixture = json.loads((FIXTURES / f"metric_{case}.json").read_text())
    metric = cls(name=case)
    for update in fixture["updates"]:
        _feed(metric, update)
        assert float(metric.result()) == pytest.approx(update["result"]["values"][0], rel=2e-5)


def test_names_in_compile_train_and_log():
    rng = np.random.default_rng(3)
    x = rng.random((32, 4), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 32)]
    model = plexus.Sequential([plexus.Input((4,)), layers.Dense(3)])
    model.compile(optimizer="adam", loss="categorical_hinge",
                  metrics=["msle", "squared_hinge", metrics.CategoricalHinge()])  # fmt: skip
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert set(history.history) == {"loss", "msle", "squared_hinge", "categorical_hinge"}
    assert np.all(np.isfinite(history.history["loss"]))
    # The compiled loss is the categorical hinge, so its metric reads the same value.
    np.testing.assert_allclose(
        history.history["loss"], history.history["categorical_hinge"], rtol=1e-5
    )
    assert isinstance(losses.get("msle"), losses.MeanSquaredLogarithmicError)


def test_sparse_top_k_gives_keras_values():
    for case, k in [("sparse_top_k_categorical_accuracy", 5),
                    ("sparse_top_k_categorical_accuracy_k2", 2)]:  # fmt: skip
        fixture = json.loads((FIXTURES / f"metric_{case}.json").read_text())
        metric = metrics.SparseTopKCategoricalAccuracy(k=k, name=case)
        assert metric.get_config() == fixture["metric"]["config"]
        for update in fixture["updates"]:
            _feed(metric, update, labels=np.int32)
            assert float(metric.result()) == pytest.approx(update["result"]["values"][0])


def test_sum_adds_weighted_values_as_keras():
    # keras.metrics.Sum on the same updates: 6.5, then 15.5.
    total = metrics.Sum()
    values = np.array([[1, 2], [3, 4]], np.float32)
    total.update_state(values, sample_weight=np.array([1, 0.5], np.float32))
    assert float(total.result()) == pytest.approx(6.5)
    total.update_state(values, sample_weight=np.array([[1, 0], [0, 2]], np.float32))
    assert float(total.result()) == pytest.approx(15.5)
    assert total.get_config() == {"name": "sum", "dtype": "float32"}


@pytest.mark.parametrize(
    "case", ["r2_score", "r2_score_variance_weighted", "r2_score_per_output", "r2_score_adjusted"]
)
def test_r2_score_gives_keras_values(case):
    fixture = json.loads((FIXTURES / f"metric_{case}.json").read_text())
    config = fixture["metric"]["config"]
    metric = metrics.R2Score(class_aggregation=config["class_aggregation"],
                             num_regressors=config["num_regressors"], name=case)  # fmt: skip
    assert metric.get_config() == config
    for update in fixture["updates"]:
        _feed(metric, update)
        np.testing.assert_allclose(
            np.asarray(metric.result(), np.float64).reshape(update["result"]["shape"]),
            np.asarray(update["result"]["values"]).reshape(update["result"]["shape"]),
            rtol=1e-5, atol=1e-6,
        )  # fmt: skip


def test_r2_score_trains_and_is_maximized():
    rng = np.random.default_rng(5)
    x = rng.random((64, 3), dtype=np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]], np.float32)).astype(np.float32)
    model = plexus.Sequential([plexus.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=plexus.optimizers.Adam(0.05), loss="mse",
                  metrics=[metrics.R2Score()])  # fmt: skip
    stop = plexus.callbacks.EarlyStopping(monitor="r2_score", patience=100)
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0, callbacks=[stop])
    assert history.history["r2_score"][-1] > history.history["r2_score"][0]
    assert stop.monitor_op(1.0, 0.5)  # higher is better, as Keras's R2Score says
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="median")
