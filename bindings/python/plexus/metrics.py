"""`plexus.metrics`: the metrics the C library knows, with Keras's arguments and configs.
`compile(metrics=["accuracy"])` picks the accuracy that fits the loss, as Keras does.
Equivalent to `keras.metrics`."""

import ctypes

import numpy as np

from ._lib import check, lib
from .tensor import _labels_predictions_weights, convert_to_tensor

__all__ = [
    "Metric", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "Mean", "MeanAbsoluteError", "RootMeanSquaredError", "Precision", "Recall", "AUC",
    "TopKCategoricalAccuracy", "F1Score", "FBetaScore", "MeanSquaredError",
    "MeanAbsolutePercentageError", "KLDivergence", "Poisson", "Hinge", "LogCoshError",
    "BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
    "MeanSquaredLogarithmicError", "SquaredHinge", "CategoricalHinge", "Sum",
    "SparseTopKCategoricalAccuracy", "R2Score", "TruePositives", "FalsePositives",
    "TrueNegatives", "FalseNegatives", "PrecisionAtRecall", "RecallAtPrecision",
    "SensitivityAtSpecificity", "SpecificityAtSensitivity", "IoU", "MeanIoU", "BinaryIoU",
    "OneHotIoU", "OneHotMeanIoU", "CosineSimilarity", "PearsonCorrelation",
    "ConcordanceCorrelation", "get",
]  # fmt: skip


class Metric:
    """A metric: its name and dtype (float32). On its own it accumulates batches in the C
    library (`update_state`, `result`, `reset_state`), as Keras's metrics do; in `compile` the
    model's own copy does."""

    _keras_module = "keras.metrics"
    _default_name = "metric"

    def __init__(self, name=None, dtype=None):
        self.name = name if name is not None else self._default_name
        self.dtype = dtype

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype or "float32"}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

    # -- on its own -------------------------------------------------------------------------

    def _handle(self):
        """The px_metric holding this metric's state, made from its config on first need."""
        handle = self.__dict__.get("_metric_handle")
        if handle is None:
            from .models._arguments import _object_text

            out = ctypes.c_void_p()
            text = _object_text(self, "a metric").encode("utf-8")
            check(lib().px_metric_create(text, ctypes.byref(out)))
            handle = self._metric_handle = out.value
        return handle

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Adds a batch of labels and predictions (NumPy arrays or tensors), weighed per sample
        by `sample_weight`. Equivalent to Keras's `update_state`."""
        truth, predicted, weight = _labels_predictions_weights(y_true, y_pred, sample_weight)
        check(lib().px_metric_update(self._handle(), truth.handle, predicted.handle,
                                     weight.handle if weight is not None else None))  # fmt: skip

    def result(self):
        """The value over every batch since the metric was made or reset: a scalar tensor, or
        one value per class or threshold where Keras's is (F1Score with average=None,
        Precision and Recall at several thresholds). Equivalent to Keras's `result`."""
        handle, count = self._handle(), ctypes.c_size_t()
        check(lib().px_metric_results(handle, None, 0, ctypes.byref(count)))
        values = (ctypes.c_double * max(count.value, 1))()
        check(lib().px_metric_results(handle, values, count.value, ctypes.byref(count)))
        array = np.asarray(values[: count.value], dtype=np.float32)
        return convert_to_tensor(array if self._vector_result(array.size) else array[0])

    def _vector_result(self, count):
        """Whether Keras's `result()` is a vector, given `count` numbers."""
        return count > 1

    def reset_state(self):
        """Forgets every batch. Equivalent to Keras's `reset_state`."""
        handle = self.__dict__.get("_metric_handle")
        if handle is not None:
            check(lib().px_metric_reset(handle))

    def __call__(self, y_true, y_pred, sample_weight=None):
        """`update_state`, then `result()`, as Keras's metrics are called."""
        self.update_state(y_true, y_pred, sample_weight=sample_weight)
        return self.result()

    def __del__(self):
        handle = self.__dict__.pop("_metric_handle", None)
        if handle:
            try:
                lib().px_metric_release(handle)
            except Exception:  # noqa: BLE001 - the library may be gone at interpreter shutdown
                pass

    def __getstate__(self):
        # A copy starts with no batches, in a library metric of its own.
        state = dict(self.__dict__)
        state.pop("_metric_handle", None)
        return state


class Accuracy(Metric):
    """How often predictions equal labels. Equivalent to `keras.metrics.Accuracy`."""

    _default_name = "accuracy"


