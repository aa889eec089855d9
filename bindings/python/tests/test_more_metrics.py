"""Keras metrics added at stop 28 from Python: the confusion counts (TruePositives, ...),
the rates under a constraint (PrecisionAtRecall, ...), the IoU family and CosineSimilarity
(and the correlations of stop 29),
against Keras 3's numbers and configs (Tests/Fixtures/KerasLosses, written by Keras), in
compile and fit, and the settings they refuse."""

import json
from pathlib import Path

import numpy as np
import pytest

import plexus
from plexus import layers, metrics

FIXTURES = Path(__file__).resolve().parents[3] / "Tests" / "Fixtures" / "KerasLosses"

CASES = {
    "true_positives": metrics.TruePositives,
    "false_positives_thresholds": metrics.FalsePositives,
    "true_negatives_even_thresholds": metrics.TrueNegatives,
    "false_negatives": metrics.FalseNegatives,
    "precision_at_recall": metrics.PrecisionAtRecall,
    "precision_at_recall_class_id": metrics.PrecisionAtRecall,
    "recall_at_precision": metrics.RecallAtPrecision,
    "recall_at_precision_one_threshold": metrics.RecallAtPrecision,
    "sensitivity_at_specificity": metrics.SensitivityAtSpecificity,
    "specificity_at_sensitivity": metrics.SpecificityAtSensitivity,
    "iou": metrics.IoU,
    "iou_ignore_class": metrics.IoU,
    "mean_iou": metrics.MeanIoU,
    "mean_iou_scores": metrics.MeanIoU,
    "one_hot_iou": metrics.OneHotIoU,
    "one_hot_mean_iou": metrics.OneHotMeanIoU,
    "binary_iou": metrics.BinaryIoU,
    "binary_iou_target_1": metrics.BinaryIoU,
    "cosine_similarity": metrics.CosineSimilarity,
    "pearson_correlation": metrics.PearsonCorrelation,
    "pearson_correlation_axes": metrics.PearsonCorrelation,
    "concordance_correlation": metrics.ConcordanceCorrelation,
    "concordance_correlation_axis0": metrics.ConcordanceCorrelation,
}


def _array(entry):
    return np.asarray(entry["values"], np.float32).reshape(entry["shape"])


@pytest.mark.parametrize("case", sorted(CASES))
def test_metrics_give_keras_values_and_configs(case):
    fixture = json.loads((FIXTURES / f"metric_{case}.json").read_text())
    config = fixture["metric"]["config"]
    metric = CASES[case].from_config(config)
    assert metric.get_config() == config
    assert metrics.get(fixture["metric"]).get_config() == config
    for update in fixture["updates"]:
        weight = update["sample_weight"]
        metric.update_state(_array(update["y_true"]), _array(update["y_pred"]),
                            sample_weight=None if weight is None else _array(weight))  # fmt: skip
        np.testing.assert_allclose(
            np.asarray(metric.result(), np.float64).reshape(update["result"]["shape"]),
            np.asarray(update["result"]["values"]).reshape(update["result"]["shape"]),
            rtol=1e-5, atol=1e-6,
        )  # fmt: skip
    metric.reset_state()
    assert float(np.asarray(metric.result()).ravel()[0]) == 0


def test_keras_default_names():
    assert metrics.MeanIoU(3).name == "mean_io_u"
    assert metrics.BinaryIoU().name == "binary_io_u"
    assert metrics.PrecisionAtRecall(0.5).name == "precision_at_recall"
    assert metrics.TruePositives().get_config() == {
        "name": "true_positives", "dtype": "float32", "thresholds": None}  # fmt: skip


