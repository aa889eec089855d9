"""`plexus.losses`: the losses the C library knows, with Keras's arguments and configs.
Equivalent to `keras.losses`."""

__all__ = [
    "Loss", "SparseCategoricalCrossentropy", "CategoricalCrossentropy", "BinaryCrossentropy",
    "MeanSquaredError", "get",
]  # fmt: skip


class Loss:
    """A loss: its reduction ("sum_over_batch_size", "sum", "none") and name."""

    _keras_module = "keras.losses"

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name
        self.reduction = reduction
        self.dtype = dtype

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} {self.get_config()}>"


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


_NAMES = {
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "binary_crossentropy": BinaryCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
}


def get(identifier):
    """A loss object for a Keras name, or the object itself."""
    if isinstance(identifier, str) and identifier.lower() in _NAMES:
        return _NAMES[identifier.lower()]()
    return identifier