class BinaryAccuracy(Metric):
    """How often `prediction > threshold` equals the 0/1 label.
    Equivalent to `keras.metrics.BinaryAccuracy`."""

    _default_name = "binary_accuracy"

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(name, dtype)
        self.threshold = threshold

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


class CategoricalAccuracy(Metric):
    """How often the arg-max matches a one-hot label.
    Equivalent to `keras.metrics.CategoricalAccuracy`."""

    _default_name = "categorical_accuracy"


class SparseCategoricalAccuracy(Metric):
    """How often the arg-max matches an integer label.
    Equivalent to `keras.metrics.SparseCategoricalAccuracy`."""

    _default_name = "sparse_categorical_accuracy"


class Mean(Metric):
    """The running mean of the values given. Equivalent to `keras.metrics.Mean`."""

    _default_name = "mean"

    def update_state(self, values, sample_weight=None):
        """Adds `values`, weighed by `sample_weight`. Equivalent to Keras's."""
        super().update_state(values, values, sample_weight=sample_weight)

    def __call__(self, values, sample_weight=None):
        self.update_state(values, sample_weight=sample_weight)
        return self.result()


class Sum(Mean):
    """The running (weighted) sum of the values given. Equivalent to `keras.metrics.Sum`."""

    _default_name = "sum"


class MeanAbsoluteError(Metric):
    """The mean of `abs(y_true - y_pred)`. Equivalent to `keras.metrics.MeanAbsoluteError`."""

    _default_name = "mean_absolute_error"


class RootMeanSquaredError(Metric):
    """`sqrt(mean((y_true - y_pred) ** 2))` over everything seen.
    Equivalent to `keras.metrics.RootMeanSquaredError`."""

    _default_name = "root_mean_squared_error"


class _Thresholded(Metric):
    """Precision and Recall: counts at `thresholds` (0.5 when None), or over the `top_k`
    scores, optionally for the one class `class_id`."""

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name, dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_Thresholded):
    """`true_positives / (true_positives + false_positives)`.
    Equivalent to `keras.metrics.Precision`."""

    _default_name = "precision"


class Recall(_Thresholded):
    """`true_positives / (true_positives + false_negatives)`.
    Equivalent to `keras.metrics.Recall`."""

    _default_name = "recall"


class AUC(Metric):
    """The area under the ROC or precision-recall curve (`curve="ROC"` or `"PR"`), from
    `num_thresholds` thresholds. Equivalent to `keras.metrics.AUC`."""

    _default_name = "auc"

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation",
                 name=None, dtype=None, thresholds=None, multi_label=False, num_labels=None,
                 label_weights=None, from_logits=False):  # fmt: skip
        super().__init__(name, dtype)
        if curve not in ("ROC", "PR", "PRGAIN"):
            raise ValueError(f'Invalid AUC curve value: "{curve}". Expected one of ROC, PR')
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(
                f'Invalid AUC summation method value: "{summation_method}". Expected one of '
                "interpolation, minoring, majoring"
            )
        if thresholds is not None:
            num_thresholds = len(thresholds) + 2
        elif num_thresholds <= 1:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 1. "
                f"Received: num_thresholds={num_thresholds}"
            )
        self.num_thresholds = num_thresholds
        self.curve = curve
        self.summation_method = summation_method
        self.thresholds = None if thresholds is None else sorted(float(t) for t in thresholds)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = label_weights
        self.from_logits = from_logits

    def get_config(self):
        label_weights = self.label_weights
        if label_weights is not None:
            label_weights = [float(w) for w in label_weights]
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": label_weights,
            "from_logits": self.from_logits,
        }
        if self.thresholds is not None:
            config["thresholds"] = list(self.thresholds)
        return config


class TopKCategoricalAccuracy(Metric):
    """How often the one-hot label is among the `k` highest scores.
    Equivalent to `keras.metrics.TopKCategoricalAccuracy`."""

    _default_name = "top_k_categorical_accuracy"

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(name, dtype)
        self.k = k

    def get_config(self):
        return {**super().get_config(), "k": self.k}


class SparseTopKCategoricalAccuracy(TopKCategoricalAccuracy):
    """How often the integer label is among the `k` highest scores.
    Equivalent to `keras.metrics.SparseTopKCategoricalAccuracy`."""

    _default_name = "sparse_top_k_categorical_accuracy"

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None):
        super().__init__(k, name, dtype)