def test_in_compile_fit_and_monitoring():
    rng = np.random.default_rng(3)
    x = rng.random((96, 4), dtype=np.float32)
    y = (x[:, :1] + x[:, 1:2] > 1).astype(np.float32)
    model = plexus.Sequential([plexus.Input((4,)), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=plexus.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=[metrics.BinaryIoU(target_class_ids=[1]),
                           metrics.PrecisionAtRecall(0.5), metrics.TruePositives()])  # fmt: skip
    stop = plexus.callbacks.EarlyStopping(monitor="val_binary_io_u", patience=100)
    history = model.fit(x, y, epochs=8, batch_size=16, verbose=0, validation_split=0.25,
                        callbacks=[stop])  # fmt: skip
    logs = history.history
    assert {"binary_io_u", "precision_at_recall", "true_positives", "val_binary_io_u"} <= set(logs)
    assert all(0 <= value <= 1 for value in logs["binary_io_u"])
    assert stop.monitor_op(1.0, 0.5)  # higher is better, as Keras's IoU says
    # A true-positive count over an epoch of 72 samples is a count, not a rate.
    assert 1 < logs["true_positives"][-1] <= 72
    # The epoch's value equals the metric computed on its own over the same predictions.
    predicted = model.predict(x, verbose=0)
    alone = metrics.BinaryIoU(target_class_ids=[1])
    alone.update_state(y, predicted)
    assert float(model.evaluate(x, y, verbose=0, return_dict=True)["binary_io_u"]) == (
        pytest.approx(float(alone.result()), abs=1e-6))


def test_correlations_by_name_in_fit():
    rng = np.random.default_rng(4)
    x = rng.random((64, 3), dtype=np.float32)
    # Three outputs: "pearson_correlation" takes each sample's along the last axis.
    y = x @ np.array([[1.0, 0.0, 2.0], [-2.0, 1.0, 0.0], [0.5, 3.0, -1.0]], np.float32)
    model = plexus.Sequential([plexus.Input((3,)), layers.Dense(3)])
    model.compile(optimizer=plexus.optimizers.Adam(0.05), loss="mse",
                  metrics=["pearson_correlation", metrics.ConcordanceCorrelation(axis=0)])  # fmt: skip
    logs = model.fit(x, y, epochs=60, batch_size=16, verbose=0, shuffle=False).history
    assert logs["pearson_correlation"][-1] > 0.95
    assert logs["concordance_correlation"][-1] > 0.9
    assert metrics.get("concordance_correlation").get_config() == {
        "name": "concordance_correlation", "dtype": "float32", "axis": -1}  # fmt: skip
    with pytest.raises(plexus.errors.PlexusError, match="axis"):
        metrics.PearsonCorrelation(axis=5).update_state(x, x)


def test_refuses_bad_settings():
    with pytest.raises(ValueError, match="recall"):
        metrics.PrecisionAtRecall(1.5)
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.SensitivityAtSpecificity(0.5, num_thresholds=0)
    with pytest.raises(ValueError, match="out of range"):
        metrics.IoU(3, [3])
    with pytest.raises(ValueError, match="Threshold"):
        metrics.TruePositives(thresholds=[0.5, 2])
    # Settings only the library checks are refused when the metric is first used.
    for metric in (metrics.MeanIoU(10**12), metrics.IoU(3, [-1]), metrics.MeanIoU(0)):
        with pytest.raises(plexus.errors.PlexusError):
            metric.update_state(np.zeros(3, np.float32), np.zeros(3, np.float32))
    iou = metrics.MeanIoU(3)
    with pytest.raises(plexus.errors.PlexusError, match="MeanIoU"):
        iou.update_state(np.zeros(4, np.float32), np.zeros(3, np.float32))


def test_compile_warns_where_training_logs_one_threshold():
    model = plexus.Sequential([plexus.Input((4,)), layers.Dense(1, activation="sigmoid")])
    with pytest.warns(UserWarning, match="TruePositives with 2 thresholds"):
        model.compile(optimizer="sgd", loss="binary_crossentropy",
                      metrics=[metrics.TruePositives(thresholds=[0.3, 0.7])])  # fmt: skip
    with pytest.warns(UserWarning, match="FalseNegatives with 2 thresholds"):
        model.compile(optimizer="sgd", loss="binary_crossentropy",
                      weighted_metrics=[metrics.FalseNegatives(thresholds=[0.3, 0.7])])  # fmt: skip


def test_names_and_argument_forms_keras_takes():
    assert isinstance(metrics.get("cosine_similarity"), metrics.CosineSimilarity)
    # NumPy thresholds and a range of class ids, as Keras takes them.
    counts = metrics.TruePositives(thresholds=np.float32(0.25))
    counts.update_state(np.array([1, 0, 1], np.float32), np.array([0.3, 0.5, 0.1], np.float32))
    assert float(counts.result()) == 1
    precision = metrics.Precision(thresholds=np.array([0.25, 0.4]))
    precision.update_state(np.array([1, 0, 1], np.float32), np.array([0.3, 0.5, 0.1], np.float32))
    np.testing.assert_allclose(np.asarray(precision.result()), [0.5, 0.0])
    assert metrics.IoU(4, range(1, 3)).get_config()["target_class_ids"] == [1, 2]
    iou = metrics.IoU(4, range(1, 3))
    iou.update_state(np.array([1, 2, 3], np.float32), np.array([1, 2, 2], np.float32))
    assert float(iou.result()) == pytest.approx((1 + 0.5) / 2, abs=1e-6)
