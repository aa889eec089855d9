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
    Or learned from an array: `norm = layers.Normalization(); norm.adapt(x)`.
    Equivalent to `keras.layers.Normalization`."""

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
        """Learns the mean and (biased) variance of `data` over every axis but the kept ones,
        in float64 as Keras's does. Before the layer is in a built model the statistics become
        its own (the config then carries them, so a saved model normalizes the same in Keras);
        in a built model they are written to its `mean` and `variance` weights. Equivalent to
        `keras.layers.Normalization.adapt(data)` on an array."""
        if batch_size is not None or steps is not None:
            raise NotImplementedError(
                "plexus.layers.Normalization.adapt: batch_size and steps are for datasets; "
                "pass the whole array"
            )
        values = np.asarray(data, dtype=np.float64)
        if values.size == 0:
            raise ValueError(f"Normalization {self.name}: adapt needs data, received shape "
                             f"{values.shape}")  # fmt: skip
        rank = values.ndim
        kept = sorted({a % rank for a in self.axis}) if rank else []
        if any(not -rank <= a < rank for a in self.axis):
            raise ValueError(
                f"Normalization {self.name}: axis {self.axis} out of range for data of shape "
                f"{values.shape}"
            )
        reduced = tuple(a for a in range(rank) if a not in kept)
        mean = values.mean(axis=reduced)
        variance = values.var(axis=reduced)
        variables = {v.path.rsplit("/", 1)[-1]: v for v in self.weights}
        if "mean" in variables and "variance" in variables:
            if self.input_mean is not None and not getattr(self, "_adapted", False):
                raise ValueError(
                    f"Normalization {self.name}: adapt learns statistics; this layer was "
                    "given them"
                )
            variables["mean"].assign(mean.reshape(variables["mean"].shape).astype(np.float32))
            variables["variance"].assign(
                variance.reshape(variables["variance"].shape).astype(np.float32)
            )
            return
        if self.input_mean is not None and not getattr(self, "_adapted", False):
            raise ValueError(
                f"Normalization {self.name}: adapt learns statistics; this layer was given them"
            )
        if self._weight_owner() is not None:
            raise ValueError(
                f"Normalization {self.name}: a built model holds this layer with the statistics "
                "it had then; adapt it before building the model"
            )
        self.input_mean = mean.astype(np.float32)
        self.input_variance = variance.astype(np.float32)
        self._adapted = True

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
