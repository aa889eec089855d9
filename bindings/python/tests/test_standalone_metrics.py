"""Metrics and losses on their own, as Keras users call them outside a model:
`metric.update_state(y_true, y_pred, sample_weight)`, `result()`, `reset_state()`, calling a
metric or a loss, and Keras's loss functions. Expected values are computed here with NumPy."""

import numpy as np
import pytest

import plexus
from plexus import losses, metrics

pytestmark = pytest.mark.exports("px_metric_create", "px_metric_update", "px_loss_call")

RNG = np.random.default_rng(0)
LABELS = RNG.integers(0, 2, size=(8, 1)).astype("float32")
SCORES = RNG.uniform(size=(8, 1)).astype("float32")
WEIGHTS = RNG.uniform(size=(8,)).astype("float32")


def test_update_result_and_reset_over_batches_with_weights():
    mae = metrics.MeanAbsoluteError()
    assert float(mae.result()) == 0.0
    mae.update_state(LABELS, SCORES)
    mae.update_state(LABELS[:4], SCORES[:4], sample_weight=WEIGHTS[:4])
    errors = np.abs(LABELS - SCORES)[:, 0]
    weights = np.concatenate([np.ones(8), WEIGHTS[:4]])
    expected = np.sum(np.concatenate([errors, errors[:4]]) * weights) / np.sum(weights)
    np.testing.assert_allclose(float(mae.result()), expected, rtol=1e-6)
    assert mae.result().shape == ()
    mae.reset_state()
    assert float(mae.result()) == 0.0

    rmse = metrics.RootMeanSquaredError()
    rmse.update_state(LABELS, SCORES, sample_weight=WEIGHTS)
    expected = np.sqrt(np.sum((LABELS - SCORES)[:, 0] ** 2 * WEIGHTS) / np.sum(WEIGHTS))
    np.testing.assert_allclose(float(rmse.result()), expected, rtol=1e-6)

    mean = metrics.Mean()
    mean.update_state([1, 2, 3])
    mean.update_state(5, sample_weight=2)
    np.testing.assert_allclose(float(mean.result()), (1 + 2 + 3 + 2 * 5) / 5, rtol=1e-6)


