"""`plexus.metrics`: the metrics the C library knows, with Keras's arguments and configs.
`compile(metrics=["accuracy"])` picks the accuracy that fits the loss, as Keras does.
Equivalent to `keras.metrics`."""

__all__ = [
    "Metric", "Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
    "Mean", "get",
]  # fmt: skip


class Metric:
    """A metric: its name and dtype (float32)."""

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


_NAMES = {
    "accuracy": Accuracy, "acc": Accuracy, "binary_accuracy": BinaryAccuracy,
    "categorical_accuracy": CategoricalAccuracy,
    "sparse_categorical_accuracy": SparseCategoricalAccuracy, "mean": Mean,
}  # fmt: skip


def get(identifier):
    """A metric object for a Keras name, or the object itself."""
    if isinstance(identifier, str) and identifier.lower() in _NAMES:
        return _NAMES[identifier.lower()]()
    return identifier
