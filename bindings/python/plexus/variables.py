"""`plexus.Variable`: one weight of a built model, read and written through the C library by
its Keras path ("dense/kernel")."""

import numpy as np

__all__ = ["Variable"]

_NON_TRAINABLE = ("moving_mean", "moving_variance")


class Variable:
    """A model's weight by path. `.numpy()` reads a copy; `.assign(value)` writes it."""

    def __init__(self, model, path):
        self._model = model
        self.path = path

    @property
    def name(self):
        """The weight's own name ("kernel")."""
        return self.path.rsplit("/", 1)[-1]

    @property
    def trainable(self):
        """Whether the optimizer updates it (batch statistics are not trained)."""
        return self.name not in _NON_TRAINABLE

    @property
    def value(self):
        """The current value as a plexus.Tensor (a copy)."""
        return self._model._get_weight_tensor(self.path)

    def numpy(self):
        """The current value as a NumPy array (a copy)."""
        return self.value.numpy()

    @property
    def shape(self):
        return self.value.shape

    @property
    def dtype(self):
        return self.value.dtype

    def assign(self, value):
        """Sets the value (the weight's shape and dtype)."""
        self._model._set_weight(self.path, value)
        return self

    def __array__(self, dtype=None, copy=None):
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def __repr__(self):
        try:
            value = np.array2string(self.numpy(), threshold=16, separator=", ")
        except Exception:  # noqa: BLE001 - the model may be gone
            value = "?"
        return f"<Variable path={self.path}, value={value}>"