def test_thresholded_metrics_and_keras_vector_results():
    predicted = SCORES[:, 0] > 0.5
    truth = LABELS[:, 0] == 1
    precision = metrics.Precision()
    np.testing.assert_allclose(float(precision(LABELS, SCORES)),
                               np.sum(predicted & truth) / np.sum(predicted), rtol=1e-6)  # fmt: skip
    # Recall at two thresholds: one value per threshold, as Keras's result.
    recall = metrics.Recall(thresholds=[0.3, 0.7])
    values = np.asarray(recall(LABELS, SCORES))
    expected = [np.sum((SCORES[:, 0] > t) & truth) / np.sum(truth) for t in (0.3, 0.7)]
    assert values.shape == (2,)
    np.testing.assert_allclose(values, expected, rtol=1e-6)
    accuracy = metrics.BinaryAccuracy()
    np.testing.assert_allclose(float(accuracy(LABELS, SCORES)), np.mean(predicted == truth))

    # F1Score with Keras's default average=None: one score per class (arg-max predictions).
    onehot = np.eye(3, dtype="float32")[[0, 1, 2, 0, 1, 2]]
    scores = RNG.uniform(size=(6, 3)).astype("float32")
    chosen = np.eye(3)[np.argmax(scores, axis=1)]
    tp = np.sum(chosen * onehot, axis=0)
    fp = np.sum(chosen * (1 - onehot), axis=0)
    fn = np.sum((1 - chosen) * onehot, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        p, r = np.nan_to_num(tp / (tp + fp)), np.nan_to_num(tp / (tp + fn))
        f1 = np.nan_to_num(2 * p * r / (p + r))
    per_class = np.asarray(metrics.F1Score()(onehot, scores))
    assert per_class.shape == (3,)
    np.testing.assert_allclose(per_class, f1, rtol=1e-5, atol=1e-7)
    macro = metrics.F1Score(average="macro")(onehot, scores)
    np.testing.assert_allclose(float(macro), np.mean(f1), rtol=1e-5, atol=1e-7)

    auc = metrics.AUC()
    auc.update_state(LABELS, SCORES)
    assert 0.0 <= float(auc.result()) <= 1.0
    auc.reset_state()
    assert float(auc.result()) == 0.0


def test_metric_errors_name_the_metric_and_keep_its_state():
    mae = metrics.MeanAbsoluteError()
    mae.update_state(LABELS, SCORES)
    before = float(mae.result())
    with pytest.raises(plexus.InvalidArgumentError, match="MeanAbsoluteError|mean_absolute"):
        mae.update_state(LABELS[:3], SCORES)
    assert float(mae.result()) == before


def test_losses_called_on_arrays_and_keras_loss_functions():
    bce = losses.BinaryCrossentropy()
    clipped = np.clip(SCORES[:, 0], 1e-7, 1 - 1e-7)
    per_sample = -(LABELS[:, 0] * np.log(clipped) + (1 - LABELS[:, 0]) * np.log(1 - clipped))
    np.testing.assert_allclose(float(bce(LABELS, SCORES)), np.mean(per_sample), rtol=1e-5)
    # Keras's sum_over_batch_size: the weighted sum over the batch size.
    np.testing.assert_allclose(float(bce(LABELS, SCORES, sample_weight=WEIGHTS)),
                               np.sum(per_sample * WEIGHTS) / 8, rtol=1e-5)  # fmt: skip
    mse = losses.MeanSquaredError(reduction="sum")
    np.testing.assert_allclose(float(mse(LABELS, SCORES)), np.sum((LABELS - SCORES) ** 2),
                               rtol=1e-5)  # fmt: skip
    none = np.asarray(losses.MeanSquaredError(reduction="none")(LABELS, SCORES))
    np.testing.assert_allclose(none, ((LABELS - SCORES) ** 2)[:, 0], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(losses.mean_squared_error(LABELS, SCORES)), none)
    np.testing.assert_allclose(np.asarray(losses.binary_crossentropy(LABELS, SCORES)),
                               per_sample, rtol=1e-5)  # fmt: skip
    with pytest.raises(plexus.InvalidArgumentError):
        losses.MeanSquaredError()(LABELS[:3], SCORES)


def test_metric_classes_that_average_a_loss_keep_their_settings(tmp_path):
    logits = (SCORES - 0.5) * 4
    probabilities = 1 / (1 + np.exp(-logits))
    per_sample = -(LABELS * np.log(probabilities) + (1 - LABELS) * np.log(1 - probabilities))
    bce = metrics.BinaryCrossentropy(from_logits=True)
    np.testing.assert_allclose(float(bce(LABELS, logits)), np.mean(per_sample), rtol=1e-5)
    mse = metrics.MeanSquaredError()
    mse.update_state(LABELS, SCORES, sample_weight=WEIGHTS)
    np.testing.assert_allclose(float(mse.result()),
                               np.sum((LABELS - SCORES)[:, 0] ** 2 * WEIGHTS) / np.sum(WEIGHTS),
                               rtol=1e-6)  # fmt: skip
    # In compile: logged under its name, and saved with its settings (from_logits survives).
    model = plexus.Sequential([plexus.Input(shape=(1,)), plexus.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse",
                  metrics=[metrics.BinaryCrossentropy(from_logits=True), "mse"])  # fmt: skip
    logs = model.evaluate(SCORES, LABELS, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "binary_crossentropy", "mse"]
    path = tmp_path / "m.keras"
    model.save(path)
    again = plexus.saving.load_model(path).evaluate(SCORES, LABELS, verbose=0, return_dict=True)
    np.testing.assert_allclose(again["binary_crossentropy"], logs["binary_crossentropy"],
                               rtol=1e-6)  # fmt: skip
