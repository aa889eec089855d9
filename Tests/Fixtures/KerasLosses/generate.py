"""Keras 3's side of Plexus's loss and metric parity fixtures (run by generate.sh next to this file).

  python generate.py DIR     writes DIR/loss_<case>.json and DIR/metric_<case>.json

A loss case builds a Keras loss and calls it on a few batches; its JSON holds:

  loss        serialize_keras_object(loss): the config Plexus must rebuild and write back
  kwargs      the constructor arguments, some of which Keras's get_config leaves out (Huber's
              delta, CosineSimilarity's axis)
  calls       per batch: y_true, y_pred, sample_weight (or null), value = loss(y_true, y_pred,
              sample_weight) and gradient = d sum(value) / d y_pred

A metric case builds a Keras metric and feeds it a few batches; its JSON holds:

  metric      serialize_keras_object(metric), with every setting in it
  updates     per batch: y_true, y_pred, sample_weight (or null) and result = metric.result()
              after update_state on that batch and every earlier one

Inputs are float32 values (Plexus computes losses in float32); Keras computes in float64 on them
(JAX with x64 enabled, floatx float64), so the fixtures hold the exact answer to float64
precision. Tensors are {"shape": [...], "values": [...]}, row-major.
"""

import json
import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from keras import losses  # noqa: E402
from keras import metrics  # noqa: E402
from keras.saving import serialize_keras_object  # noqa: E402
from keras.src.backend.common import dtypes as keras_dtypes  # noqa: E402

# Keras's type promotion caps float64 at float32 on every backend but TensorFlow (to match JAX
# without x64), so ops.mean and friends of float64 tensors compute in float32 and cast back.
# The fixtures should hold the float64 answer, so the cap is lifted for float64.
keras_dtypes.BIT64_TO_BIT32_DTYPE["float64"] = "float64"


def f32(values):
    return np.asarray(values, np.float64).astype(np.float32).astype(np.float64)


def uniform(rng, shape, low, high):
    return f32(rng.uniform(low, high, shape))


# Data makers: rng, y_true shape, y_pred shape -> (y_true, y_pred).
def regression(rng, true_shape, pred_shape):
    return uniform(rng, true_shape, -2, 2), uniform(rng, pred_shape, -2, 2)


def percentage(rng, true_shape, pred_shape):
    magnitude = uniform(rng, true_shape, 0.2, 3)
    signs = np.where(rng.uniform(size=true_shape) < 0.3, -1.0, 1.0)
    return f32(magnitude * signs), uniform(rng, pred_shape, -3, 3)


def distributions(rng, true_shape, pred_shape):
    def rows(shape):
        raw = rng.uniform(0.05, 1, shape)
        return f32(raw / raw.sum(axis=-1, keepdims=True))

    return rows(true_shape), rows(pred_shape)


def hinge_binary(rng, true_shape, pred_shape):
    return f32(rng.integers(0, 2, true_shape)), uniform(rng, pred_shape, -2, 2)


def hinge_signed(rng, true_shape, pred_shape):
    return f32(rng.choice([-1.0, 1.0], true_shape)), uniform(rng, pred_shape, -2, 2)


def hinge_mixed(rng, true_shape, pred_shape):
    # Not all of {0, 1}: Keras leaves these labels as they are.
    return f32(rng.choice([-1.0, 0.0, 1.0], true_shape)), uniform(rng, pred_shape, -2, 2)


def counts(rng, true_shape, pred_shape):
    return f32(rng.integers(0, 5, true_shape)), uniform(rng, pred_shape, 0.1, 4)


def binary(rng, true_shape, pred_shape):
    return f32(rng.integers(0, 2, true_shape)), uniform(rng, pred_shape, 0, 1)


def logits(rng, true_shape, pred_shape):
    return f32(rng.integers(0, 2, true_shape)), uniform(rng, pred_shape, -4, 4)


def one_hot(rng, true_shape, pred_shape):
    classes = true_shape[-1]
    labels = rng.integers(0, classes, true_shape[:-1])
    return f32(np.eye(classes)[labels]), uniform(rng, pred_shape, 0, 1)


