"""Which way a watched metric improves, decided as Keras's `MonitorCallback` decides it: in
auto mode a loss goes down and a compiled metric goes the way its class goes; any other name
is an error that asks for `mode`. A superset of Keras's names: an output's loss (`val_a_loss`)
and an output's metric (`a_mae`) resolve too, where Keras asks for `mode`."""

import re

__all__ = ["less", "greater", "monitor_op"]

# Keras metrics whose `_direction` is "up"; metrics made from a loss go "down".
_UP = frozenset({
    "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "TopKCategoricalAccuracy", "SparseTopKCategoricalAccuracy", "AUC", "Precision", "Recall",
    "FBetaScore", "F1Score", "R2Score", "CosineSimilarity", "MeanIoU", "IoU", "BinaryIoU",
    "OneHotIoU", "OneHotMeanIoU", "PrecisionAtRecall", "RecallAtPrecision",
    "SensitivityAtSpecificity", "SpecificityAtSensitivity",
})  # fmt: skip
# The same by the name Keras logs them under (a loaded model's compile_config may hold names).
_UP_NAMES = frozenset({"auc", "precision", "recall", "f1_score", "fbeta_score", "r2_score",
                       "iou", "mean_iou", "cosine_similarity"})  # fmt: skip
_DOWN_WORDS = ("error", "crossentropy", "loss", "hinge", "divergence", "poisson", "logcosh",
               "mse", "mae", "mape", "msle")  # fmt: skip


def less(a, b):
    return a < b


def greater(a, b):
    return a > b


def monitor_op(callback, monitor, mode, model):
    """`less` or `greater`: how `callback` (its class name, for the error) compares values of
    `monitor` in `mode` ("min", "max" or "auto") for `model`."""
    if mode == "min":
        return less
    if mode == "max":
        return greater
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss" or name.endswith("_loss"):
        return less
    for metric in _compiled(model):
        base = _name(metric)
        # Logged as the name itself, after an output's name, or with Keras's `_1` of a repeat.
        if base and re.fullmatch(rf"(?:.+_)?{re.escape(base)}(?:_\d+)?", name):
            up = _direction(metric)
            if up is not None:
                return greater if up else less
    raise ValueError(
        f"{callback} callback received monitor={monitor}, but Plexus isn't able to "
        "automatically determine whether that metric should be maximized or minimized. Pass "
        "`mode='max'` in order to monitor based on the highest metric value, or pass "
        "`mode='min'` in order to use the lowest value."
    )


def _compiled(model):
    """The metrics `model` was compiled with, as given (a string logs under itself), from a
    list, a dict by output or one list per output."""
    arguments = getattr(model, "_compile_arguments", None) or {}
    pending, found = [arguments.get("metrics")], []
    while pending:
        entry = pending.pop(0)
        if isinstance(entry, dict) and "class_name" not in entry:  # by output name
            pending[:0] = list(entry.values())
        elif isinstance(entry, (list, tuple)):
            pending[:0] = list(entry)
        elif entry is not None:
            found.append(entry)
    return found


def _name(metric):
    """The name a compiled metric logs under: a string's own, an object's `name`, a
    serialized object's config name (a loaded model's compile_config)."""
    if isinstance(metric, str):
        return metric
    if isinstance(metric, dict):
        return (metric.get("config") or {}).get("name")
    return getattr(metric, "name", None)


def _direction(metric):
    """True for a metric that goes up, False for one that goes down, None when unknown."""
    if isinstance(metric, dict):
        kind = str(metric.get("class_name"))
        return True if kind in _UP else _direction(kind.lower())
    if isinstance(metric, str):
        text = metric.lower()
        if text in ("accuracy", "acc") or text.endswith("_accuracy") or text in _UP_NAMES:
            return True
        return False if any(word in text for word in _DOWN_WORDS) else None
    kind = type(metric).__name__
    if kind in _UP:
        return True
    if kind == "Mean":
        return None
    return False if any(word in kind.lower() for word in _DOWN_WORDS) else None
