"""`plexus.losses`: the losses the C library knows, with Keras's arguments and configs.
Equivalent to `keras.losses`."""

import ctypes

from ._lib import check, lib
from .tensor import Tensor, _labels_predictions_weights

__all__ = [
    "Loss", "SparseCategoricalCrossentropy", "CategoricalCrossentropy", "BinaryCrossentropy",
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError", "Huber",
    "KLDivergence", "CosineSimilarity", "Hinge", "LogCosh", "Poisson",
    "MeanSquaredLogarithmicError", "SquaredHinge", "CategoricalHinge", "get",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "huber", "kl_divergence", "cosine_similarity", "hinge", "log_cosh", "poisson",
    "mean_squared_logarithmic_error", "squared_hinge", "categorical_hinge",
    "BinaryFocalCrossentropy", "CategoricalFocalCrossentropy", "Dice", "Tversky",
    "binary_focal_crossentropy", "categorical_focal_crossentropy", "dice", "tversky",
]  # fmt: skip


class Loss:
    """A loss: its reduction ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight",
    "none" or None) and name."""

    _keras_module = "keras.losses"

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name
        self.reduction = reduction
        self.dtype = dtype

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    def _library_config(self):
        """The config `compile` hands to the C library: Keras's, plus what Keras's
        get_config leaves out but its constructor takes (Huber's `delta`)."""
        return self.get_config()

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} {self.get_config()}>"

    def __call__(self, y_true, y_pred, sample_weight=None):
        """The loss of `y_pred` against `y_true` (NumPy arrays or tensors), weighed per sample
        by `sample_weight` and reduced by `reduction`: a scalar tensor, or one value per sample
        with reduction "none". Equivalent to calling a Keras loss."""
        from .models._arguments import _object_text

        truth, predicted, weight = _labels_predictions_weights(y_true, y_pred, sample_weight)
        out = ctypes.c_void_p()
        check(lib().px_loss_call(_object_text(self, "a loss").encode("utf-8"), truth.handle,
                                 predicted.handle, weight.handle if weight is not None else None,
                                 ctypes.byref(out)))  # fmt: skip
        return Tensor(out.value)


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy of integer labels against class scores.
    Equivalent to `keras.losses.SparseCategoricalCrossentropy`."""

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size",
                 name="sparse_categorical_crossentropy", dtype=None):  # fmt: skip
        super().__init__(name, reduction, dtype)
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def get_config(self):
        return {
            **super().get_config(),
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
        }


class CategoricalCrossentropy(Loss):
    """Cross-entropy of one-hot labels. Equivalent to `keras.losses.CategoricalCrossentropy`."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_crossentropy",
                 dtype=None):  # fmt: skip
        super().__init__(name, reduction, dtype)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {
            **super().get_config(),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class BinaryCrossentropy(CategoricalCrossentropy):
    """Cross-entropy of 0/1 labels. Equivalent to `keras.losses.BinaryCrossentropy`."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="binary_crossentropy",
                 dtype=None):  # fmt: skip
        super().__init__(from_logits, label_smoothing, axis, reduction, name, dtype)


class MeanSquaredError(Loss):
    """The mean of `(y_true - y_pred) ** 2`. Equivalent to `keras.losses.MeanSquaredError`."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(name, reduction, dtype)


class MeanAbsoluteError(Loss):
    """The mean of `abs(y_true - y_pred)`. Equivalent to `keras.losses.MeanAbsoluteError`."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(name, reduction, dtype)


class MeanAbsolutePercentageError(Loss):
    """`100 * mean(abs((y_true - y_pred) / y_true))`.
    Equivalent to `keras.losses.MeanAbsolutePercentageError`."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error",
                 dtype=None):  # fmt: skip
        super().__init__(name, reduction, dtype)