def one_hot_ties(rng, true_shape, pred_shape):
    # Scores on a grid of tenths, so that rows hold ties.
    y_true, _ = one_hot(rng, true_shape, pred_shape)
    return y_true, f32(np.round(rng.uniform(0, 1, pred_shape), 1))


def one_hot_scores(rng, true_shape, pred_shape):
    # One-hot targets and signed scores (the categorical hinge's margins cross 0 and 1).
    y_true, _ = one_hot(rng, true_shape, pred_shape)
    return y_true, uniform(rng, pred_shape, -2, 2)


def sparse_scores(rng, true_shape, pred_shape):
    # Integer labels and scores on a grid of tenths (rows hold ties at the edge of the top k).
    labels = rng.integers(0, pred_shape[-1], true_shape)
    return f32(labels), f32(np.round(rng.uniform(0, 1, pred_shape), 1))


def binary_grid(rng, true_shape, pred_shape):
    # 0/1 labels and probabilities on a grid of tenths (some exactly at the threshold).
    return f32(rng.integers(0, 2, true_shape)), f32(np.round(rng.uniform(0, 1, pred_shape), 1))


def class_maps(rng, true_shape, pred_shape):
    # Class indices of 3 classes, labels also outside them (-1 and 3 are not counted).
    return f32(rng.integers(-1, 4, true_shape)), f32(rng.integers(0, 3, pred_shape))


def class_scores(rng, true_shape, pred_shape):
    # Class indices of 3 classes and per-class scores (the class is the largest).
    return f32(rng.integers(0, 3, true_shape)), uniform(rng, pred_shape, 0, 1)


def sparse_ignored(rng, true_shape, pred_shape):
    # Integer labels (as floats) with about a quarter -1, the ignored class, and logits.
    labels = rng.integers(0, pred_shape[-1], true_shape)
    labels = np.where(rng.uniform(0, 1, true_shape) < 0.25, -1, labels)
    return f32(labels), uniform(rng, pred_shape, -2, 2)


def sparse_probabilities(rng, true_shape, pred_shape):
    # Integer labels (as floats) and positive scores (normalised by the loss).
    return f32(rng.integers(0, pred_shape[-1], true_shape)), uniform(rng, pred_shape, 0.1, 1)


def weights(rng, shape):
    return None if shape is None else uniform(rng, shape, 0, 2)