class FBetaScore(Metric):
    """The F-beta score per class, weighing recall `beta` times as much as precision, averaged
    by `average` (None, "micro", "macro" or "weighted"); a prediction counts above `threshold`
    (None: the arg-max). Equivalent to `keras.metrics.FBetaScore`."""

    _default_name = "fbeta_score"

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name, dtype)
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', "
                f"'weighted'}}. Received: average={average}"
            )
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(
                "Invalid `beta` argument value. It should be a Python float greater than 0. "
                f"Received: beta={beta!r}"
            )
        if threshold is not None and not (isinstance(threshold, float) and 0 < threshold <= 1):
            raise ValueError(
                "Invalid `threshold` argument value. It should be a Python float in the range "
                f"]0, 1]. Received: threshold={threshold}"
            )
        self.average = average
        self.beta = beta
        self.threshold = threshold

    def _vector_result(self, count):
        return self.average is None  # one score per class, as Keras's

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}  # fmt: skip


class F1Score(FBetaScore):
    """The harmonic mean of precision and recall per class (the F-beta score with beta 1),
    averaged by `average` (None, "micro", "macro" or "weighted"); a prediction counts above
    `threshold` (None: the arg-max). Equivalent to `keras.metrics.F1Score`."""

    _default_name = "f1_score"

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config


class MeanSquaredError(Metric):
    """The mean of `(y_true - y_pred) ** 2` per sample, averaged.
    Equivalent to `keras.metrics.MeanSquaredError`."""

    _default_name = "mean_squared_error"


class MeanAbsolutePercentageError(Metric):
    """The mean absolute percentage error per sample, averaged.
    Equivalent to `keras.metrics.MeanAbsolutePercentageError`."""

    _default_name = "mean_absolute_percentage_error"


class KLDivergence(Metric):
    """The Kullback-Leibler divergence per sample, averaged.
    Equivalent to `keras.metrics.KLDivergence`."""

    _default_name = "kl_divergence"


class Poisson(Metric):
    """The Poisson loss per sample, averaged. Equivalent to `keras.metrics.Poisson`."""

    _default_name = "poisson"


class Hinge(Metric):
    """The hinge loss per sample, averaged. Equivalent to `keras.metrics.Hinge`."""

    _default_name = "hinge"


class LogCoshError(Metric):
    """The log-cosh error per sample, averaged. Equivalent to `keras.metrics.LogCoshError`."""

    _default_name = "logcosh"


class R2Score(Metric):
    """The coefficient of determination of each output column over every batch seen,
    aggregated as `class_aggregation` says ("uniform_average", "variance_weighted_average",
    or None for one score per column); adjusted for `num_regressors` when above 0.
    Equivalent to `keras.metrics.R2Score`."""

    _default_name = "r2_score"

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score",
                 dtype=None):  # fmt: skip
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError(
                "Invalid value for argument `class_aggregation`. Expected one of (None, "
                f"'uniform_average', 'variance_weighted_average'). Received: "
                f"class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                "Invalid value for argument `num_regressors`. Expected a value >= 0. "
                f"Received: num_regressors={num_regressors}"
            )
        super().__init__(name, dtype)
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}  # fmt: skip

    def _vector_result(self, count):
        return self.class_aggregation is None


class MeanSquaredLogarithmicError(Metric):
    """The mean squared logarithmic error per sample, averaged.
    Equivalent to `keras.metrics.MeanSquaredLogarithmicError`."""

    _default_name = "mean_squared_logarithmic_error"


class SquaredHinge(Metric):
    """The squared hinge loss per sample, averaged. Equivalent to `keras.metrics.SquaredHinge`."""

    _default_name = "squared_hinge"


class CategoricalHinge(Metric):
    """The categorical hinge loss per sample, averaged.
    Equivalent to `keras.metrics.CategoricalHinge`."""

    _default_name = "categorical_hinge"


class BinaryCrossentropy(Metric):
    """The binary cross-entropy per sample, averaged (of logits with `from_logits`).
    Equivalent to `keras.metrics.BinaryCrossentropy`."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0):  # fmt: skip
        super().__init__(name, dtype)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}  # fmt: skip


class CategoricalCrossentropy(BinaryCrossentropy):
    """The categorical cross-entropy of one-hot labels per sample, averaged.
    Equivalent to `keras.metrics.CategoricalCrossentropy`."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False,
                 label_smoothing=0, axis=-1):  # fmt: skip
        super().__init__(name, dtype, from_logits, label_smoothing)
        self.axis = axis

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class SparseCategoricalCrossentropy(Metric):
    """The cross-entropy of integer labels per sample, averaged.
    Equivalent to `keras.metrics.SparseCategoricalCrossentropy`."""

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 axis=-1):  # fmt: skip
        super().__init__(name, dtype)
        self.from_logits = from_logits
        self.axis = axis

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits, "axis": self.axis}