class Huber(Loss):
    """Quadratic for errors up to `delta`, linear beyond: `0.5 * e ** 2` if `|e| <= delta`,
    else `delta * (|e| - 0.5 * delta)`. Keras's get_config leaves `delta` out, and so does
    this one; `compile` still hands it to the C library. Equivalent to `keras.losses.Huber`."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss",
                 dtype=None):  # fmt: skip
        super().__init__(name, reduction, dtype)
        self.delta = delta

    def _library_config(self):
        return {**self.get_config(), "delta": self.delta}


class KLDivergence(Loss):
    """`y_true * log(y_true / y_pred)`, summed over the last axis.
    Equivalent to `keras.losses.KLDivergence`."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(name, reduction, dtype)


class CosineSimilarity(Loss):
    """The negated cosine similarity of labels and predictions along `axis` (-1 for
    identical directions). Keras's get_config leaves `axis` out, and so does this one;
    `compile` still hands it to the C library. Equivalent to `keras.losses.CosineSimilarity`."""

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity",
                 dtype=None):  # fmt: skip
        super().__init__(name, reduction, dtype)
        self.axis = axis

    def _library_config(self):
        return {**self.get_config(), "axis": self.axis}


class Hinge(Loss):
    """`max(1 - y_true * y_pred, 0)` for labels -1 or 1 (0/1 labels are mapped to them).
    Equivalent to `keras.losses.Hinge`."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(name, reduction, dtype)


class LogCosh(Loss):
    """The logarithm of the hyperbolic cosine of the error. Equivalent to
    `keras.losses.LogCosh`."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(name, reduction, dtype)


class Poisson(Loss):
    """`y_pred - y_true * log(y_pred)`. Equivalent to `keras.losses.Poisson`."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(name, reduction, dtype)


class MeanSquaredLogarithmicError(Loss):
    """The mean of `(log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1)) ** 2`.
    Equivalent to `keras.losses.MeanSquaredLogarithmicError`."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error",
                 dtype=None):  # fmt: skip
        super().__init__(name, reduction, dtype)


class SquaredHinge(Loss):
    """`max(1 - y_true * y_pred, 0) ** 2` for labels -1 or 1 (0/1 labels are mapped to them).
    Equivalent to `keras.losses.SquaredHinge`."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(name, reduction, dtype)


class CategoricalHinge(Loss):
    """`max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)` over one-hot labels.
    Equivalent to `keras.losses.CategoricalHinge`."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(name, reduction, dtype)


class BinaryFocalCrossentropy(Loss):
    """Binary cross-entropy times `(1 - p_t) ** gamma`, focusing on hard examples; with
    `apply_class_balancing`, positives weigh `alpha` and negatives `1 - alpha`.
    Equivalent to `keras.losses.BinaryFocalCrossentropy`."""

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False,
                 label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_focal_crossentropy", dtype=None):  # fmt: skip
        super().__init__(name, reduction, dtype)
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {**super().get_config(), "apply_class_balancing": self.apply_class_balancing,
                "alpha": self.alpha, "gamma": self.gamma, "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis}  # fmt: skip


class CategoricalFocalCrossentropy(Loss):
    """Categorical cross-entropy times `alpha * (1 - p) ** gamma` per class.
    Equivalent to `keras.losses.CategoricalFocalCrossentropy`."""

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy",
                 dtype=None):  # fmt: skip
        super().__init__(name, reduction, dtype)
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing, "axis": self.axis, "alpha": self.alpha,
                "gamma": self.gamma}  # fmt: skip


class Dice(Loss):
    """`1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))` over `axis` (every axis
    when None). Equivalent to `keras.losses.Dice`."""

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(name, reduction, dtype)
        self.axis = axis

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Tversky(Loss):
    """One minus the Tversky index over `axis` (every axis when None), Keras's `alpha` and
    `beta` weighing the two kinds of error. Equivalent to `keras.losses.Tversky`."""

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky",
                 axis=None, dtype=None):  # fmt: skip
        super().__init__(name, reduction, dtype)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "beta": self.beta,
                "axis": self.axis}  # fmt: skip