# name: (class, keyword arguments, data maker, [(y_true shape, y_pred shape, weight shape)])
PER_SAMPLE = [((4, 3), (4, 3), None), ((4, 3), (4, 3), (4,)), ((2, 3, 2), (2, 3, 2), (2, 3))]
TRAILING = [((5,), (5, 1), None), ((5, 1), (5, 1), (5, 1))]
LOSS_CASES = {
    "huber": (losses.Huber, {}, regression, PER_SAMPLE + TRAILING),
    "huber_delta_sum": (
        losses.Huber,
        dict(delta=0.7, reduction="sum"),
        regression,
        PER_SAMPLE,
    ),
    "mean_absolute_error": (losses.MeanAbsoluteError, {}, regression, PER_SAMPLE + TRAILING),
    "mean_absolute_error_none": (
        losses.MeanAbsoluteError,
        dict(reduction="none", name="mae"),
        regression,
        PER_SAMPLE,
    ),
    "mean_absolute_percentage_error": (
        losses.MeanAbsolutePercentageError,
        {},
        percentage,
        PER_SAMPLE + TRAILING,
    ),
    "kl_divergence": (losses.KLDivergence, {}, distributions, PER_SAMPLE),
    "kl_divergence_sum": (
        losses.KLDivergence,
        dict(reduction="sum"),
        distributions,
        PER_SAMPLE,
    ),
    "cosine_similarity": (losses.CosineSimilarity, {}, regression, PER_SAMPLE + TRAILING),
    "cosine_similarity_axis0_none": (
        losses.CosineSimilarity,
        dict(axis=0, reduction="none"),
        regression,
        [((4, 3), (4, 3), None), ((3, 2), (3, 2), (2,))],
    ),
    "cosine_similarity_axis1": (
        losses.CosineSimilarity,
        dict(axis=1),
        regression,
        [((2, 3, 2), (2, 3, 2), None), ((2, 3, 2), (2, 3, 2), (2, 2))],
    ),
    "hinge": (losses.Hinge, {}, hinge_binary, PER_SAMPLE + TRAILING),
    "hinge_signed_labels": (losses.Hinge, dict(reduction="sum"), hinge_signed, PER_SAMPLE),
    "hinge_mixed_labels": (losses.Hinge, {}, hinge_mixed, PER_SAMPLE),
    "log_cosh": (losses.LogCosh, {}, regression, PER_SAMPLE + TRAILING),
    "log_cosh_none": (losses.LogCosh, dict(reduction="none"), regression, PER_SAMPLE),
    "poisson": (losses.Poisson, {}, counts, PER_SAMPLE + TRAILING),
    "poisson_sum": (losses.Poisson, dict(reduction="sum"), counts, PER_SAMPLE),
    "mean_squared_logarithmic_error": (
        losses.MeanSquaredLogarithmicError,
        {},
        percentage,
        PER_SAMPLE + TRAILING,
    ),
    "squared_hinge": (losses.SquaredHinge, {}, hinge_binary, PER_SAMPLE + TRAILING),
    "squared_hinge_mixed_labels_sum": (
        losses.SquaredHinge,
        dict(reduction="sum"),
        hinge_mixed,
        PER_SAMPLE,
    ),
    "categorical_hinge": (losses.CategoricalHinge, {}, one_hot_scores, PER_SAMPLE),
    # Keras 3's other reductions: "mean", "mean_with_sample_weight" and None (config null).
    "huber_mean": (losses.Huber, dict(reduction="mean"), regression, PER_SAMPLE + TRAILING),
    "mean_absolute_error_mean_with_sample_weight": (
        losses.MeanAbsoluteError,
        dict(reduction="mean_with_sample_weight"),
        regression,
        PER_SAMPLE + TRAILING + [((3, 2), (3, 2), (3,))],
    ),
    "log_cosh_reduction_null": (losses.LogCosh, dict(reduction=None), regression, PER_SAMPLE),
    "binary_focal_crossentropy": (
        losses.BinaryFocalCrossentropy,
        {},
        binary,
        PER_SAMPLE + TRAILING,
    ),
    "binary_focal_crossentropy_balanced_logits": (
        losses.BinaryFocalCrossentropy,
        dict(apply_class_balancing=True, alpha=0.4, gamma=1.5, from_logits=True,
             label_smoothing=0.1),
        logits,
        PER_SAMPLE,
    ),
    "categorical_focal_crossentropy": (
        losses.CategoricalFocalCrossentropy,
        {},
        one_hot,
        PER_SAMPLE,
    ),
    "categorical_focal_crossentropy_logits": (
        losses.CategoricalFocalCrossentropy,
        dict(alpha=0.5, gamma=3.0, from_logits=True, label_smoothing=0.2, reduction="sum"),
        one_hot_scores,
        PER_SAMPLE,
    ),
    "dice": (losses.Dice, {}, binary, [((4, 3), (4, 3), None), ((2, 3, 2), (2, 3, 2), None)]),
    "dice_weighted": (losses.Dice, {}, binary, [((4, 3), (4, 3), (4,))]),
    "dice_axes": (
        losses.Dice,
        dict(axis=[1, 2]),
        binary,
        [((2, 3, 2), (2, 3, 2), None), ((3, 4, 2), (3, 4, 2), (3,))],
    ),
    "tversky": (
        losses.Tversky,
        dict(alpha=0.7, beta=0.3),
        binary,
        [((4, 3), (4, 3), None), ((2, 3, 2), (2, 3, 2), None)],
    ),
    "sparse_categorical_crossentropy_ignore_class": (
        losses.SparseCategoricalCrossentropy,
        dict(from_logits=True, ignore_class=-1),
        sparse_ignored,
        [((6,), (6, 5), None), ((2, 3), (2, 3, 5), None), ((4,), (4, 5), (4,))],
    ),
    "sparse_categorical_crossentropy_ignore_class_sum": (
        losses.SparseCategoricalCrossentropy,
        dict(ignore_class=2, reduction="sum"),
        sparse_probabilities,
        [((6,), (6, 4), None), ((3, 2), (3, 2, 4), (3, 2))],
    ),
    "tversky_axis": (losses.Tversky, dict(axis=1), binary, [((4, 3), (4, 3), None),
                                                            ((5, 2), (5, 2), (5,))]),
}