class _ConditionCount(Metric):
    """A cell of the binary confusion matrix, counted at `thresholds` (0.5 when None; a list
    gives one count per threshold)."""

    def __init__(self, thresholds=None, name=None, dtype=None):
        _check_thresholds(thresholds)
        super().__init__(name, dtype)
        self.init_thresholds = thresholds

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


def _check_thresholds(thresholds):
    values = [] if thresholds is None else np.asarray(thresholds, np.float64).ravel()
    for value in values:
        if not 0 <= value <= 1:
            raise ValueError(
                f"Threshold values must be in [0, 1]. Received: {thresholds}")


class TruePositives(_ConditionCount):
    """Positive labels predicted positive. Equivalent to `keras.metrics.TruePositives`."""

    _default_name = "true_positives"


class FalsePositives(_ConditionCount):
    """Negative labels predicted positive. Equivalent to `keras.metrics.FalsePositives`."""

    _default_name = "false_positives"


class TrueNegatives(_ConditionCount):
    """Negative labels predicted negative. Equivalent to `keras.metrics.TrueNegatives`."""

    _default_name = "true_negatives"


class FalseNegatives(_ConditionCount):
    """Positive labels predicted negative. Equivalent to `keras.metrics.FalseNegatives`."""

    _default_name = "false_negatives"


class _Constrained(Metric):
    """The best of one rate at the thresholds (`num_thresholds` of them, evenly over [0, 1])
    where another reaches the bound, named `_bound` (Keras's `SensitivitySpecificityBase`)."""

    _bound = "value"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= value <= 1:
            raise ValueError(
                f"Argument `{self._bound}` must be in the range [0, 1]. "
                f"Received: {self._bound}={value}")  # fmt: skip
        if num_thresholds <= 0:
            raise ValueError(
                "Argument `num_thresholds` must be an integer > 0. "
                f"Received: num_thresholds={num_thresholds}")  # fmt: skip
        super().__init__(name, dtype)
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = class_id

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._bound: self.value}  # fmt: skip


class SensitivityAtSpecificity(_Constrained):
    """The best sensitivity where specificity is at least `specificity`.
    Equivalent to `keras.metrics.SensitivityAtSpecificity`."""

    _default_name = "sensitivity_at_specificity"
    _bound = "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)
        self.specificity = specificity


class SpecificityAtSensitivity(_Constrained):
    """The best specificity where sensitivity is at least `sensitivity`.
    Equivalent to `keras.metrics.SpecificityAtSensitivity`."""

    _default_name = "specificity_at_sensitivity"
    _bound = "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)
        self.sensitivity = sensitivity


class PrecisionAtRecall(_Constrained):
    """The best precision where recall is at least `recall`.
    Equivalent to `keras.metrics.PrecisionAtRecall`."""

    _default_name = "precision_at_recall"
    _bound = "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)
        self.recall = recall


class RecallAtPrecision(_Constrained):
    """The best recall where precision is at least `precision`.
    Equivalent to `keras.metrics.RecallAtPrecision`."""

    _default_name = "recall_at_precision"
    _bound = "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
        self.precision = precision


class IoU(Metric):
    """Intersection over union of the classes `target_class_ids`, averaged over those that
    occurred, from a confusion matrix of `num_classes` classes (class indices, or scores whose
    largest entry along `axis` is the class when `sparse_y_true` / `sparse_y_pred` is False;
    labels equal to `ignore_class` are not counted). Counts in int32 by default, truncating
    class indices and weights as Keras does. Equivalent to `keras.metrics.IoU`."""

    _default_name = "io_u"
    _keys = ("num_classes", "target_class_ids", "ignore_class", "sparse_y_true",
             "sparse_y_pred", "axis")  # fmt: skip

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        # MeanIoU's range stays a range: a huge class count is refused by the library, not
        # spent on a list here.
        if isinstance(target_class_ids, range):
            largest = target_class_ids[-1] if target_class_ids else None
        else:
            target_class_ids = list(target_class_ids)
            largest = max(target_class_ids, default=None)
        if largest is not None and largest >= num_classes:
            raise ValueError(
                f"Target class id {largest} is out of range, which is [0, {num_classes}).")
        super().__init__(name, dtype)
        self.num_classes = num_classes
        self.target_class_ids = target_class_ids
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype or "int32"}
        values = {key: getattr(self, key) for key in self._keys}
        if isinstance(values.get("target_class_ids"), range):
            values["target_class_ids"] = list(values["target_class_ids"])
        return {**config, **values}