_NAMES = {
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "binary_crossentropy": BinaryCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "mean_absolute_percentage_error": MeanAbsolutePercentageError,
    "mape": MeanAbsolutePercentageError,
    "huber": Huber,
    "kl_divergence": KLDivergence,
    "kld": KLDivergence,
    "cosine_similarity": CosineSimilarity,
    "hinge": Hinge,
    "log_cosh": LogCosh,
    "poisson": Poisson,
    "mean_squared_logarithmic_error": MeanSquaredLogarithmicError,
    "msle": MeanSquaredLogarithmicError,
    "squared_hinge": SquaredHinge,
    "categorical_hinge": CategoricalHinge,
    "binary_focal_crossentropy": BinaryFocalCrossentropy,
    "categorical_focal_crossentropy": CategoricalFocalCrossentropy,
    "dice": Dice,
    "tversky": Tversky,
}


def _loss_function(cls, name):
    def function(y_true, y_pred, **kwargs):
        return cls(reduction="none", **kwargs)(y_true, y_pred)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = (f"The {name.replace('_', ' ')} of each sample, unreduced (keyword "
                        f"arguments as {cls.__name__}'s). Equivalent to `keras.losses.{name}`.")  # fmt: skip
    return function


# Keras's loss functions: one value per sample.
mean_squared_error = _loss_function(MeanSquaredError, "mean_squared_error")
mean_absolute_error = _loss_function(MeanAbsoluteError, "mean_absolute_error")
mean_absolute_percentage_error = _loss_function(
    MeanAbsolutePercentageError, "mean_absolute_percentage_error"
)
binary_crossentropy = _loss_function(BinaryCrossentropy, "binary_crossentropy")
categorical_crossentropy = _loss_function(CategoricalCrossentropy, "categorical_crossentropy")
sparse_categorical_crossentropy = _loss_function(
    SparseCategoricalCrossentropy, "sparse_categorical_crossentropy"
)
huber = _loss_function(Huber, "huber")
kl_divergence = _loss_function(KLDivergence, "kl_divergence")
cosine_similarity = _loss_function(CosineSimilarity, "cosine_similarity")
hinge = _loss_function(Hinge, "hinge")
log_cosh = _loss_function(LogCosh, "log_cosh")
poisson = _loss_function(Poisson, "poisson")
mean_squared_logarithmic_error = _loss_function(
    MeanSquaredLogarithmicError, "mean_squared_logarithmic_error"
)
squared_hinge = _loss_function(SquaredHinge, "squared_hinge")
categorical_hinge = _loss_function(CategoricalHinge, "categorical_hinge")
binary_focal_crossentropy = _loss_function(BinaryFocalCrossentropy, "binary_focal_crossentropy")
categorical_focal_crossentropy = _loss_function(
    CategoricalFocalCrossentropy, "categorical_focal_crossentropy"
)
dice = _loss_function(Dice, "dice")
tversky = _loss_function(Tversky, "tversky")


def get(identifier):
    """A loss object for a Keras name ("mae", "huber") or class name ("Huber"), a serialized
    loss (a dict with "class_name" and "config"), or the object itself. Equivalent to
    `keras.losses.get`."""
    if isinstance(identifier, str):
        if identifier.lower() in _NAMES:
            return _NAMES[identifier.lower()]()
        if identifier in __all__ and identifier[:1].isupper() and identifier != "Loss":
            return globals()[identifier]()
    if isinstance(identifier, dict) and "class_name" in identifier:
        name = identifier["class_name"]
        cls = globals().get(name) if name in __all__ and name != "Loss" else None
        if not (isinstance(cls, type) and issubclass(cls, Loss)):
            raise ValueError(f"unknown loss class {name!r}")
        return cls.from_config(dict(identifier.get("config") or {}))
    return identifier
