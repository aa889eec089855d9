"""Preprocessing layers: Rescaling, Normalization (keras/src/layers/preprocessing)."""

import numpy as np

from .base import Layer

__all__ = ["Rescaling", "Normalization"]


class Rescaling(Layer):
    """`inputs * scale + offset`, e.g. `Rescaling(1 / 255)` for pixel values.
    Equivalent to `keras.layers.Rescaling`."""

    _check_in_library = True

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config


class Normalization(Layer):
    """`(inputs - mean) / sqrt(variance)` per feature of `axis` (the last by default), from
    the `mean` and `variance` given; `invert=True` undoes it.

    ```python
    layers.Normalization(mean=x.mean(axis=0), variance=x.var(axis=0))
    ```
    Equivalent to `keras.layers.Normalization` given `mean` and `variance`; `adapt` is not
    available (the C ABI has no call for it)."""

    _check_in_library = True

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if axis is None:
            axis = ()
        elif isinstance(axis, int):
            axis = (axis,)
        self.axis = tuple(axis)
        if (mean is None) != (variance is None):
            raise ValueError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError(
                    "When setting values directly, `mean` and `variance` must have the same "
                    f"shape. Received: mean shape {np.shape(mean)} and variance shape "
                    f"{np.shape(variance)}"
                )
            if len(np.shape(mean)) > len(self.axis):
                raise ValueError(
                    "The rank of `mean` must be less than or equal to the number of axes "
                    f"({len(self.axis)}). Received: mean shape {np.shape(mean)} for axis "
                    f"{self.axis}"
                )
        self.input_mean = mean
        self.input_variance = variance
        self.invert = invert

    def adapt(self, data, batch_size=None, steps=None):
        """Not available: the C ABI has no call that computes a layer's statistics."""
        raise NotImplementedError(
            "plexus.layers.Normalization.adapt: the C library cannot adapt a layer; compute "
            "the statistics with NumPy and pass them: Normalization(mean=x.mean(axis=0), "
            "variance=x.var(axis=0))"
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "axis": list(self.axis),
                "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist(),
            }
        )
        return config