class MeanIoU(IoU):
    """The intersection over union of every class, averaged over those that occurred.
    Equivalent to `keras.metrics.MeanIoU`."""

    _default_name = "mean_io_u"
    _keys = ("num_classes", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis")

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):  # fmt: skip
        super().__init__(num_classes, range(num_classes), name, dtype, ignore_class,
                         sparse_y_true, sparse_y_pred, axis)  # fmt: skip


class OneHotIoU(IoU):
    """`IoU` of one-hot labels. Equivalent to `keras.metrics.OneHotIoU`."""

    _default_name = "one_hot_io_u"
    _keys = ("num_classes", "target_class_ids", "ignore_class", "sparse_y_pred", "axis")

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):  # fmt: skip
        super().__init__(num_classes, target_class_ids, name, dtype, ignore_class, False,
                         sparse_y_pred, axis)  # fmt: skip


class OneHotMeanIoU(MeanIoU):
    """`MeanIoU` of one-hot labels. Equivalent to `keras.metrics.OneHotMeanIoU`."""

    _default_name = "one_hot_mean_io_u"
    _keys = ("num_classes", "ignore_class", "sparse_y_pred", "axis")

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):  # fmt: skip
        super().__init__(num_classes, name, dtype, ignore_class, False, sparse_y_pred, axis)


class BinaryIoU(IoU):
    """`IoU` of 0/1 labels and probabilities, a prediction of at least `threshold` being
    class 1. Equivalent to `keras.metrics.BinaryIoU`."""

    _default_name = "binary_io_u"
    _keys = ("target_class_ids", "threshold")

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, target_class_ids, name, dtype)
        self.threshold = threshold


class CosineSimilarity(Metric):
    """The cosine similarity of labels and predictions along `axis`, averaged over samples.
    Equivalent to `keras.metrics.CosineSimilarity` (whose config leaves `axis` out)."""

    _default_name = "cosine_similarity"

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(name, dtype)
        self.axis = axis

    def get_config(self):
        config = super().get_config()
        return config if self.axis == -1 else {**config, "axis": self.axis}


class PearsonCorrelation(Metric):
    """Pearson's correlation coefficient of labels and predictions along `axis` (an int or a
    tuple of them), averaged over samples: 1 for a perfect positive linear relation.
    Equivalent to `keras.metrics.PearsonCorrelation`."""

    _default_name = "pearson_correlation"

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(name, dtype)
        self.axis = axis

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class ConcordanceCorrelation(Metric):
    """The concordance correlation coefficient of labels and predictions along `axis` (an int
    or a tuple of them), averaged over samples, computed as Keras 3 computes it (its covariance
    term centres the labels on the predictions' mean). Equivalent to
    `keras.metrics.ConcordanceCorrelation`."""

    _default_name = "concordance_correlation"

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(name, dtype)
        self.axis = axis

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


_NAMES = {
    "accuracy": Accuracy, "acc": Accuracy, "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy, "mean": Mean,
    "mean_absolute_error": MeanAbsoluteError, "mae": MeanAbsoluteError,
    "root_mean_squared_error": RootMeanSquaredError, "precision": Precision, "recall": Recall,
    "auc": AUC, "top_k_categorical_accuracy": TopKCategoricalAccuracy, "f1_score": F1Score,
    "sparse_top_k_categorical_accuracy": SparseTopKCategoricalAccuracy,
    "cosine_similarity": CosineSimilarity, "pearson_correlation": PearsonCorrelation,
    "concordance_correlation": ConcordanceCorrelation,
}  # fmt: skip


def get(identifier):
    """A metric object for a Keras name, a serialized metric (a dict with "class_name" and
    "config"), or the object itself. Equivalent to `keras.metrics.get`."""
    if isinstance(identifier, str) and identifier.lower() in _NAMES:
        return _NAMES[identifier.lower()]()
    if isinstance(identifier, dict) and "class_name" in identifier:
        name = identifier["class_name"]
        cls = globals().get(name) if name in __all__ else None
        if not (isinstance(cls, type) and issubclass(cls, Metric)):
            raise ValueError(f"unknown metric class {name!r}")
        return cls.from_config(dict(identifier.get("config") or {}))
    return identifier