# name: (class, keyword arguments, data maker, [(y_true shape, y_pred shape, weight shape)])
BATCHES = [((4, 3), (4, 3), None), ((2, 3), (2, 3), (2,)), ((5, 3), (5, 3), (5,))]
BINARY = [((6, 1), (6, 1), None), ((4,), (4,), (4,)), ((5, 1), (5, 1), (5,))]
MULTICLASS = [((4, 5), (4, 5), None), ((3, 5), (3, 5), (3,)), ((4, 5), (4, 5), (4,))]
MULTILABEL = [((4, 3), (4, 3), None), ((3, 3), (3, 3), (3,)), ((5, 3), (5, 3), (5, 3))]
PER_ROW = MULTILABEL[:2] + [((5, 3), (5, 3), (5,))]
# Targets without the predictions' trailing axis of 1 (Keras matches their ranks).
TRAILING_COLUMNS = [((3, 4), (3, 4, 1), None)]
MANY = [((40,), (40,), None), ((30, 1), (30, 1), (30,)), ((25, 2), (25, 2), (25,))]
METRIC_CASES = {
    "mean_absolute_error": (metrics.MeanAbsoluteError, {}, regression, BATCHES),
    "root_mean_squared_error": (
        metrics.RootMeanSquaredError,
        {},
        regression,
        BATCHES + [((3, 3), (3, 3), (3, 3))],
    ),
    "precision": (metrics.Precision, {}, binary, BINARY + MULTILABEL),
    "precision_thresholds": (
        metrics.Precision,
        dict(thresholds=[0.2, 0.5, 0.85]),
        binary,
        MULTILABEL,
    ),
    "precision_even_thresholds": (
        metrics.Precision,
        dict(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
        binary,
        MANY,
    ),
    "precision_top_k": (metrics.Precision, dict(top_k=2), one_hot_ties, MULTICLASS),
    "precision_class_id": (
        metrics.Precision,
        dict(thresholds=0.4, class_id=1),
        binary,
        PER_ROW,
    ),
    "precision_top_k_class_id": (
        metrics.Precision,
        dict(top_k=2, class_id=3),
        one_hot,
        MULTICLASS,
    ),
    "recall": (metrics.Recall, {}, binary, BINARY + MULTILABEL),
    "recall_thresholds": (metrics.Recall, dict(thresholds=[0.3, 0.6]), binary, MULTILABEL),
    "recall_top_k": (metrics.Recall, dict(top_k=3), one_hot_ties, MULTICLASS),
    "recall_class_id": (metrics.Recall, dict(class_id=2), binary, PER_ROW),
    "auc": (metrics.AUC, {}, binary, MANY),
    "auc_pr": (metrics.AUC, dict(curve="PR"), binary, MANY),
    "auc_pr_majoring": (
        metrics.AUC,
        dict(curve="PR", summation_method="majoring", num_thresholds=50),
        binary,
        MANY,
    ),
    "auc_roc_minoring": (
        metrics.AUC,
        dict(summation_method="minoring", num_thresholds=7),
        binary,
        MANY,
    ),
    "auc_from_logits": (metrics.AUC, dict(from_logits=True), logits, MANY),
    "auc_thresholds": (
        metrics.AUC,
        dict(thresholds=[0.7, 0.1, 0.45, 0.5], curve="PR"),
        binary,
        MANY,
    ),
    "auc_even_thresholds": (
        metrics.AUC,
        dict(thresholds=[0.25, 0.5, 0.75]),
        binary,
        MANY,
    ),
    "auc_prgain": (metrics.AUC, dict(curve="PRGAIN", num_thresholds=20), binary, MANY),
    "auc_multi_label": (
        metrics.AUC,
        dict(multi_label=True, num_labels=3, label_weights=[1.0, 0.5, 2.0]),
        binary,
        [((20, 3), (20, 3), None), ((12, 3), (12, 3), (12,)), ((10, 3), (10, 3), (10, 3))],
    ),
    "auc_multi_label_pr": (
        metrics.AUC,
        dict(multi_label=True, curve="PR", thresholds=[0.2, 0.5, 0.9]),
        binary,
        [((20, 3), (20, 3), None), ((12, 3), (12, 3), (12,))],
    ),
    "auc_label_weights": (
        metrics.AUC,
        dict(label_weights=[2.0, 0.5], num_thresholds=30),
        binary,
        [((20, 2), (20, 2), None), ((12, 2), (12, 2), (12,))],
    ),
    "top_k_categorical_accuracy": (
        metrics.TopKCategoricalAccuracy,
        {},
        one_hot,
        [((4, 8), (4, 8), None), ((3, 8), (3, 8), (3,)), ((2, 3, 8), (2, 3, 8), (2, 3))],
    ),
    "top_k_categorical_accuracy_k2_ties": (
        metrics.TopKCategoricalAccuracy,
        dict(k=2),
        one_hot_ties,
        MULTICLASS,
    ),
    "f1_score": (metrics.F1Score, {}, one_hot, MULTICLASS),
    "f1_score_micro": (metrics.F1Score, dict(average="micro"), one_hot, MULTICLASS),
    "f1_score_macro_threshold": (
        metrics.F1Score,
        dict(average="macro", threshold=0.5),
        binary,
        PER_ROW,
    ),
    "f1_score_weighted": (
        metrics.F1Score,
        dict(average="weighted", threshold=0.3),
        binary,
        PER_ROW,
    ),
    "fbeta_score_beta2": (metrics.FBetaScore, dict(beta=2.0), one_hot, MULTICLASS),
    "mean_squared_logarithmic_error": (
        metrics.MeanSquaredLogarithmicError,
        {},
        percentage,
        BATCHES,
    ),
    "squared_hinge": (metrics.SquaredHinge, {}, hinge_binary, BATCHES),
    "r2_score": (metrics.R2Score, {}, regression, BATCHES + [((3, 3), (3, 3), (3, 3))]),
    "r2_score_variance_weighted": (
        metrics.R2Score,
        dict(class_aggregation="variance_weighted_average"),
        regression,
        BATCHES,
    ),
    "r2_score_per_output": (metrics.R2Score, dict(class_aggregation=None), regression, BATCHES),
    "r2_score_adjusted": (
        metrics.R2Score,
        dict(num_regressors=2),
        regression,
        [((6, 1), (6, 1), None), ((4, 1), (4, 1), (4,)), ((5,), (5, 1), (5,))],
    ),
    "sparse_top_k_categorical_accuracy": (
        metrics.SparseTopKCategoricalAccuracy,
        {},
        sparse_scores,
        [((4,), (4, 8), None), ((3,), (3, 8), (3,)), ((5, 1), (5, 8), (5,))],
    ),
    "sparse_top_k_categorical_accuracy_k2": (
        metrics.SparseTopKCategoricalAccuracy,
        dict(k=2),
        sparse_scores,
        [((6,), (6, 5), None), ((3,), (3, 5), (3,)), ((4,), (4, 5), (4,))],
    ),
    "categorical_hinge": (metrics.CategoricalHinge, {}, one_hot_scores, MULTICLASS),
    "fbeta_score_macro_half": (
        metrics.FBetaScore,
        dict(average="macro", beta=0.5, threshold=0.5),
        binary,
        PER_ROW,
    ),
    "fbeta_score_weighted_beta3": (
        metrics.FBetaScore,
        dict(average="weighted", beta=3.0, threshold=0.3),
        binary,
        PER_ROW,
    ),
}

# Cases run in the metric's own dtype rather than float64: the IoU family counts in int32
# (Keras truncates class indices and weights), and the rates under a constraint compare float32
# ratios with their bound.
IOU_MAPS = [((4, 5), (4, 5), None), ((3, 5), (3, 5), (3, 5)), ((6,), (6,), (6,))]
OWN_DTYPE_METRIC_CASES = {
    "true_positives": (metrics.TruePositives, {}, binary, BINARY + MULTILABEL),
    "false_positives_thresholds": (
        metrics.FalsePositives,
        dict(thresholds=[0.2, 0.5, 0.85]),
        binary,
        MULTILABEL,
    ),
    "true_negatives_even_thresholds": (
        metrics.TrueNegatives,
        dict(thresholds=[0.0, 0.25, 0.5, 0.75, 1.0]),
        binary,
        MANY,
    ),
    "false_negatives": (metrics.FalseNegatives, dict(thresholds=0.3), binary_grid, BINARY),
    "precision_at_recall": (metrics.PrecisionAtRecall, dict(recall=0.7), binary, MANY),
    "precision_at_recall_class_id": (
        metrics.PrecisionAtRecall,
        dict(recall=0.5, num_thresholds=7, class_id=1),
        binary,
        PER_ROW,
    ),
    "recall_at_precision": (metrics.RecallAtPrecision, dict(precision=0.6), binary, MANY),
    "recall_at_precision_one_threshold": (
        metrics.RecallAtPrecision,
        dict(precision=0.4, num_thresholds=1),
        binary_grid,
        MANY,
    ),
    "sensitivity_at_specificity": (
        metrics.SensitivityAtSpecificity,
        dict(specificity=0.5),
        binary,
        MANY,
    ),
    "specificity_at_sensitivity": (
        metrics.SpecificityAtSensitivity,
        dict(sensitivity=0.8, num_thresholds=20),
        binary_grid,
        MANY,
    ),
    "iou": (metrics.IoU, dict(num_classes=3, target_class_ids=[0, 2]), class_maps, IOU_MAPS),
    "iou_ignore_class": (
        metrics.IoU,
        dict(num_classes=3, target_class_ids=[1, 2], ignore_class=0),
        class_maps,
        IOU_MAPS,
    ),
    "mean_iou": (metrics.MeanIoU, dict(num_classes=3), class_maps, IOU_MAPS),
    "mean_iou_scores": (
        metrics.MeanIoU,
        dict(num_classes=3, sparse_y_pred=False),
        class_scores,
        [((4, 5), (4, 5, 3), None), ((2, 5), (2, 5, 3), (2, 5))],
    ),
    "one_hot_iou": (
        metrics.OneHotIoU,
        dict(num_classes=3, target_class_ids=[0, 1]),
        one_hot,
        [((6, 3), (6, 3), None), ((4, 3), (4, 3), (4,))],
    ),
    "one_hot_mean_iou": (
        metrics.OneHotMeanIoU,
        dict(num_classes=4),
        one_hot,
        [((6, 4), (6, 4), None), ((5, 4), (5, 4), (5,))],
    ),
    "binary_iou": (metrics.BinaryIoU, {}, binary_grid, BINARY),
    "binary_iou_target_1": (
        metrics.BinaryIoU,
        dict(target_class_ids=[1], threshold=0.3),
        binary_grid,
        BINARY,
    ),
}
METRIC_CASES["cosine_similarity"] = (metrics.CosineSimilarity, {}, regression, BATCHES)
METRIC_CASES["pearson_correlation"] = (metrics.PearsonCorrelation, {}, regression, BATCHES)
METRIC_CASES["pearson_correlation_axes"] = (
    metrics.PearsonCorrelation,
    dict(axis=(1, 2)),
    regression,
    [((3, 2, 4), (3, 2, 4), None), ((2, 3, 2), (2, 3, 2), (2,))],
)
METRIC_CASES["concordance_correlation"] = (
    metrics.ConcordanceCorrelation,
    {},
    regression,
    BATCHES + TRAILING_COLUMNS,
)
METRIC_CASES["concordance_correlation_axis0"] = (
    metrics.ConcordanceCorrelation,
    dict(axis=0),
    regression,
    [((6, 2), (6, 2), None), ((5, 2), (5, 2), (2,))],
)


def rounded(values, digits):
    return [float(f"{v:.{digits}g}") for v in np.asarray(values, np.float64).ravel()]


def tensor(values, digits=9):
    values = np.asarray(values)
    return {"shape": list(values.shape), "values": rounded(values, digits)}


def optional(values, digits=9):
    return None if values is None else tensor(values, digits)


def serialized(obj):
    return json.loads(json.dumps(serialize_keras_object(obj), default=float))


def write(directory, name, fixture):
    with open(os.path.join(directory, name + ".json"), "w") as file:
        json.dump(fixture, file, sort_keys=True, separators=(",", ":"))
        file.write("\n")


def write_loss_case(directory, name, cls, kwargs, make, batches):
    rng = np.random.default_rng(sum(map(ord, name)))
    keras.backend.set_floatx("float32")
    config = serialized(cls(**kwargs))
    keras.backend.set_floatx("float64")
    loss = cls(dtype="float64", **kwargs)
    assert loss.dtype == "float64", loss.dtype
    calls = []
    for true_shape, pred_shape, weight_shape in batches:
        y_true, y_pred = make(rng, true_shape, pred_shape)
        sample_weight = weights(rng, weight_shape)
        w = None if sample_weight is None else jnp.asarray(sample_weight)

        def objective(p):
            return jnp.sum(loss(jnp.asarray(y_true), p, sample_weight=w))

        value = loss(jnp.asarray(y_true), jnp.asarray(y_pred), sample_weight=w)
        gradient = jax.grad(objective)(jnp.asarray(y_pred))
        calls.append(
            {
                "y_true": tensor(y_true),
                "y_pred": tensor(y_pred),
                "sample_weight": optional(sample_weight),
                "value": tensor(value, 12),
                "gradient": tensor(gradient, 12),
            }
        )
    write(
        directory,
        "loss_" + name,
        {"keras": keras.__version__, "loss": config, "kwargs": kwargs, "calls": calls},
    )


def write_metric_case(directory, name, cls, kwargs, make, batches, own_dtype=False):
    rng = np.random.default_rng(sum(map(ord, name)))
    keras.backend.set_floatx("float32")
    config = serialized(cls(name=name, **kwargs))
    if own_dtype:
        metric = cls(name=name, **kwargs)
    else:
        keras.backend.set_floatx("float64")
        metric = cls(name=name, dtype="float64", **kwargs)
    updates = []
    for true_shape, pred_shape, weight_shape in batches:
        y_true, y_pred = make(rng, true_shape, pred_shape)
        sample_weight = weights(rng, weight_shape)
        metric.update_state(y_true, y_pred, sample_weight=sample_weight)
        assert own_dtype or all(v.dtype == "float64" for v in metric.variables)
        updates.append(
            {
                "y_true": tensor(y_true),
                "y_pred": tensor(y_pred),
                "sample_weight": optional(sample_weight),
                "result": tensor(metric.result(), 12),
            }
        )
    write(directory, "metric_" + name, {"keras": keras.__version__, "metric": config,
                                          "updates": updates})


def main(directory):
    os.makedirs(directory, exist_ok=True)
    for name, (cls, kwargs, make, batches) in LOSS_CASES.items():
        write_loss_case(directory, name, cls, kwargs, make, batches)
    for name, (cls, kwargs, make, batches) in METRIC_CASES.items():
        write_metric_case(directory, name, cls, kwargs, make, batches)
    for name, (cls, kwargs, make, batches) in OWN_DTYPE_METRIC_CASES.items():
        write_metric_case(directory, name, cls, kwargs, make, batches, own_dtype=True)
    count = len(LOSS_CASES) + len(METRIC_CASES) + len(OWN_DTYPE_METRIC_CASES)
    print(f"wrote {count} fixtures of Keras {keras.__version__} to {directory}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
